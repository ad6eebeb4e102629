/**
 * Nothing is lost (docs/deploy.md): stream records dropped on purpose (trimmed, retries exhausted),
 * timers lost, and the reconciler repairs it all: evaluation, outbox emails, overdue phase
 * changes, overdue reminders and missing timers, each exactly once.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, emailsTo, expectNoNumbers, type Pipeline } from './pipeline';

const HIGH = 8204417730519;
const LOW = 7391846250193;

let p: Pipeline;

beforeAll(async () => {
  p = await createPipeline();
});

afterEach(() => {
  p.stream.faults.drop.clear();
});

const ofSession = (id: string) => (r: DynamoDBRecord) => r.dynamodb?.Keys?.pk?.S === `SESSION#${id}`;

async function timersOf(id: string) {
  return (await p.timers.pending()).filter((t) => t.sessionId === id);
}

describe('reconciler', () => {
  it('dropped match and notify records: the reconciler re-drives both, every email arrives once', async () => {
    p.stream.faults.drop.add('match').add('notify');
    const s = await p.flows.opened({ mediator: true });
    expect((await p.submit(s.id, s.claimant, LOW)).status).toBe(202);
    expect((await p.submit(s.id, s.respondent, HIGH)).status).toBe(202);
    await p.settle();
    expect(p.stream.dropped('match').filter(ofSession(s.id))).toHaveLength(2);
    expect(p.stream.dropped('notify').filter(ofSession(s.id)).length).toBeGreaterThanOrEqual(3);
    expect(await p.emails(s.respondent)).toHaveLength(0);
    const stuck = await p.sessionItem(s.id);
    expect(stuck.evaluatedSeq).toBe(0);
    expect(stuck.seq).toBe(2);
    p.stream.faults.drop.clear();

    // Within the grace period nothing is re-driven: match and notify may just be busy.
    await p.reconcile();
    await p.settle();
    expect((await p.sessionItem(s.id)).evaluatedSeq).toBe(0);

    p.shiftClock(61);
    const report = await p.reconcile();
    expect(report.evaluationsRedriven).toBeGreaterThanOrEqual(1);
    expect(report.outboxRedriven).toBeGreaterThanOrEqual(3);
    await p.settle();

    const view = await p.view(s.id, s.mediator);
    expect(view.phase).toBe('settled');
    for (const to of [s.claimant, s.respondent, s.mediator]) {
      expect(await emailsTo(p, to, 'Deal reached')).toHaveLength(1);
      // Re-driven beside the evaluation: sent if notify got to it before the deal, else no longer
      // true and skipped (like a dead invitation) — never twice, never left pending.
      expect((await emailsTo(p, to, 'Step 2 is open')).length).toBeLessThanOrEqual(1);
    }
    const opened = (await p.api.sessionItems(s.id)).find((i) => i.sk === 'OUTBOX#initial-round-opened');
    expect(['sent', 'skipped']).toContain(opened?.status);
    // The invitations were used meanwhile (their links are dead): they are not sent late.
    expect(await emailsTo(p, s.respondent, 'You are invited')).toHaveLength(0);
    expectNoNumbers(await p.emails(s.mediator), [LOW, HIGH]);

    // Nothing left to do: a second run re-drives nothing of this session and sends nothing more.
    p.shiftClock(3600);
    await p.reconcile();
    await p.settle();
    const items = await p.api.sessionItems(s.id);
    expect(items.filter((i) => i.type === 'outbox' && i.status === 'pending')).toHaveLength(0);
    expect(items.filter((i) => i.type === 'outbox' && 'workPk' in i)).toHaveLength(0);
    expect(await emailsTo(p, s.claimant, 'Deal reached')).toHaveLength(1);
    // The re-drive stamp never leaks into the session.
    expect((await p.sessionItem(s.id)).redrive).toBeUndefined();
  });

  it('a dropped invitation that is still open is sent by the reconciler, once', async () => {
    p.stream.faults.drop.add('notify');
    const claimant = `c-${Date.now()}@example.com`;
    const respondent = `r-${Date.now()}@example.com`;
    await p.flows.create(claimant, { invite: { respondent } });
    await p.settle();
    p.stream.faults.drop.clear();
    expect(await p.emails(respondent)).toHaveLength(0);
    p.shiftClock(61);
    await p.reconcile();
    await p.settle();
    await p.reconcile();
    await p.settle();
    const [invitation, ...more] = await p.emails(respondent);
    expect(more).toHaveLength(0);
    expect(invitation!.subject).toBe('You are invited to a confidential negotiation: Acme v. Widget');
    expect(invitation!.text).toContain('/invite?token=');
  });

  it('lost timers: the reconciler finalizes the overdue deadline, writes the overdue reminder and re-creates timers', async () => {
    const s = await p.flows.opened({ mediator: true, create: { adjustmentSeconds: 5 * 86_400 } });
    await p.settle();
    const stored = await p.sessionItem(s.id);
    const deadline = stored.initialRoundStartsAt + stored.initialRoundSeconds * 1000;
    expect((await p.submit(s.id, s.claimant, HIGH)).status).toBe(202);
    await p.settle();
    for (const t of await timersOf(s.id)) await p.timers.complete(t.name); // every timer lost

    // Far from any timer's time the reconciler leaves them be (they are re-created when due soon).
    await p.reconcile();
    expect(await timersOf(s.id)).toEqual([]);
    // 20 minutes before the reminder, within the horizon: the reminder's timer is back, not yet the deadline's.
    p.shiftClock(36 * 3600 - 20 * 60);
    await p.reconcile();
    expect((await timersOf(s.id)).map((t) => [t.event, t.at])).toEqual([
      ['initial_round_reminder', deadline - 12 * 3600_000],
    ]);
    for (const t of await timersOf(s.id)) await p.timers.complete(t.name);

    // The reminder's time passed without its timer: the reconciler sends it, once.
    p.shiftClock(3600 + 20 * 60);
    await p.reconcile();
    await p.settle();
    await p.reconcile();
    await p.settle();
    expect(await emailsTo(p, s.respondent, 'Reminder: step 2 closes')).toHaveLength(1);
    expect(await emailsTo(p, s.claimant, 'Reminder')).toHaveLength(0);

    // The deadline passed without its timer: the reconciler closes step 2 (step 3 opens).
    for (const t of await timersOf(s.id)) await p.timers.complete(t.name);
    p.shiftClock(12 * 3600);
    const report = await p.reconcile();
    expect(report.finalized).toBeGreaterThanOrEqual(1);
    await p.settle();
    expect((await p.view(s.id, s.claimant)).phase).toBe('adjustment');
    expect(await emailsTo(p, s.mediator, 'No deal yet')).toHaveLength(1);
    // Step 3's timers come from the outbox record; lost again, the reconciler brings them back.
    expect((await timersOf(s.id)).map((t) => t.event).sort()).toEqual(['adjustment_reminder', 'session_end']);
    for (const t of await timersOf(s.id)) await p.timers.complete(t.name);
    await p.reconcile();
    expect(await timersOf(s.id)).toEqual([]);
    p.shiftClock(2 * 86_400 - 3600 - 20 * 60); // 20 minutes before the step-3 reminder
    await p.reconcile();
    expect((await timersOf(s.id)).map((t) => [t.event, t.at])).toEqual([
      ['adjustment_reminder', deadline + 2 * 86_400_000],
    ]);

    // The end passed without timers: the reconciler ends it with no deal.
    for (const t of await timersOf(s.id)) await p.timers.complete(t.name);
    p.shiftClock(3 * 86_400 + 3600);
    await p.reconcile();
    await p.settle();
    expect((await p.view(s.id, s.claimant)).phase).toBe('no_deal');
    expect(await emailsTo(p, s.mediator, 'Ended with no deal')).toHaveLength(1);
    expectNoNumbers(await p.emails(s.claimant), [HIGH]);
  });
});
