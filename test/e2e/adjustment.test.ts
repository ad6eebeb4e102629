/**
 * Step 3 (adjustment) over HTTP: the bonus both ways, the 3-day reminder and the end without a
 * deal, and a burst of concurrent moves from both sides ending in exactly one deal (docs/rules.md, "Phases" to "Match and deal amount").
 */
import { describe, expect, inject, it } from 'vitest';
import { E2eClient, type PreparedSession } from '../support/e2e-client';
import { anyTime, DAY, expectedView, expectNoAmounts, joined, plusSeconds, withSubject } from './expected';

const api = new E2eClient(inject('apiUrl'));

/** Step 1 settled, both numbers in step 2 without an overlap: step 3 is open. */
async function inAdjustment(domain: string, demand: number, offer: number): Promise<PreparedSession> {
  const s = await api.settledStep1({ domain, mediator: true });
  await api.submit(s.id, s.claimant, demand);
  await api.submit(s.id, s.respondent, offer);
  await api.clock(0);
  expect((await api.view(s.id, s.claimant)).phase).toBe('adjustment');
  return s;
}

/** base × (100 ± p) / 100, rounded half-to-even to the minor unit, with integers only. */
function withBonus(base: number, factor: number): number {
  const product = BigInt(base) * BigInt(factor);
  const quotient = product / 100n;
  const remainder = product % 100n;
  if (remainder * 2n > 100n || (remainder * 2n === 100n && quotient % 2n === 1n))
    return Number(quotient + 1n);
  return Number(quotient);
}

describe('step 3 (adjustment)', () => {
  it('gives the claimant the bonus when the respondent moves into the waiting demand: amount = base × 105 / 100', async () => {
    // Prepare
    const s = await inAdjustment('bonus-claimant.step3.e2e.example', 13_000_000, 11_000_000);

    // Act
    await api.submit(s.id, s.respondent, 14_000_000);
    await api.clock(0);

    // Assess
    const view = await api.view(s.id, s.claimant);
    expect(view).toEqual(
      expectedView({
        id: s.id,
        myRole: 'claimant',
        phase: 'settled',
        claimant: [joined(s.claimant.email)],
        respondent: [joined(s.respondent.email)],
        mediator: joined(s.mediator!.email),
        hasNumber: { claimant: true, respondent: true },
        schedule: { startsAt: anyTime(), initialRoundEndsAt: anyTime(), endsAt: anyTime() },
        outcome: {
          amount: expect.any(Number),
          baseAmount: expect.any(Number),
          bonusSide: 'claimant',
          reachedIn: 'adjustment',
          settledAt: anyTime(),
        },
      }),
    );
    const { amount, baseAmount } = view.outcome;
    expect(baseAmount).toBeGreaterThanOrEqual(13_000_000);
    expect(baseAmount).toBeLessThanOrEqual(14_000_000);
    expect(baseAmount % 100_000).toBe(0);
    expect(amount).toBe(withBonus(baseAmount, 105));
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      const deal = withSubject(await api.emails(who.email), 'Deal reached');
      expect(deal, who.email).toHaveLength(1);
      expect(deal[0]!.text).toContain('Bonus: the claimant');
    }
  });

  it('gives the respondent the bonus when the claimant moves into the waiting offer: amount = base × 95 / 100', async () => {
    // Prepare
    const s = await inAdjustment('bonus-respondent.step3.e2e.example', 13_000_000, 11_000_000);

    // Act
    await api.submit(s.id, s.claimant, 10_500_000);
    await api.clock(0);

    // Assess
    const view = await api.view(s.id, s.respondent);
    expect(view.phase).toBe('settled');
    expect(view.myRole).toBe('respondent');
    expect(view.outcome).toEqual({
      amount: expect.any(Number),
      baseAmount: expect.any(Number),
      bonusSide: 'respondent',
      reachedIn: 'adjustment',
      settledAt: anyTime(),
    });
    const { amount, baseAmount } = view.outcome;
    expect(baseAmount).toBeGreaterThanOrEqual(10_500_000);
    expect(baseAmount).toBeLessThanOrEqual(11_000_000);
    expect(baseAmount % 100_000).toBe(0);
    expect(amount).toBe(withBonus(baseAmount, 95));
    expect((await api.view(s.id, s.mediator!)).outcome).toEqual(view.outcome);
  });

  it('keeps a side’s changes secret until a move overlaps: a move without overlap changes nothing visible', async () => {
    // Prepare
    const s = await inAdjustment('moves.step3.e2e.example', 13_000_000, 11_000_000);
    const before = await api.view(s.id, s.respondent);

    // Act
    await api.submit(s.id, s.claimant, 12_500_000);
    await api.submit(s.id, s.respondent, 11_500_000);
    await api.clock(0);

    // Assess
    expect(await api.view(s.id, s.respondent)).toEqual(before);
    const own = await api.call('GET', `/sessions/${s.id}/number`, { token: s.claimant.token });
    expect(own.body).toEqual({ amount: 12_500_000, submittedAt: anyTime() });
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      expectNoAmounts(await api.emails(who.email), [13_000_000, 11_000_000, 12_500_000, 11_500_000]);
    }
  });

  it('reminds the members 3 days before the end, then ends with no deal at endsAt', async () => {
    // Prepare
    const s = await inAdjustment('expiry.step3.e2e.example', 13_000_000, 11_000_000);
    const { endsAt } = (await api.view(s.id, s.claimant)).schedule;

    // Act: up to 3 days before the end, then past it.
    const now = await api.clock(0);
    await api.clock((Date.parse(plusSeconds(endsAt, -3 * DAY)) - Date.parse(now)) / 1000 + 1);
    const reminders = await Promise.all(
      [s.claimant, s.respondent, s.mediator!].map((p) => api.emails(p.email)),
    );
    const beforeEnd = await api.view(s.id, s.claimant);
    await api.clock(3 * DAY);

    // Assess
    expect(beforeEnd.phase).toBe('adjustment');
    expect(withSubject(reminders[0]!, 'Reminder: step 3 ends')).toHaveLength(1);
    expect(withSubject(reminders[1]!, 'Reminder: step 3 ends')).toHaveLength(1);
    expect(withSubject(reminders[2]!, 'Reminder: step 3 ends')).toHaveLength(0);

    const view = await api.view(s.id, s.mediator!);
    expect(view).toEqual(
      expectedView({
        id: s.id,
        myRole: 'mediator',
        phase: 'no_deal',
        claimant: [joined(s.claimant.email)],
        respondent: [joined(s.respondent.email)],
        mediator: joined(s.mediator!.email),
        hasNumber: { claimant: true, respondent: true },
        schedule: { startsAt: anyTime(), initialRoundEndsAt: anyTime(), endsAt },
      }),
    );
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      const emails = await api.emails(who.email);
      expect(withSubject(emails, 'Ended with no deal'), who.email).toHaveLength(1);
      expectNoAmounts(emails, [13_000_000, 11_000_000]);
    }
    const put = await api.call('PUT', `/sessions/${s.id}/number`, {
      token: s.respondent.token,
      body: { amount: 99_000_000 },
    });
    expect(put.status).toBe(409);
    expect(put.body.error.code).toBe('session_ended');
    const get = await api.call('GET', `/sessions/${s.id}/number`, { token: s.respondent.token });
    expect(get.status).toBe(409);
    expect(get.body.error.code).toBe('session_ended');
  });

  it('makes exactly one deal out of a burst of 20 concurrent overlapping moves from both sides', async () => {
    // Prepare
    const s = await inAdjustment('burst.step3.e2e.example', 20_000_000, 10_000_000);
    const moves = Array.from(
      { length: 20 },
      (_, i) =>
        i % 2 === 0
          ? { as: s.claimant, amount: 15_000_000 - i * 100_000 } // demands 15.0M, 14.8M, … 13.2M
          : { as: s.respondent, amount: 14_000_000 + i * 100_000 }, // offers 14.1M, 14.3M, … 15.9M
    );

    // Act
    const responses = await Promise.all(
      moves.map((m) =>
        api.call('PUT', `/sessions/${s.id}/number`, { token: m.as.token, body: { amount: m.amount } }),
      ),
    );
    await api.clock(0);
    await api.clock(0);

    // Assess: each move is accepted (202), or refused once the deal is recorded (409 session_ended).
    for (const res of responses) {
      if (res.status === 202) expect(res.body).toEqual({ accepted: true, submittedAt: anyTime() });
      else
        expect({ status: res.status, code: res.body?.error?.code }).toEqual({
          status: 409,
          code: 'session_ended',
        });
    }
    expect(responses.filter((r) => r.status === 202).length).toBeGreaterThan(0);
    const view = await api.view(s.id, s.mediator!);
    expect(view.phase).toBe('settled');
    expect(view.outcome).toEqual({
      amount: expect.any(Number),
      baseAmount: expect.any(Number),
      bonusSide: expect.stringMatching(/^(claimant|respondent)$/),
      reachedIn: 'adjustment',
      settledAt: anyTime(),
    });
    const { amount, baseAmount, bonusSide } = view.outcome;
    expect(amount).toBe(withBonus(baseAmount, bonusSide === 'claimant' ? 105 : 95));
    // The base lies inside the overlap of an accepted demand and an accepted offer.
    const accepted = (side: 'claimant' | 'respondent') =>
      moves.filter((m, i) => m.as === s[side] && responses[i]!.status === 202).map((m) => m.amount);
    const pairs = accepted('claimant').flatMap((demand) =>
      accepted('respondent').map((offer) => ({ demand, offer })),
    );
    expect(pairs.some(({ demand, offer }) => demand <= baseAmount && baseAmount <= offer)).toBe(true);
    for (const as of [s.claimant, s.respondent]) {
      expect((await api.view(s.id, as)).outcome).toEqual(view.outcome);
    }
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      expect(withSubject(await api.emails(who.email), 'Deal reached'), who.email).toHaveLength(1);
    }
  });

  it('lets a move accepted just before endsAt make the deal, even when the clock then jumps past the end', async () => {
    // Prepare
    const s = await inAdjustment('last-second.step3.e2e.example', 13_000_000, 11_000_000);
    const { endsAt } = (await api.view(s.id, s.claimant)).schedule;
    const now = await api.clock(0);
    await api.clock((Date.parse(endsAt) - Date.parse(now)) / 1000 - 30);

    // Act: the overlapping move, then straight past the end without settling in between.
    await api.submit(s.id, s.respondent, 13_000_000);
    await api.clock(DAY);

    // Assess
    const view = await api.view(s.id, s.claimant);
    expect(view.phase).toBe('settled');
    expect(view.outcome).toEqual({
      amount: withBonus(13_000_000, 105),
      baseAmount: 13_000_000,
      bonusSide: 'claimant',
      reachedIn: 'adjustment',
      settledAt: anyTime(),
    });
    expect(Date.parse(view.outcome.settledAt)).toBeLessThanOrEqual(Date.parse(endsAt));
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      const emails = await api.emails(who.email);
      expect(withSubject(emails, 'Deal reached'), who.email).toHaveLength(1);
      expect(withSubject(emails, 'Ended with no deal'), who.email).toHaveLength(0);
    }
  });
});
