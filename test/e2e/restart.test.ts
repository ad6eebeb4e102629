/**
 * A restart in the middle of a session (docs/dev-routes.md: data kept across restarts, the stream poller's
 * checkpoint, timers in the table, the business clock's offset and the token signing key). This
 * test runs a runtime of its own, stops it with SIGTERM as Ctrl-C would, and starts it again on
 * the same data folder.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDataDir, type RuntimeProcess, startRuntimeProcess } from '../setup/local-runtime';
import { E2eClient } from '../support/e2e-client';
import { ADJUSTMENT, anyTime, HOUR, INITIAL_ROUND, plusSeconds, withSubject } from './expected';

describe('a restart in the middle of a session', () => {
  const dataDir = freshDataDir('restart');
  const runtimes: RuntimeProcess[] = [];
  afterAll(async () => {
    try {
      for (const runtime of runtimes) await runtime.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps the session, the sealed number, the mail, the clock and the deadline timer', {
    timeout: 150_000,
  }, async () => {
    // Prepare: step 2 open, one number in, the deadline timer pending; 10 hours pass.
    const first = await startRuntimeProcess({ dataDir });
    runtimes.push(first);
    const before = new E2eClient(first.url);
    const s = await before.settledStep1({ domain: 'restart.e2e.example', mediator: true });
    await before.submit(s.id, s.claimant, 6_100_000);
    const clockBefore = await before.clock(10 * HOUR);
    const viewBefore = await before.view(s.id, s.claimant);
    const mailBefore = await before.emails(s.mediator!.email);
    // A second session whose completing number may still be in the stream when the runtime stops.
    const pair = await before.settledStep1({ domain: 'restart-pair.e2e.example' });
    await before.clock(0);
    await before.submit(pair.id, pair.claimant, 2_500_000);
    await before.submit(pair.id, pair.respondent, 2_500_000);

    // Act: SIGTERM, then start again on the same data folder and port.
    await first.stop();
    const second = await startRuntimeProcess({ dataDir, port: first.port });
    runtimes.push(second);
    const after = new E2eClient(second.url);

    // Assess: the same view and own number, with the tokens issued before the restart.
    const clockAfter = await after.clock(0);
    expect(Date.parse(clockAfter) - Date.parse(clockBefore)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(clockAfter) - Date.parse(clockBefore)).toBeLessThan(10 * 60_000);
    const viewAfter = await after.view(s.id, s.claimant);
    expect(viewAfter).toEqual(viewBefore);
    expect(viewAfter.phase).toBe('initial_round');
    expect(viewAfter.sides.claimant.hasNumber).toBe(true);
    const own = await after.call('GET', `/sessions/${s.id}/number`, { token: s.claimant.token });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ amount: 6_100_000, submittedAt: anyTime() });
    expect(await after.emails(s.mediator!.email)).toEqual(mailBefore);

    // The pair is evaluated exactly once: the poller resumed from its checkpoint.
    expect((await after.view(pair.id, pair.claimant)).outcome).toEqual({
      amount: 2_500_000,
      baseAmount: 2_500_000,
      bonusSide: null,
      reachedIn: 'initial_round',
      settledAt: anyTime(),
    });
    for (const who of [pair.claimant, pair.respondent]) {
      expect(withSubject(await after.emails(who.email), 'Deal reached'), who.email).toHaveLength(1);
      expect(withSubject(await after.emails(who.email), 'Step 2 is open'), who.email).toHaveLength(1);
    }

    // …and the timers still fire: the reminder at 36 hours, the deadline at 48 hours.
    await after.clock(INITIAL_ROUND - 12 * HOUR - 10 * HOUR);
    const reminded = await after.emails(s.respondent.email);
    await after.clock(12 * HOUR);
    expect(withSubject(reminded, 'Reminder: step 2 closes')).toHaveLength(1);
    const view = await after.view(s.id, s.respondent);
    expect(view.phase).toBe('adjustment');
    expect(view.schedule.endsAt).toBe(plusSeconds(viewBefore.schedule.initialRoundEndsAt, ADJUSTMENT));
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      const emails = await after.emails(who.email);
      expect(withSubject(emails, 'No deal yet: step 3 is open'), who.email).toHaveLength(1);
      expect(withSubject(emails, 'Step 2 is open'), who.email).toHaveLength(1);
      expect(withSubject(emails, 'Reminder: step 2 closes')).toHaveLength(who === s.respondent ? 1 : 0);
    }
  });
});
