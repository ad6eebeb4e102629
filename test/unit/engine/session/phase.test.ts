import { describe, expect, it } from 'vitest';
import {
  adjustmentEndsAt,
  advance,
  type DomainEvent,
  effectivePhase,
  finalizeDue,
  initialRoundClosedAt,
  initialRoundEndsAt,
  isEnded,
  type Session,
  withdraw,
} from '../../../../shared/engine/session';
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
  SECOND,
  settledSession,
  T0,
} from './support';

describe('effectivePhase', () => {
  it.each<[string, () => Session, number, Phase]>([
    ['setup', () => newSession(), T0, 'setup'],
    ['scheduled', () => settledSession({ startsAt: T0 + DAY }), T0 + DAY - 1, 'scheduled'],
    ['initial_round at its start', () => settledSession({ startsAt: T0 + DAY }), T0 + DAY, 'initial_round'],
    ['initial_round just before the deadline', () => settledSession(), DEADLINE - 1, 'initial_round'],
    ['adjustment at the deadline', () => settledSession(), DEADLINE, 'adjustment'],
    ['adjustment just before endsAt', () => settledSession(), ENDS_AT - 1, 'adjustment'],
    ['no_deal at endsAt, before any timer', () => settledSession(), ENDS_AT, 'no_deal'],
    ['withdrawn', () => accepted(withdraw(settledSession(), 'claimant', T0)).session, T0, 'withdrawn'],
    ['no_deal once stored', () => finalizeDue(settledSession(), ENDS_AT).session, ENDS_AT, 'no_deal'],
  ])('is %s', (_label, build, now, phase) => {
    // Prepare
    const session = build();

    // Act
    const actual = effectivePhase(session, now);

    // Assess
    expect(actual).toBe(phase);
  });

  it('shows initial_round while the closing pair is pending, even past the deadline and endsAt', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession());
    negotiation.submit('claimant', 900_000n, DEADLINE - 2);
    negotiation.submit('respondent', 500_000n, DEADLINE - 1);
    negotiation.evaluate(DEADLINE - 1);

    // Act
    const phases = [DEADLINE - 1, DEADLINE, ENDS_AT + DAY].map((now) =>
      effectivePhase(negotiation.session, now),
    );

    // Assess
    expect(negotiation.session.evaluatedSeq).toBe(1);
    expect(phases).toEqual(['initial_round', 'initial_round', 'initial_round']);
  });

  it('shows adjustment after endsAt while accepted numbers await evaluation, then no_deal', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession());
    negotiation.submit('claimant', 900_000n, ENDS_AT - 1);

    // Act
    const pending = effectivePhase(negotiation.session, ENDS_AT + MINUTE);
    negotiation.evaluate(ENDS_AT + MINUTE);
    const evaluated = effectivePhase(negotiation.session, ENDS_AT + MINUTE);

    // Assess
    expect(pending).toBe('adjustment');
    expect(evaluated).toBe('no_deal');
  });

  it('is settled once a deal is made, whatever the clock', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('claimant', 700_000n, T0 + HOUR);
    negotiation.submit('respondent', 700_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);

    // Act
    const phases = [T0 + HOUR, ENDS_AT + DAY].map((now) => effectivePhase(negotiation.session, now));

    // Assess
    expect(phases).toEqual(['settled', 'settled']);
  });

  it('leaves the derived times unknown until step 1 is settled', () => {
    // Prepare
    const session = newSession();

    // Act
    const times = [
      initialRoundEndsAt(session),
      initialRoundClosedAt(session, ENDS_AT),
      adjustmentEndsAt(session, ENDS_AT),
    ];

    // Assess
    expect(times).toEqual([null, null, null]);
  });

  it('counts settled, no_deal and withdrawn as ends', () => {
    // Prepare
    const phases: Phase[] = [
      'setup',
      'scheduled',
      'initial_round',
      'adjustment',
      'settled',
      'no_deal',
      'withdrawn',
    ];

    // Act
    const ended = phases.filter(isEnded);

    // Assess
    expect(ended).toEqual(['settled', 'no_deal', 'withdrawn']);
  });
});

describe('finalizeDue and advance', () => {
  it('is idempotent: a timer that fires twice announces each change once', () => {
    // Prepare
    const session = settledSession({ startsAt: T0 + DAY });

    // Act
    const first = finalizeDue(session, T0 + DAY);
    const second = finalizeDue(first.session, T0 + DAY);

    // Assess
    expect(first.events).toEqual([{ type: 'InitialRoundOpened', initialRoundEndsAt: T0 + DAY + 48 * HOUR }]);
    expect(second).toEqual({ session: first.session, events: [] });
  });

  it('changes nothing when the timer fires early', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession());
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);

    // Act
    const atDeadline = finalizeDue(negotiation.session, DEADLINE - 1);
    const atEnd = finalizeDue(finalizeDue(negotiation.session, DEADLINE).session, ENDS_AT - 1);

    // Assess
    expect(atDeadline).toEqual({ session: negotiation.session, events: [] });
    expect(atEnd.events).toEqual([]);
    expect(atEnd.session.ended).toBeNull();
  });

  it('announces the deadline at the deadline when the timer fires late', () => {
    // Prepare
    const session = settledSession();

    // Act
    const { session: after, events } = finalizeDue(session, DEADLINE + 50 * SECOND);

    // Assess
    expect(events).toEqual([
      { type: 'InitialRoundClosed', at: DEADLINE },
      { type: 'AdjustmentOpened', endsAt: ENDS_AT },
    ]);
    expect(after.announcedPhase).toBe('adjustment');
    expect(after.ended).toBeNull();
  });

  it('announces every missed change in order, with their own times, when only a very late timer fires', () => {
    // Prepare
    const startsAt = T0 + DAY;
    const session = settledSession({ startsAt, initialRoundSeconds: 3600, adjustmentSeconds: 7200 });

    // Act
    const { session: after, events } = finalizeDue(session, startsAt + 10 * DAY);

    // Assess
    expect(events).toEqual([
      { type: 'InitialRoundOpened', initialRoundEndsAt: startsAt + HOUR },
      { type: 'InitialRoundClosed', at: startsAt + HOUR },
      { type: 'AdjustmentOpened', endsAt: startsAt + 3 * HOUR },
      { type: 'NoDeal', at: startsAt + 3 * HOUR },
    ]);
    expect(after.ended).toEqual({ reason: 'no_deal', at: startsAt + 3 * HOUR });
    expect(after.announcedPhase).toBe('no_deal');
    expect(finalizeDue(after, startsAt + 11 * DAY)).toEqual({ session: after, events: [] });
  });

  it('does not end the session while accepted numbers await evaluation (evaluatedSeq < seq)', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('claimant', 900_000n, ENDS_AT - 1);

    // Act
    const { session: after, events } = finalizeDue(negotiation.session, ENDS_AT + MINUTE);

    // Assess
    expect(events).toEqual([
      { type: 'InitialRoundClosed', at: DEADLINE },
      { type: 'AdjustmentOpened', endsAt: ENDS_AT },
    ]);
    expect(after.ended).toBeNull();
    expect(effectivePhase(after, ENDS_AT + MINUTE)).toBe('adjustment');
  });

  it('does not close step 2 while the closing pair awaits evaluation', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.submit('respondent', 500_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);

    // Act
    const result = finalizeDue(negotiation.session, DEADLINE + MINUTE);

    // Assess
    expect(result.events).toEqual([]);
  });

  it('announces nothing on a settled or withdrawn session', () => {
    // Prepare
    const dealt = new Negotiation(settledSession(), noDraw);
    dealt.submit('claimant', 500_000n, T0 + HOUR);
    dealt.submit('respondent', 500_000n, T0 + HOUR);
    dealt.evaluate(T0 + HOUR);
    dealt.evaluate(T0 + HOUR);
    const withdrawn = accepted(withdraw(settledSession(), 'claimant', T0)).session;

    // Act
    const results = [finalizeDue(dealt.session, ENDS_AT + DAY), finalizeDue(withdrawn, ENDS_AT + DAY)];

    // Assess
    expect(results.map((result) => result.events)).toEqual([[], []]);
  });

  it('keeps the events it is given ahead of its own', () => {
    // Prepare
    const session = settledSession({ startsAt: T0 + DAY });
    const given: DomainEvent[] = [{ type: 'MemberJoined', role: 'mediator' }];

    // Act
    const { events } = advance(session, given, T0 + DAY);

    // Assess
    expect(events).toEqual([
      { type: 'MemberJoined', role: 'mediator' },
      { type: 'InitialRoundOpened', initialRoundEndsAt: T0 + DAY + 48 * HOUR },
    ]);
    expect(given).toHaveLength(1);
  });
});
