import { describe, expect, it } from 'vitest';
import { evaluateMatch } from '../../../../shared/engine/match';
import { seededRandom } from '../../../../shared/engine/seeded-random';
import {
  adjustmentEndsAt,
  effectivePhase,
  evaluateNext,
  finalizeDue,
  initialRoundClosedAt,
  isRejection,
  isValidAmount,
  nextEvaluation,
  type Session,
  submitNumber,
  type Transition,
  withdraw,
} from '../../../../shared/engine/session';
import type { Side } from '../../../../shared/engine/types';
import {
  accepted,
  DAY,
  DEADLINE,
  ENDS_AT,
  HOUR,
  Negotiation,
  newSession,
  noDraw,
  rejectionOf,
  SECOND,
  settledSession,
  T0,
} from './support';

describe('isValidAmount', () => {
  it.each([
    [0n, false],
    [1n, true],
    [10n ** 15n, true],
    [10n ** 15n + 1n, false],
    [-5n, false],
  ])('is %s → %s', (amount, valid) => {
    // Prepare
    const input = amount;

    // Act
    const actual = isValidAmount(input);

    // Assess
    expect(actual).toBe(valid);
  });
});

describe('submitNumber', () => {
  it('rejects a number during step 1', () => {
    // Prepare
    const session = newSession();

    // Act
    const result = submitNumber(session, 'claimant', T0);

    // Assess
    expect(rejectionOf(result)).toBe('round_not_open');
  });

  it('rejects a number while scheduled and accepts one exactly at initialRoundStartsAt', () => {
    // Prepare
    const startsAt = T0 + 7 * DAY;
    const session = settledSession({ startsAt });

    // Act
    const before = submitNumber(session, 'claimant', startsAt - 1);
    const atStart = accepted(submitNumber(session, 'claimant', startsAt));

    // Assess
    expect(rejectionOf(before)).toBe('round_not_open');
    expect(atStart.events).toEqual([
      { type: 'NumberAccepted', side: 'claimant', seq: 1, step: 'initial_round' },
    ]);
    expect(atStart.session).toMatchObject({
      seq: 1,
      evaluatedSeq: 0,
      hasNumber: { claimant: true, respondent: false },
      pendingMoves: [{ seq: 1, side: 'claimant', step: 'initial_round', at: startsAt }],
      initialRoundClosedAt: null,
      initialRoundClosedSeq: null,
    });
  });

  it("lets a side replace its step-2 number until the other side's first number arrives", () => {
    // Prepare
    const negotiation = new Negotiation(settledSession());
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);

    // Act
    const events = negotiation.submit('claimant', 800_000n, T0 + 2 * HOUR);

    // Assess
    expect(events).toEqual([{ type: 'NumberAccepted', side: 'claimant', seq: 2, step: 'initial_round' }]);
    expect(negotiation.session.initialRoundClosedSeq).toBeNull();
    expect(negotiation.evaluate(T0 + 2 * HOUR)).toEqual([
      { type: 'MoveEvaluated', seq: 2, result: 'no_pair' },
    ]);
    expect(negotiation.session.standingSeq).toEqual({ claimant: 2, respondent: null });
    expect(effectivePhase(negotiation.session, T0 + 2 * HOUR)).toBe('initial_round');
  });

  it('closes step 2 by the write that completes both numbers', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession());
    negotiation.submit('claimant', 900_000n, T0 + HOUR);

    // Act
    const events = negotiation.submit('respondent', 500_000n, T0 + 3 * HOUR);

    // Assess
    expect(events).toEqual([{ type: 'NumberAccepted', side: 'respondent', seq: 2, step: 'initial_round' }]);
    expect(negotiation.session).toMatchObject({
      initialRoundClosedAt: T0 + 3 * HOUR,
      initialRoundClosedSeq: 2,
    });
    expect(initialRoundClosedAt(negotiation.session, T0 + 3 * HOUR)).toBe(T0 + 3 * HOUR);
    expect(adjustmentEndsAt(negotiation.session, T0 + 3 * HOUR)).toBe(T0 + 3 * HOUR + 28 * DAY);
  });

  it('makes a number accepted after the completing write a step-3 move, even before the pair is evaluated', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession());
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.submit('respondent', 500_000n, T0 + 3 * HOUR);

    // Act
    const events = negotiation.submit('claimant', 850_000n, T0 + 3 * HOUR);

    // Assess
    expect(events).toEqual([{ type: 'NumberAccepted', side: 'claimant', seq: 3, step: 'adjustment' }]);
    expect(negotiation.session).toMatchObject({
      initialRoundClosedAt: T0 + 3 * HOUR,
      initialRoundClosedSeq: 2,
    });
    expect(effectivePhase(negotiation.session, T0 + 3 * HOUR)).toBe('initial_round');
  });

  it('closes step 2 at the deadline with one number: the deadline is a step-3 moment', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession());
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);

    // Act
    const lastStep2 = accepted(submitNumber(negotiation.session, 'claimant', DEADLINE - 1));
    const atDeadline = accepted(submitNumber(negotiation.session, 'respondent', DEADLINE));

    // Assess
    expect(lastStep2.events).toEqual([
      { type: 'NumberAccepted', side: 'claimant', seq: 2, step: 'initial_round' },
    ]);
    expect(atDeadline.events).toEqual([
      { type: 'NumberAccepted', side: 'respondent', seq: 2, step: 'adjustment' },
    ]);
    expect(atDeadline.session.initialRoundClosedSeq).toBeNull();
    expect(atDeadline.session.initialRoundClosedAt).toBeNull();
    expect(initialRoundClosedAt(atDeadline.session, DEADLINE - 1)).toBeNull();
    expect(initialRoundClosedAt(atDeadline.session, DEADLINE)).toBe(DEADLINE);
    expect(effectivePhase(negotiation.session, DEADLINE - 1)).toBe('initial_round');
    expect(effectivePhase(negotiation.session, DEADLINE)).toBe('adjustment');
  });

  it('accepts a first number from a side that had none in step 2', () => {
    // Prepare
    const session = settledSession();

    // Act
    const { events } = accepted(submitNumber(session, 'respondent', DEADLINE + DAY));

    // Assess
    expect(events).toEqual([{ type: 'NumberAccepted', side: 'respondent', seq: 1, step: 'adjustment' }]);
  });

  it('accepts a number until just before endsAt and refuses one exactly at endsAt', () => {
    // Prepare
    const session = settledSession();

    // Act
    const last = submitNumber(session, 'claimant', ENDS_AT - 1);
    const atEnd = submitNumber(session, 'claimant', ENDS_AT);

    // Assess
    expect(accepted(last).events).toEqual([
      { type: 'NumberAccepted', side: 'claimant', seq: 1, step: 'adjustment' },
    ]);
    expect(rejectionOf(atEnd)).toBe('session_ended');
  });

  it('ends step 3 adjustmentSeconds after the completing write, not after the deadline', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession());
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.submit('respondent', 500_000n, T0 + 2 * HOUR);
    negotiation.evaluate(T0 + HOUR);
    negotiation.evaluate(T0 + 2 * HOUR);
    const endsAt = T0 + 2 * HOUR + 28 * DAY;

    // Act
    const last = submitNumber(negotiation.session, 'respondent', endsAt - 1);
    const atEnd = submitNumber(negotiation.session, 'respondent', endsAt);

    // Assess
    expect(accepted(last).events).toEqual([
      { type: 'NumberAccepted', side: 'respondent', seq: 3, step: 'adjustment' },
    ]);
    expect(rejectionOf(atEnd)).toBe('session_ended');
  });

  it('refuses a number after a deal, after a withdrawal and after no deal', () => {
    // Prepare
    const dealt = new Negotiation(settledSession(), noDraw);
    dealt.submit('claimant', 500_000n, T0 + HOUR);
    dealt.submit('respondent', 500_000n, T0 + HOUR);
    dealt.evaluate(T0 + HOUR);
    dealt.evaluate(T0 + HOUR);
    const withdrawn = accepted(withdraw(settledSession(), 'respondent', T0 + HOUR)).session;
    const noDeal = finalizeDue(settledSession(), ENDS_AT).session;

    // Act
    const results = [
      submitNumber(dealt.session, 'claimant', T0 + 2 * HOUR),
      submitNumber(withdrawn, 'claimant', T0 + 2 * HOUR),
      submitNumber(noDeal, 'claimant', T0 + 2 * HOUR),
    ];

    // Assess
    expect(dealt.session.outcome).not.toBeNull();
    expect(noDeal.ended).toEqual({ reason: 'no_deal', at: ENDS_AT });
    expect(results.map(rejectionOf)).toEqual(['session_ended', 'session_ended', 'session_ended']);
  });
});

describe('evaluateNext', () => {
  it('rejects when every accepted number is evaluated', () => {
    // Prepare
    const session = settledSession();

    // Act
    const result = evaluateNext(session, { seq: 1, moverAmount: 1n, otherAmount: null }, noDraw, T0);

    // Assess
    expect(nextEvaluation(session)).toBeNull();
    expect(rejectionOf(result)).toBe('nothing_to_evaluate');
  });

  it('rejects any seq but the next one', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession());
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.submit('claimant', 800_000n, T0 + HOUR);

    // Act
    const result = evaluateNext(
      negotiation.session,
      { seq: 2, moverAmount: 800_000n, otherAmount: null },
      noDraw,
      T0,
    );

    // Assess
    expect(rejectionOf(result)).toBe('invalid_input');
    expect(nextEvaluation(negotiation.session)).toEqual({
      move: { seq: 1, side: 'claimant', step: 'initial_round', at: T0 + HOUR },
      otherSeq: null,
    });
  });

  it('evaluates a lone number without its amount (nothing to compare, nothing to open)', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession());
    negotiation.submit('respondent', 400_000n, T0 + HOUR);

    // Act
    const result = evaluateNext(
      negotiation.session,
      { seq: 1, moverAmount: null, otherAmount: null },
      noDraw,
      T0,
    );

    // Assess
    expect(isRejection(result)).toBe(false);
    expect((result as Transition).events).toEqual([{ type: 'MoveEvaluated', seq: 1, result: 'no_pair' }]);
  });

  it('rejects a pair whose mover amount is missing', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession());
    negotiation.submit('respondent', 400_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    negotiation.submit('claimant', 300_000n, T0 + HOUR);

    // Act
    const result = evaluateNext(
      negotiation.session,
      { seq: 2, moverAmount: null, otherAmount: 400_000n },
      noDraw,
      T0,
    );

    // Assess
    expect(rejectionOf(result)).toBe('invalid_input');
  });

  it('evaluates a lone number as no_pair and records it as standing', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('respondent', 400_000n, T0 + HOUR);

    // Act
    const events = negotiation.evaluate(T0 + HOUR);

    // Assess
    expect(events).toEqual([{ type: 'MoveEvaluated', seq: 1, result: 'no_pair' }]);
    expect(negotiation.session).toMatchObject({
      evaluatedSeq: 1,
      pendingMoves: [],
      standingSeq: { claimant: null, respondent: 1 },
    });
  });

  it('opens step 3 when the closing pair does not overlap: endsAt = completing write + adjustmentSeconds', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession({ adjustmentSeconds: 7 * 24 * 3600 }), noDraw);
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    negotiation.submit('respondent', 500_000n, T0 + 5 * HOUR);

    // Act
    const next = nextEvaluation(negotiation.session);
    const events = negotiation.evaluate(T0 + 5 * HOUR + SECOND);

    // Assess
    expect(next?.otherSeq).toBe(1);
    expect(events).toEqual([
      { type: 'MoveEvaluated', seq: 2, result: 'no_overlap' },
      { type: 'InitialRoundClosed', at: T0 + 5 * HOUR },
      { type: 'AdjustmentOpened', endsAt: T0 + 5 * HOUR + 7 * DAY },
    ]);
    expect(negotiation.session.announcedPhase).toBe('adjustment');
    expect(effectivePhase(negotiation.session, T0 + 5 * HOUR + SECOND)).toBe('adjustment');
  });

  it('makes an exact step-2 match a deal at that number, with no bonus and no draw', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('respondent', 650_000n, T0 + HOUR);
    negotiation.submit('claimant', 650_000n, T0 + 2 * HOUR);
    negotiation.evaluate(T0 + HOUR);

    // Act
    const events = negotiation.evaluate(T0 + 2 * HOUR + 300);

    // Assess
    const outcome = {
      amount: 650_000n,
      baseAmount: 650_000n,
      bonusSide: null,
      reachedIn: 'initial_round',
      settledAt: T0 + 2 * HOUR, // the moment the deciding number was accepted, not the evaluation
    };
    expect(events).toEqual([
      { type: 'MoveEvaluated', seq: 2, result: 'deal' },
      { type: 'Settled', outcome },
    ]);
    expect(negotiation.session.outcome).toEqual(outcome);
    expect(negotiation.session.announcedPhase).toBe('settled');
  });

  it('makes an overlapping step-2 pair a deal drawn inside the overlap, with no bonus', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), seededRandom(2024));
    negotiation.submit('claimant', 400_000n, T0 + HOUR);
    negotiation.submit('respondent', 1_200_000n, T0 + 2 * HOUR);
    negotiation.evaluate(T0 + HOUR);
    const expected = evaluateMatch({
      demand: 400_000n,
      offer: 1_200_000n,
      mover: 'respondent',
      step: 'initial_round',
      bonusPercent: 5,
      random: seededRandom(2024),
    });

    // Act
    const events = negotiation.evaluate(T0 + 2 * HOUR);

    // Assess
    const outcome = negotiation.session.outcome!;
    expect(events).toEqual([
      { type: 'MoveEvaluated', seq: 2, result: 'deal' },
      { type: 'Settled', outcome },
    ]);
    expect(outcome).toEqual({ ...expected, reachedIn: 'initial_round', settledAt: T0 + 2 * HOUR });
    expect(outcome.bonusSide).toBeNull();
    expect(outcome.amount).toBe(outcome.baseAmount);
    expect(outcome.amount).toBeGreaterThanOrEqual(400_000n);
    expect(outcome.amount).toBeLessThanOrEqual(1_200_000n);
  });

  it.each<[Side, bigint, Side, bigint]>([
    ['respondent', 900_000n, 'claimant', 945_000n],
    ['claimant', 500_000n, 'respondent', 475_000n],
  ])(
    'gives the step-3 bonus to the side that did not move when the %s moves to %d',
    (mover, to, bonusSide, amount) => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.submit('respondent', 500_000n, T0 + 2 * HOUR);
      negotiation.evaluate(T0 + 2 * HOUR);
      negotiation.evaluate(T0 + 2 * HOUR);
      negotiation.submit(mover, to, T0 + DAY);

      // Act
      const events = negotiation.evaluate(T0 + DAY);

      // Assess
      const outcome = { amount, baseAmount: to, bonusSide, reachedIn: 'adjustment', settledAt: T0 + DAY };
      expect(events).toEqual([
        { type: 'MoveEvaluated', seq: 3, result: 'deal' },
        { type: 'Settled', outcome },
      ]);
    },
  );

  it('gives the bonus to the side that had a number when the other enters its first in step 3', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession({ bonusPercent: 20 }), noDraw);
    negotiation.submit('claimant', 1_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    negotiation.submit('respondent', 1_000n, DEADLINE + HOUR);

    // Act
    const events = negotiation.evaluate(DEADLINE + HOUR);

    // Assess
    expect(events).toEqual([
      { type: 'MoveEvaluated', seq: 2, result: 'deal' },
      {
        type: 'Settled',
        outcome: {
          amount: 1_200n,
          baseAmount: 1_000n,
          bonusSide: 'claimant',
          reachedIn: 'adjustment',
          settledAt: DEADLINE + HOUR,
        },
      },
    ]);
  });

  it('names no bonus side in step 3 when bonusPercent is 0', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession({ bonusPercent: 0 }), noDraw);
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.submit('respondent', 500_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    negotiation.submit('respondent', 900_000n, T0 + DAY);

    // Act
    negotiation.evaluate(T0 + DAY);

    // Assess
    expect(negotiation.session.outcome).toEqual({
      amount: 900_000n,
      baseAmount: 900_000n,
      bonusSide: null,
      reachedIn: 'adjustment',
      settledAt: T0 + DAY,
    });
  });

  it('evaluates step-3 moves that do not overlap as no_overlap', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.submit('respondent', 500_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    negotiation.submit('respondent', 600_000n, T0 + DAY);

    // Act
    const events = negotiation.evaluate(T0 + DAY);

    // Assess
    expect(events).toEqual([{ type: 'MoveEvaluated', seq: 3, result: 'no_overlap' }]);
    expect(negotiation.session.standingSeq).toEqual({ claimant: 1, respondent: 3 });
  });

  it('voids every move accepted after the deal-making seq, whatever it would have done', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('claimant', 500_000n, T0 + HOUR);
    negotiation.submit('respondent', 500_000n, T0 + HOUR);
    negotiation.submit('claimant', 100_000n, T0 + HOUR + 1);
    negotiation.submit('respondent', 100_000n, T0 + HOUR + 2);
    negotiation.evaluate(T0 + HOUR + 3);
    const deal = negotiation.evaluate(T0 + HOUR + 3);
    const outcome = negotiation.session.outcome;

    // Act
    const voided = [...negotiation.evaluate(T0 + HOUR + 4), ...negotiation.evaluate(T0 + HOUR + 4)];

    // Assess
    expect(deal[0]).toEqual({ type: 'MoveEvaluated', seq: 2, result: 'deal' });
    expect(voided).toEqual([
      { type: 'MoveEvaluated', seq: 3, result: 'void' },
      { type: 'MoveEvaluated', seq: 4, result: 'void' },
    ]);
    expect(negotiation.session.outcome).toBe(outcome);
    expect(negotiation.session).toMatchObject({
      evaluatedSeq: 4,
      pendingMoves: [],
      announcedPhase: 'settled',
    });
  });

  it('leaves nothing to evaluate after a withdrawal: it waits for every number first', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    const refused = withdraw(negotiation.session, 'claimant', T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    const withdrawn = accepted(withdraw(negotiation.session, 'claimant', T0 + HOUR)).session;

    // Act
    const result = evaluateNext(withdrawn, { seq: 2, moverAmount: 1n, otherAmount: null }, noDraw, T0 + HOUR);

    // Assess
    expect(rejectionOf(refused)).toBe('evaluation_pending');
    expect(rejectionOf(result)).toBe('nothing_to_evaluate');
  });

  it('voids a move still pending in a stored state that records a withdrawal', () => {
    // Prepare: unreachable through the commands (withdraw waits for evaluation), kept as a guard
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('claimant', 500_000n, T0 + HOUR);
    negotiation.submit('respondent', 500_000n, T0 + HOUR);
    const session: Session = { ...negotiation.session, ended: { reason: 'withdrawn', at: T0 + HOUR } };

    // Act
    const { session: after, events } = accepted(
      evaluateNext(session, { seq: 1, moverAmount: 500_000n, otherAmount: null }, noDraw, T0 + HOUR),
    );

    // Assess
    expect(events).toEqual([{ type: 'MoveEvaluated', seq: 1, result: 'void' }]);
    expect(after.outcome).toBeNull();
    expect(after.evaluatedSeq).toBe(1);
  });

  it('ends with no deal at endsAt once the last number before endsAt is evaluated late', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    negotiation.session = finalizeDue(negotiation.session, DEADLINE).session;
    negotiation.submit('respondent', 100_000n, ENDS_AT - 1);

    // Act
    const events = negotiation.evaluate(ENDS_AT + 30 * SECOND);

    // Assess
    expect(events).toEqual([
      { type: 'MoveEvaluated', seq: 2, result: 'no_overlap' },
      { type: 'NoDeal', at: ENDS_AT },
    ]);
    expect(negotiation.session.ended).toEqual({ reason: 'no_deal', at: ENDS_AT });
    expect(negotiation.session.announcedPhase).toBe('no_deal');
  });

  it('lets a deal made by a number accepted before endsAt stand when evaluated after endsAt', () => {
    // Prepare
    const negotiation = new Negotiation(settledSession(), noDraw);
    negotiation.submit('claimant', 900_000n, T0 + HOUR);
    negotiation.evaluate(T0 + HOUR);
    negotiation.submit('respondent', 900_000n, ENDS_AT - 1);
    const timer = finalizeDue(negotiation.session, ENDS_AT);

    // Act
    const events = negotiation.evaluate(ENDS_AT + 30 * SECOND);

    // Assess
    expect(timer.events.map((event) => event.type)).toEqual(['InitialRoundClosed', 'AdjustmentOpened']);
    expect(events.map((event) => event.type)).toEqual(['MoveEvaluated', 'Settled']);
    expect(effectivePhase(negotiation.session, ENDS_AT + 30 * SECOND)).toBe('settled');
  });
});
