/**
 * Faults: a deal must survive every one (docs/rules.md, "Emails"; docs/deploy.md).
 *
 * - The local SES is down while a deal is made: every email arrives, once, after it is back —
 *   through the stream poller's own retries for a short outage, through the reconciler for an
 *   outage longer than the retries.
 * - A timer is delivered early, twice, and late: phases are intervals of server time, so an
 *   early timer closes nothing, a repeated one changes nothing, and a late one lets no late
 *   number in and dates the change when it was due, not when the timer came.
 * - DynamoDB Local is killed (SIGKILL) mid-session and restarted: no accepted number is lost,
 *   requests during the outage answer 503, and the pipeline resumes by itself.
 */
import { join } from 'node:path';
import { DeleteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_NAME } from '../../local/runtime';
import { startDynamoDbLocal } from '../../local/services/dynamodb-local';
import { lambdaContext } from '../../local/services/lambda-context';
import { type CapturedRuntime, startCapturedRuntime } from '../support/capture';
import {
  expectStatus,
  openedSession,
  partition,
  type Session,
  sessionItem,
  submit,
  untilPhase,
  view,
} from './helpers';

let rt: CapturedRuntime;
const faults = { sesOutages: 0, timerDeliveries: 0, databaseKills: 0 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The view, polled without settling (settling would wait through a failing consumer's retries). */
async function waitForPhase(s: Session, phase: string) {
  for (let i = 0; i < 200; i++) {
    const res = await rt.send(s.claimant, 'GET', `/sessions/${s.id}`);
    if (res.status === 200 && res.json.phase === phase) return res.json;
    await sleep(50);
  }
  throw new Error(`session ${s.id} never reached ${phase}`);
}

/** Emails of one session (its title is unique), by subject → recipients. */
async function mailOf(title: string) {
  return (await rt.emails()).filter((e) => e.subject.endsWith(`: ${title}`));
}

/** How often notify logged a failed dispatch of the session's deal email. */
function failedDispatches(sessionId: string): number {
  return rt.output
    .text()
    .split('\n')
    .filter((line) => line.includes('"outbox dispatch failed"') && line.includes(sessionId))
    .filter((line) => line.includes('"outboxId":"settled"')).length;
}

/** The phase-timer handler, as Scheduler (or the local runtime) invokes it. */
async function fireTimer(sessionId: string, event: string) {
  const { handler } = await import('../../functions/phase-timer/index');
  faults.timerDeliveries++;
  return handler({ sessionId, event, name: `${sessionId}-${event}` } as never, lambdaContext('phase-timer'));
}

/** Removes the session's pending local timers, so only the test decides when they fire. */
async function holdTimers(sessionId: string) {
  const { Items } = await rt.db.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'TIMER' } },
      ConsistentRead: true,
    }),
  );
  const mine = (Items ?? []).filter((i) => i.sessionId?.S === sessionId);
  for (const item of mine) {
    await rt.db.send(new DeleteItemCommand({ TableName: TABLE_NAME, Key: { pk: item.pk!, sk: item.sk! } }));
  }
  return mine.map((i) => i.event?.S);
}

describe('faults', () => {
  beforeAll(async () => {
    rt = await startCapturedRuntime({ logLevel: 'WARN' });
  });

  afterAll(async () => {
    await rt?.stop();
    console.info(`faults injected: ${JSON.stringify(faults)}`);
  });

  it('SES down for a moment during a deal: the poller’s retries deliver every email once', async () => {
    // Prepare
    const title = 'SES blip';
    const s = await openedSession(rt, { mediator: true, create: { title } });
    await rt.settle();
    await submit(rt, s.claimant, s.id, 2_000_000);

    // Act: SES goes down, the deal is made, SES comes back while notify is still retrying.
    await rt.runtime.ses.pause();
    faults.sesOutages++;
    await submit(rt, s.respondent, s.id, 2_500_000);
    await waitForPhase(s, 'settled');
    await sleep(300);
    await rt.runtime.ses.resume();
    await rt.settle();

    // Assess: notify did fail while SES was down, and then delivered once.
    expect(failedDispatches(s.id)).toBeGreaterThanOrEqual(1);
    const deals = (await mailOf(title)).filter((e) => e.subject.startsWith('Deal reached'));
    expect(deals).toHaveLength(1);
    expect([...deals[0]!.to].sort()).toEqual(
      [s.claimant.email, s.respondent.email, s.mediator!.email].sort(),
    );
    const outbox = (await partition(rt, s.id)).find((i) => i.sk === 'OUTBOX#settled');
    expect(outbox).toMatchObject({ status: 'sent' });
  });

  it('SES down longer than the retries: the reconciler re-sends, every email arrives once', async () => {
    // Prepare
    const title = 'SES outage';
    const s = await openedSession(rt, { mediator: true, create: { title } });
    await rt.settle();
    await submit(rt, s.claimant, s.id, 3_000_000);
    const { handler: reconcile } = await import('../../functions/reconciler/index');

    // Act: the deal is made while SES is down; notify exhausts its retries (the record goes to
    // the on-failure list); SES comes back; the reconciler runs after its grace period, twice.
    await rt.runtime.ses.pause();
    faults.sesOutages++;
    await submit(rt, s.respondent, s.id, 3_100_000);
    await waitForPhase(s, 'settled');
    await rt.settle(); // through every retry: none can succeed
    const whileDown = await mailOf(title);
    const pending = (await partition(rt, s.id)).find((i) => i.sk === 'OUTBOX#settled');
    await rt.runtime.ses.resume();
    await rt.advance(120);
    const first = await reconcile(undefined, lambdaContext('reconciler'));
    await rt.settle();
    await rt.advance(3 * 3600);
    const second = await reconcile(undefined, lambdaContext('reconciler'));
    await rt.settle();

    // Assess
    expect(whileDown.filter((e) => e.subject.startsWith('Deal reached'))).toEqual([]);
    expect(pending).toMatchObject({ status: 'pending' });
    expect(failedDispatches(s.id)).toBeGreaterThanOrEqual(5);
    // (The runtime runs the reconciler too, every minute of real time: either run may be the one
    // that re-drives; afterwards there is nothing left to re-drive.)
    expect(first.errors).toBe(0);
    expect(second.outboxRedriven).toBe(0);
    const mail = await mailOf(title);
    const deals = mail.filter((e) => e.subject.startsWith('Deal reached'));
    expect(deals).toHaveLength(1);
    expect([...deals[0]!.to].sort()).toEqual(
      [s.claimant.email, s.respondent.email, s.mediator!.email].sort(),
    );
    const keys = mail.map((e) => `${e.subject} → ${[...e.to].sort().join(',')}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Nothing left pending (an invitation accepted before its email went out is `skipped`).
    expect((await partition(rt, s.id)).filter((i) => i.type === 'outbox' && i.status === 'pending')).toEqual(
      [],
    );
  });

  it('timers delivered early, twice and late: the phases follow the clock, not the timers', async () => {
    // Prepare: step 2 of 30 hours (so it has a reminder), step 3 of 5 days; the test holds
    // every timer of the session and delivers them itself.
    const title = 'Timers';
    const s = await openedSession(rt, {
      mediator: true,
      create: { title, initialRoundSeconds: 30 * 3600, adjustmentSeconds: 5 * 86400 },
    });
    await rt.settle();
    expect(await holdTimers(s.id)).toEqual(
      expect.arrayContaining(['initial_round_deadline', 'initial_round_reminder']),
    );
    const stored = await sessionItem(rt, s.id);
    const deadline = (stored.initialRoundStartsAt as number) + 30 * 3600_000;

    // Act 1: early deliveries of every timer.
    const early = [
      await fireTimer(s.id, 'initial_round_deadline'),
      await fireTimer(s.id, 'initial_round_reminder'),
      await fireTimer(s.id, 'session_end'),
      await fireTimer(s.id, 'adjustment_reminder'),
    ];
    const claimantNumber = await rt.send(s.claimant, 'PUT', `/sessions/${s.id}/number`, {
      body: { amount: 700_000 },
    });
    await rt.settle();
    const afterEarly = await view(rt, s.claimant, s.id);

    // Act 2: the deadline passes without its timer; a number is refused nothing, but it is a
    // step-3 move now; then the timer arrives 2 hours late, and again.
    await rt.advance(32 * 3600);
    await holdTimers(s.id);
    const lateView = await view(rt, s.claimant, s.id);
    const storedBefore = (await sessionItem(rt, s.id)).phase;
    const late = await fireTimer(s.id, 'initial_round_deadline');
    const twice = await fireTimer(s.id, 'initial_round_deadline');
    await rt.settle();
    await holdTimers(s.id);
    const outbox = (await partition(rt, s.id)).find((i) => i.sk === 'OUTBOX#adjustment-opened') as {
      notice: { endsAt: number };
    };

    // Act 3: the reminder, twice, inside its window; then the end passes without its timer.
    await rt.advance(3 * 86400);
    await holdTimers(s.id);
    const reminders = [
      await fireTimer(s.id, 'adjustment_reminder'),
      await fireTimer(s.id, 'adjustment_reminder'),
    ];
    await rt.settle();
    await rt.advance(2 * 86400);
    await holdTimers(s.id);
    const lateNumber = await rt.send(s.respondent, 'PUT', `/sessions/${s.id}/number`, {
      body: { amount: 900_000 },
    });
    const endedView = await view(rt, s.claimant, s.id);
    const end = await fireTimer(s.id, 'session_end');
    const endAgain = await fireTimer(s.id, 'session_end');
    await rt.settle();

    // Assess 1: early timers did nothing; the number was a step-2 number.
    expect(early.map((r) => r.action)).toEqual(['nothing_due', 'skipped', 'nothing_due', 'skipped']);
    expectStatus(claimantNumber, 202);
    expect(afterEarly.phase).toBe('initial_round');
    // Assess 2: the view knew step 3 had opened before the timer came; the late timer dated it at
    // the deadline, once.
    expect(lateView.phase).toBe('adjustment');
    expect(Date.parse(lateView.schedule.endsAt)).toBe(Math.floor((deadline + 5 * 86400_000) / 1000) * 1000);
    expect(storedBefore).toBe('initial_round');
    expect(late).toMatchObject({ action: 'finalized', events: ['InitialRoundClosed', 'AdjustmentOpened'] });
    expect(twice).toMatchObject({ action: 'nothing_due' });
    expect(outbox.notice.endsAt).toBe(deadline + 5 * 86400_000);
    // Assess 3: one reminder; no number after the end, even before the end's timer; one end.
    expect(reminders.map((r) => r.action)).toEqual(['reminder_sent', 'skipped']);
    expectStatus(lateNumber, 409, 'session_ended');
    expect(endedView.phase).toBe('no_deal');
    expect(end).toMatchObject({ action: 'finalized', events: ['NoDeal'] });
    expect(endAgain).toMatchObject({ action: 'nothing_due' });
    const items = await partition(rt, s.id);
    expect(items.find((i) => i.event === 'NoDeal')).toMatchObject({});
    expect(items.filter((i) => i.event === 'NumberAccepted').map((i) => i.step)).toEqual(['initial_round']);
    const mail = await mailOf(title);
    for (const subject of ['No deal yet: step 3', 'Reminder: step 3 ends', 'Ended with no deal']) {
      expect(
        mail.filter((e) => e.subject.startsWith(subject)),
        subject,
      ).toHaveLength(1);
    }
  });

  it('DynamoDB Local killed and restarted mid-session: no accepted number lost, the pipeline resumes', async () => {
    // Prepare: step 3 is open; the claimant moves, and the database dies right after the 202.
    const title = 'Database crash';
    const s = await openedSession(rt, { mediator: true, create: { title } });
    await submit(rt, s.claimant, s.id, 8_000_000);
    await submit(rt, s.respondent, s.id, 6_000_000);
    await untilPhase(rt, s.claimant, s.id, 'adjustment');
    const { pid, port } = rt.runtime.dynamo;

    // Act: the move, then SIGKILL. DynamoDB Local answers a write a few milliseconds before it
    // is on disk (measured: an item written with GSIs right before a SIGKILL is lost 6 times in
    // 8; 50 ms later, never; SIGTERM never loses it). DynamoDB on AWS answers only once the write
    // is durable, so the kill comes 100 ms after the 202: the emulator's window is not the
    // product's to close.
    const move = await rt.send(s.claimant, 'PUT', `/sessions/${s.id}/number`, {
      body: { amount: 7_000_000 },
    });
    await sleep(100);
    process.kill(pid, 'SIGKILL');
    faults.databaseKills++;
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
        await sleep(50);
      } catch {
        break;
      }
    }
    const duringRead = await rt.send(s.claimant, 'GET', `/sessions/${s.id}`);
    const duringWrite = await rt.send(s.respondent, 'PUT', `/sessions/${s.id}/number`, {
      body: { amount: 6_500_000 },
    });
    const restarted = await startDynamoDbLocal({ dataDir: join(rt.dataDir, 'db'), port });
    rt.adopt(() => restarted.stop());
    const own = await rt.send(s.claimant, 'GET', `/sessions/${s.id}/number`);
    const deal = await rt.send(s.respondent, 'PUT', `/sessions/${s.id}/number`, {
      body: { amount: 7_200_000 },
    });
    const settled = await untilPhase(rt, s.mediator!, s.id, 'settled');
    await rt.settle();

    // Assess: the move was kept, the outage was a clean 503 that accepted nothing, and the deal
    // is the one the claimant's kept move and the respondent's new offer make.
    expectStatus(move, 202);
    expectStatus(duringRead, 503, 'service_unavailable');
    expectStatus(duringWrite, 503, 'service_unavailable');
    expectStatus(own, 200);
    expect(own.json.amount).toBe(7_000_000);
    expectStatus(deal, 202);
    expect(settled.outcome).toMatchObject({ reachedIn: 'adjustment', bonusSide: 'claimant' });
    expect(BigInt(settled.outcome.baseAmount)).toBeGreaterThanOrEqual(7_000_000n);
    expect(BigInt(settled.outcome.baseAmount)).toBeLessThanOrEqual(7_200_000n);
    const item = await sessionItem(rt, s.id);
    expect(item).toMatchObject({ seq: 4, evaluatedSeq: 4, sealed: {} });
    const accepted = (await partition(rt, s.id)).filter((i) => i.event === 'NumberAccepted');
    expect(accepted).toHaveLength(4);
    expect((await mailOf(title)).filter((e) => e.subject.startsWith('Deal reached'))).toHaveLength(1);
  });
});
