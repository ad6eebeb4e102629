/**
 * The SES endpoint down for a while (docs/rules.md, "Emails": never lost; a duplicate only if the sender dies
 * between sending and recording the send). notify fails, the stream retries, gives up (the
 * on-failure list); once SES is back, the reconciler re-drives the unsent outbox records and every
 * email arrives exactly once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SesLocal, startSesLocal } from '../../../local/services/ses-local';
import { createPipeline, emailsTo, expectNoNumbers, type Pipeline } from './pipeline';

const HIGH = 8204417730519;
const LOW = 7391846250193;

let ses: SesLocal;
let p: Pipeline;

beforeAll(async () => {
  ses = await startSesLocal();
  p = await createPipeline({ ses });
});

afterAll(async () => {
  await ses?.stop();
});

it('SES down for a while: every email arrives once after it returns', async () => {
  await ses.pause();
  const s = await p.flows.opened({ mediator: true });
  expect((await p.submit(s.id, s.claimant, LOW)).status).toBe(202);
  expect((await p.submit(s.id, s.respondent, HIGH)).status).toBe(202);
  await p.settle(); // notify fails, is retried, and finally gives up on the records
  expect((await p.view(s.id, s.claimant)).phase).toBe('settled');
  expect(p.stream.failures().some((f) => f.consumer === 'notify')).toBe(true);
  expect(p.stream.failures().some((f) => f.consumer === 'match')).toBe(false);
  const pending = (await p.api.sessionItems(s.id)).filter(
    (i) => i.type === 'outbox' && i.status === 'pending',
  );
  // The deal's email waits; `terms-settled` (timers only) went through. "Step 2 is open" waits too,
  // unless notify looked at it after the deal (then it was no longer true, and was skipped).
  expect(pending.map((i) => i.id)).toContain('settled');
  expect(pending.every((i) => ['initial-round-opened', 'settled'].includes(String(i.id)))).toBe(true);

  // Still down: the reconciler's re-drive fails again and loses nothing.
  p.shiftClock(61);
  await p.reconcile();
  await p.settle();

  await ses.resume();
  p.shiftClock(3600); // past the re-drive back-off
  await p.reconcile();
  await p.settle();

  const everyone = [s.claimant, s.respondent, s.mediator];
  for (const to of everyone) {
    expect(await emailsTo(p, to, 'Deal reached')).toHaveLength(1);
    // "Step 2 is open" is no longer true once the deal is made: recorded as skipped, never sent late.
    expect(await emailsTo(p, to, 'Step 2 is open')).toHaveLength(0);
  }
  expectNoNumbers(await ses.readEmails(), [LOW, HIGH]);
  const items = await p.api.sessionItems(s.id);
  expect(items.filter((i) => i.type === 'outbox' && i.status === 'pending')).toHaveLength(0);
  expect(items.find((i) => i.sk === 'OUTBOX#initial-round-opened')?.status).toBe('skipped');

  // A later run sends nothing twice.
  p.shiftClock(3600);
  await p.reconcile();
  await p.settle();
  for (const to of everyone) expect(await emailsTo(p, to, 'Deal reached')).toHaveLength(1);
});

it('a short outage within the stream retries: delivered once when SES returns', async () => {
  const s = await p.flows.opened({ mediator: true });
  await p.settle();
  await ses.pause();
  expect((await p.submit(s.id, s.claimant, LOW)).status).toBe(202);
  expect((await p.submit(s.id, s.respondent, LOW)).status).toBe(202);
  const failuresBefore = p.stream.failures().length;
  p.stream.setMaxRetries(30); // ~23 s of retries: longer than SES takes to come back, even on a busy machine
  const draining = p.settle();
  await new Promise((r) => setTimeout(r, 200));
  await ses.resume();
  await draining;
  // The retries of the stream (and the SDK's) bridged the outage: nothing gave up.
  expect(p.stream.failures().length - failuresBefore).toBe(0);
  p.stream.setMaxRetries(5);
  for (const to of [s.claimant, s.respondent, s.mediator]) {
    expect(await emailsTo(p, to, 'Deal reached')).toHaveLength(1);
  }
});
