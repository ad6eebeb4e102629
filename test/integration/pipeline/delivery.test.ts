/**
 * At-least-once delivery (docs/rules.md, "Order decides"; docs/deploy.md): duplicate, stale and reordered stream records, racing
 * moves, a move racing a withdrawal and a move racing the end. Order decides, not the order in
 * which functions happen to run: never two deals, never a different one, never a lost one.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, emailsTo, expectNoNumbers, type Pipeline } from './pipeline';

const HIGH = 8204417730519;
const LOW = 7391846250193;
const LOWERED = 7046381529817; // the claimant moves into overlap with LOW (many figures: no rounded deal equals it)
const RAISED = 8693527140263; // the respondent moves into overlap with HIGH

let p: Pipeline;

beforeAll(async () => {
  p = await createPipeline();
});

afterEach(async () => {
  p.stream.faults.duplicate = false;
  p.stream.faults.drop.clear();
  await p.stream.stop();
});

const ofSession = (id: string) => (r: DynamoDBRecord) => r.dynamodb?.Keys?.pk?.S === `SESSION#${id}`;

/** Both numbers in, no overlap: step 3 is open with HIGH (claimant) and LOW (respondent) standing. */
async function inStepThree(options: { create?: Record<string, unknown> } = {}) {
  const s = await p.flows.opened({ mediator: true, ...options });
  await p.settle(); // "Step 2 is open" goes out while it is true
  expect((await p.submit(s.id, s.claimant, HIGH)).status).toBe(202);
  expect((await p.submit(s.id, s.respondent, LOW)).status).toBe(202);
  await p.settle();
  expect((await p.view(s.id, s.claimant)).phase).toBe('adjustment');
  return s;
}

async function settledEvents(id: string) {
  return (await p.audit(id)).filter((a) => a.event === 'Settled');
}

/** How many emails each address received, by subject. */
async function inbox(addresses: string[]) {
  const counts: Record<string, number> = {};
  for (const to of addresses) {
    for (const email of await p.emails(to)) {
      const key = `${to} ${email.subject}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return counts;
}

describe('duplicate, stale and reordered stream records', () => {
  it('every record delivered twice: one deal, one email of each kind', async () => {
    p.stream.faults.duplicate = true;
    const s = await inStepThree();
    expect((await p.submit(s.id, s.respondent, RAISED)).status).toBe(202);
    await p.settle();

    expect((await p.view(s.id, s.claimant)).outcome).toMatchObject({ bonusSide: 'claimant' });
    expect(await settledEvents(s.id)).toHaveLength(1);
    const everyone = [s.claimant, s.respondent, s.mediator];
    const counts = await inbox(everyone);
    expect(Object.values(counts).every((n) => n === 1)).toBe(true);
    for (const to of everyone) {
      expect(await emailsTo(p, to, 'Deal reached')).toHaveLength(1);
      expect(await emailsTo(p, to, 'No deal yet')).toHaveLength(1);
      expect(await emailsTo(p, to, 'Step 2 is open')).toHaveLength(1);
    }
    // Each session image with the marker reached match twice.
    expect(p.stream.invocations('match')).toBeGreaterThan(p.stream.delivered('match').length / 10);
  });

  it('old images delivered after newer ones, and in reverse order, change nothing', async () => {
    const s = await inStepThree();
    expect((await p.submit(s.id, s.claimant, LOWERED)).status).toBe(202);
    await p.settle();
    const settled = await p.sessionItem(s.id);
    expect(settled.outcome).not.toBeNull();
    const before = await inbox([s.claimant, s.respondent, s.mediator]);

    const matchRecords = p.stream.delivered('match').filter(ofSession(s.id));
    expect(matchRecords.length).toBe(3); // three number writes
    await p.stream.redeliver('match', [matchRecords[0]!]); // the oldest image
    await p.stream.redeliver('match', [...matchRecords].reverse());
    const notifyRecords = p.stream.delivered('notify').filter(ofSession(s.id));
    await p.stream.redeliver('notify', [...notifyRecords].reverse());
    await p.settle();

    const after = await p.sessionItem(s.id);
    expect(after.rev).toBe(settled.rev);
    expect(after.outcome).toEqual(settled.outcome);
    expect(await inbox([s.claimant, s.respondent, s.mediator])).toEqual(before);
  });
});

describe('races', () => {
  it('two moves racing: the first seq makes the deal, the later one is void', async () => {
    for (let round = 0; round < 3; round++) {
      const s = await inStepThree();
      // Round 0: both moves are in before match runs (the later one is void); then match runs
      // while the moves arrive.
      if (round > 0) p.stream.poller.start();
      const [c, r] = await Promise.all([
        p.submit(s.id, s.claimant, LOWERED),
        p.submit(s.id, s.respondent, RAISED),
      ]);
      // Both are accepted unless match recorded the deal before the later one arrived: after
      // an end a number is refused (409 session_ended), before it always accepted.
      expect([c.status, r.status]).toContain(202);
      for (const res of [c, r]) expect([202, 409]).toContain(res.status);
      if (round === 0) expect([c.status, r.status]).toEqual([202, 202]);
      await p.stream.stop();
      await p.settle();

      const accepted = (await p.audit(s.id)).filter((a) => a.event === 'NumberAccepted');
      const first = accepted.find((a) => a.seq === 3)!;
      const { outcome } = await p.view(s.id, s.mediator);
      if (first.side === 'claimant') {
        expect(outcome.bonusSide).toBe('respondent');
        expect(outcome.baseAmount).toBeGreaterThanOrEqual(LOWERED);
        expect(outcome.baseAmount).toBeLessThanOrEqual(LOW);
      } else {
        expect(outcome.bonusSide).toBe('claimant');
        expect(outcome.baseAmount).toBeGreaterThanOrEqual(HIGH);
        expect(outcome.baseAmount).toBeLessThanOrEqual(RAISED);
      }
      const evaluated = (await p.audit(s.id)).filter((a) => a.event === 'MoveEvaluated').map((a) => a.seq);
      expect(evaluated).toEqual(accepted.map((a) => a.seq)); // every accepted seq, in order; seq 4 void
      expect(accepted.length).toBe([c, r].filter((res) => res.status === 202).length + 2);
      expect(await settledEvents(s.id)).toHaveLength(1);
      expect(await emailsTo(p, s.mediator, 'Deal reached')).toHaveLength(1);
    }
  });

  it('a move racing a withdrawal: either the deal or the withdrawal, never both', async () => {
    for (let round = 0; round < 3; round++) {
      const s = await inStepThree();
      p.stream.poller.start(); // the withdrawal waits for match inside its request
      const [move, withdrawal] = await Promise.all([
        p.submit(s.id, s.respondent, RAISED),
        p.withdraw(s.id, s.claimant),
      ]);
      await p.stream.stop();
      await p.settle();
      const view = await p.view(s.id, s.claimant);
      if (view.phase === 'settled') {
        expect(move.status).toBe(202);
        expect(withdrawal.status).toBe(409);
        expect(withdrawal.body.error.code).toBe('session_ended');
        expect(await emailsTo(p, s.mediator, 'Withdrawn')).toHaveLength(0);
        expect(await emailsTo(p, s.mediator, 'Deal reached')).toHaveLength(1);
      } else {
        expect(view.phase).toBe('withdrawn');
        expect(withdrawal.status).toBe(200);
        expect(move.status).toBe(409);
        expect(move.body.error.code).toBe('session_ended');
        expect(await emailsTo(p, s.mediator, 'Deal reached')).toHaveLength(0);
        expect(await emailsTo(p, s.mediator, 'Withdrawn')).toHaveLength(1);
      }
    }
  });

  it('a move accepted just before the end but evaluated after it still makes the deal', async () => {
    const s = await inStepThree({ create: { adjustmentSeconds: 3600 } });
    const endsAt = Date.parse((await p.view(s.id, s.claimant)).schedule.endsAt);
    p.shiftClock((endsAt - p.now()) / 1000 - 2);

    p.stream.faults.drop.add('match'); // match lags behind
    expect((await p.submit(s.id, s.respondent, RAISED)).status).toBe(202);
    await p.settle();
    const lagging = p.stream.dropped('match').filter(ofSession(s.id));
    expect(lagging).toHaveLength(1);

    const fired = await p.advance(3); // session_end fires while the move is unevaluated
    expect(fired).toContainEqual({ action: 'nothing_due' });
    expect((await p.view(s.id, s.claimant)).phase).toBe('adjustment');
    // Numbers are closed now (the interval rule), whatever the stored phase says.
    expect((await p.submit(s.id, s.claimant, LOWERED)).status).toBe(409);

    p.stream.faults.drop.clear();
    await p.stream.redeliver('match', lagging);
    await p.settle();
    const view = await p.view(s.id, s.claimant);
    expect(view.phase).toBe('settled');
    expect(view.outcome.bonusSide).toBe('claimant');
    expect(await emailsTo(p, s.mediator, 'Ended with no deal')).toHaveLength(0);
    expect(await emailsTo(p, s.mediator, 'Deal reached')).toHaveLength(1);
    expectNoNumbers(await p.emails(s.claimant), [HIGH, LOW, RAISED, LOWERED]);
  });

  it('without a deal the end waits for the last evaluation, then it is no deal', async () => {
    const s = await inStepThree({ create: { adjustmentSeconds: 3600 } });
    const endsAt = Date.parse((await p.view(s.id, s.claimant)).schedule.endsAt);
    p.shiftClock((endsAt - p.now()) / 1000 - 2);
    p.stream.faults.drop.add('match');
    expect((await p.submit(s.id, s.respondent, LOW - 1)).status).toBe(202); // still no overlap
    await p.settle();
    await p.advance(3);
    expect((await p.view(s.id, s.claimant)).phase).toBe('adjustment');
    p.stream.faults.drop.clear();
    await p.stream.redeliver('match', p.stream.dropped('match').filter(ofSession(s.id)));
    await p.settle();
    expect((await p.view(s.id, s.claimant)).phase).toBe('no_deal');
    expect(await emailsTo(p, s.mediator, 'Ended with no deal')).toHaveLength(1);
  });
});
