/**
 * Step 2 (the initial round) over HTTP against the running local runtime: an exact match, an
 * overlap, no overlap, and silence until the deadline (docs/rules.md, "Phases", "Match and deal amount", "Emails").
 */
import { describe, expect, inject, it } from 'vitest';
import { E2eClient } from '../support/e2e-client';
import {
  ADJUSTMENT,
  anyTime,
  expectedView,
  expectNoAmounts,
  HOUR,
  INITIAL_ROUND,
  joined,
  plusSeconds,
  secondsBetween,
  withSubject,
} from './expected';

const api = new E2eClient(inject('apiUrl'));

describe('step 2 (initial round)', () => {
  it('opens when step 1 is settled: the view shows the schedule and the "step 2 opened" email goes to everyone', async () => {
    // Prepare
    const before = await api.clock(0);

    // Act
    const s = await api.settledStep1({ domain: 'opened.step2.e2e.example', mediator: true });
    await api.clock(0);

    // Assess
    const view = await api.view(s.id, s.claimant);
    expect(view).toEqual(
      expectedView({
        id: s.id,
        myRole: 'claimant',
        phase: 'initial_round',
        claimant: [joined(s.claimant.email)],
        respondent: [joined(s.respondent.email)],
        mediator: joined(s.mediator!.email),
        schedule: { startsAt: anyTime(), initialRoundEndsAt: anyTime(), endsAt: null },
      }),
    );
    expect(secondsBetween(before, view.schedule.startsAt)).toBeGreaterThanOrEqual(0);
    expect(secondsBetween(view.schedule.startsAt, view.schedule.initialRoundEndsAt)).toBe(INITIAL_ROUND);
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      const opened = withSubject(await api.emails(who.email), 'Step 2 is open');
      expect(opened, who.email).toHaveLength(1);
      expect(opened[0]!.text).toContain('5% bonus');
    }
    const own = await api.call('GET', `/sessions/${s.id}/number`, { token: s.claimant.token });
    expect(own.status).toBe(404);
    expect(own.body.error.code).toBe('no_number');
  });

  it('settles at that number when both numbers are equal: no bonus, reached in step 2', async () => {
    // Prepare
    const s = await api.settledStep1({ domain: 'exact.step2.e2e.example', mediator: true });

    // Act
    await api.submit(s.id, s.claimant, 10_000_000);
    await api.submit(s.id, s.respondent, 10_000_000);
    await api.clock(0);

    // Assess
    const outcome = {
      amount: 10_000_000,
      baseAmount: 10_000_000,
      bonusSide: null,
      reachedIn: 'initial_round',
      settledAt: anyTime(),
    };
    const view = await api.view(s.id, s.mediator!);
    expect(view).toEqual(
      expectedView({
        id: s.id,
        myRole: 'mediator',
        phase: 'settled',
        claimant: [joined(s.claimant.email)],
        respondent: [joined(s.respondent.email)],
        mediator: joined(s.mediator!.email),
        hasNumber: { claimant: true, respondent: true },
        schedule: { startsAt: anyTime(), initialRoundEndsAt: anyTime(), endsAt: null },
        outcome,
      }),
    );
    expect((await api.view(s.id, s.respondent)).outcome).toEqual(view.outcome);
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      const deal = withSubject(await api.emails(who.email), 'Deal reached');
      expect(deal, who.email).toHaveLength(1);
      expect(deal[0]!.text).toContain('Final amount: USD 100,000.00');
      expect(deal[0]!.text).toContain('No terms: numbers first.');
    }
    const own = await api.call('GET', `/sessions/${s.id}/number`, { token: s.claimant.token });
    expect(own.status).toBe(409);
    expect(own.body.error.code).toBe('session_ended');
  });

  it('settles inside an overlap at a neutrally rounded amount, never the midpoint rule', async () => {
    // Prepare
    const s = await api.settledStep1({ domain: 'overlap.step2.e2e.example' });

    // Act
    await api.submit(s.id, s.claimant, 10_000_000);
    await api.submit(s.id, s.respondent, 12_000_000);
    await api.clock(0);

    // Assess
    const view = await api.view(s.id, s.claimant);
    expect(view.phase).toBe('settled');
    expect(view.outcome).toEqual({
      amount: view.outcome.baseAmount,
      baseAmount: expect.any(Number),
      bonusSide: null,
      reachedIn: 'initial_round',
      settledAt: anyTime(),
    });
    // 8 digits → multiples of 10^5 inside [10,000,000, 12,000,000].
    expect(view.outcome.amount).toBeGreaterThanOrEqual(10_000_000);
    expect(view.outcome.amount).toBeLessThanOrEqual(12_000_000);
    expect(view.outcome.amount % 100_000).toBe(0);
    expect(view.schedule.endsAt).toBeNull();
  });

  it('opens step 3 when both numbers are in without an overlap: endsAt is 28 days after, nothing revealed', async () => {
    // Prepare
    const s = await api.settledStep1({ domain: 'no-overlap.step2.e2e.example', mediator: true });
    await api.submit(s.id, s.claimant, 13_000_000);

    // Act
    const before = await api.clock(0);
    await api.submit(s.id, s.respondent, 11_000_000);
    const after = await api.clock(0);

    // Assess
    const view = await api.view(s.id, s.respondent);
    expect(view).toEqual(
      expectedView({
        id: s.id,
        myRole: 'respondent',
        phase: 'adjustment',
        claimant: [joined(s.claimant.email)],
        respondent: [joined(s.respondent.email)],
        mediator: joined(s.mediator!.email),
        hasNumber: { claimant: true, respondent: true },
        schedule: { startsAt: anyTime(), initialRoundEndsAt: anyTime(), endsAt: anyTime() },
      }),
    );
    // Step 2 closed with the completing write, between `before` and `after`.
    expect(secondsBetween(before, view.schedule.endsAt)).toBeGreaterThanOrEqual(ADJUSTMENT);
    expect(secondsBetween(after, view.schedule.endsAt)).toBeLessThanOrEqual(ADJUSTMENT);
    expect(secondsBetween(view.schedule.startsAt, view.schedule.initialRoundEndsAt)).toBe(INITIAL_ROUND);
    const own = await api.call('GET', `/sessions/${s.id}/number`, { token: s.respondent.token });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ amount: 11_000_000, submittedAt: anyTime() });
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      const emails = await api.emails(who.email);
      expect(withSubject(emails, 'No deal yet: step 3 is open'), who.email).toHaveLength(1);
      expect(withSubject(emails, 'Deal reached')).toHaveLength(0);
      expectNoAmounts(emails, [13_000_000, 11_000_000]);
    }
  });

  it('closes at the deadline with one number: the 12-hour reminder went to the silent side only', async () => {
    // Prepare
    const s = await api.settledStep1({ domain: 'silence.step2.e2e.example', mediator: true });
    await api.submit(s.id, s.claimant, 7_654_321);
    const opened = await api.view(s.id, s.claimant);

    // Act: 36 hours pass (12 hours before the deadline), then the rest.
    await api.clock(INITIAL_ROUND - 12 * HOUR);
    const remindedAt = await Promise.all(
      [s.claimant, s.respondent, s.mediator!].map((p) => api.emails(p.email)),
    );
    const midway = await api.view(s.id, s.mediator!);
    await api.clock(12 * HOUR);

    // Assess
    expect(midway.phase).toBe('initial_round');
    expect(midway.sides.claimant.hasNumber).toBe(true);
    expect(midway.sides.respondent.hasNumber).toBe(false);
    const [claimantMail, respondentMail, mediatorMail] = remindedAt;
    expect(withSubject(respondentMail!, 'Reminder: step 2 closes')).toHaveLength(1);
    expect(withSubject(claimantMail!, 'Reminder: step 2 closes')).toHaveLength(0);
    expect(withSubject(mediatorMail!, 'Reminder: step 2 closes')).toHaveLength(0);

    const view = await api.view(s.id, s.claimant);
    expect(view).toEqual(
      expectedView({
        id: s.id,
        myRole: 'claimant',
        phase: 'adjustment',
        claimant: [joined(s.claimant.email)],
        respondent: [joined(s.respondent.email)],
        mediator: joined(s.mediator!.email),
        hasNumber: { claimant: true, respondent: false },
        schedule: {
          startsAt: opened.schedule.startsAt,
          initialRoundEndsAt: opened.schedule.initialRoundEndsAt,
          endsAt: plusSeconds(opened.schedule.initialRoundEndsAt, ADJUSTMENT),
        },
      }),
    );
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      const emails = await api.emails(who.email);
      expect(withSubject(emails, 'No deal yet: step 3 is open'), who.email).toHaveLength(1);
      expect(withSubject(emails, 'Reminder: step 2 closes')).toHaveLength(who === s.respondent ? 1 : 0);
      expectNoAmounts(emails, [7_654_321]);
    }
    // The silent side may now enter a number in step 3.
    await api.submit(s.id, s.respondent, 1_234_567);
    await api.clock(0);
    expect((await api.view(s.id, s.respondent)).phase).toBe('adjustment');
  });
});
