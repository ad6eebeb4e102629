import { describe, expect, it } from 'vitest';
import { effectivePhase, finalizeDue, type Session, withdraw } from '../../../../shared/engine/session';
import type { Phase } from '../../../../shared/engine/types';
import {
  accepted,
  DAY,
  DEADLINE,
  ENDS_AT,
  HOUR,
  MINUTE,
  Negotiation,
  newSession,
  noDraw,
  rejectionOf,
  SECOND,
  settledSession,
  T0,
} from './support';

describe('withdraw', () => {
  it.each<[Phase, () => Session, number]>([
    ['setup', () => newSession(), T0 + MINUTE],
    ['scheduled', () => settledSession({ startsAt: T0 + DAY }), T0 + MINUTE],
    ['initial_round', () => settledSession(), T0 + MINUTE],
    ['adjustment', () => settledSession(), DEADLINE + MINUTE],
    ['adjustment', () => settledSession(), ENDS_AT - 1],
  ])('ends the session without a deal in %s', (phase, build, now) => {
    // Prepare
    const session = build();

    // Act
    const { session: after, events } = accepted(withdraw(session, 'respondent', now));

    // Assess
    expect(effectivePhase(session, now)).toBe(phase);
    expect(events).toEqual([{ type: 'Withdrawn', side: 'respondent', at: now }]);
    expect(after.ended).toEqual({ reason: 'withdrawn', at: now });
    expect(after.announcedPhase).toBe('withdrawn');
    expect(effectivePhase(after, now)).toBe('withdrawn');
  });

  it('is harmless twice: the second withdrawal emits nothing', () => {
    // Prepare
    const first = accepted(withdraw(settledSession(), 'claimant', T0 + MINUTE)).session;

    // Act
    const second = accepted(withdraw(first, 'respondent', ENDS_AT + DAY));

    // Assess
    expect(second).toEqual({ session: first, events: [] });
  });

  it('waits while accepted numbers are unevaluated, then takes effect', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.submit('respondent', 500_000n, T0 + HOUR);

    // Act
    const pending = withdraw(negotiation.session, 'respondent', T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    const stillPending = withdraw(negotiation.session, 'respondent', T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    const done = withdraw(negotiation.session, 'respondent', T0 + HOUR + SECOND);

    // Assess
    expect(rejectionOf(pending)).toBe('evaluation_pending');
    expect(rejectionOf(stillPending)).toBe('evaluation_pending');
    expect(accepted(done).events).toEqual([
      { type: 'Withdrawn', side: 'respondent', at: T0 + HOUR + SECOND },
    ]);
  });

  it('cannot cancel a deal made by a number it waited for', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('claimant', 500_000n, T0 + HOUR);
    negotiation.submit('respondent', 500_000n, T0 + HOUR);
    negotiation.submit('respondent', 400_000n, T0 + HOUR + 1);
    const pending = withdraw(negotiation.session, 'claimant', T0 + HOUR + 2);
    negotiation.evaluate(T0 + HOUR + 2);
    negotiation.evaluate(T0 + HOUR + 2);

    // Act
    const afterDeal = withdraw(negotiation.session, 'claimant', T0 + HOUR + 3);

    // Assess
    expect(rejectionOf(pending)).toBe('evaluation_pending');
    expect(negotiation.session.pendingMoves).toHaveLength(1);
    expect(rejectionOf(afterDeal)).toBe('session_ended');
  });

  it('refuses once no deal has taken effect, stored or not', () => {
    // Prepare
    const effective = settledSession();
    const stored = finalizeDue(settledSession(), ENDS_AT).session;

    // Act
    const results = [withdraw(effective, 'claimant', ENDS_AT), withdraw(stored, 'claimant', ENDS_AT + DAY)];

    // Assess
    expect(results.map(rejectionOf)).toEqual(['session_ended', 'session_ended']);
  });
});
