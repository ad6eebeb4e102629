import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateMatch } from '../../../shared/engine/match';
import { seededRandom } from '../../../shared/engine/seeded-random';
import {
  acceptTerms,
  createSession,
  type DomainEvent,
  effectivePhase,
  evaluateNext,
  finalizeDue,
  isRejection,
  joinSession,
  nextEvaluation,
  type RejectionCode,
  type Result,
  type Session,
  submitNumber,
  type Transition,
} from '../../../shared/engine/session';
import { otherSide, type Phase, type ReachedIn, type Side, type Step } from '../../../shared/engine/types';

/**
 * Order decides (docs/rules.md, "Order decides"): whatever the interleaving of submits and evaluations, the outcome is
 * the one a reference model gets by replaying the accepted numbers in seq order.
 */

const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);
const INITIAL_ROUND_SECONDS = 60;
const FAR_FUTURE = T0 + 365 * 24 * 3600 * 1000;

/** The boundaries of docs/rules.md, "Phases"'s half-open intervals that a move may be aimed at. */
type Boundary = 'start' | 'deadline' | 'end';

interface MoveInput {
  side: Side;
  amount: bigint;
  /**
   * When the move is made: `delay` ms after the previous move (the first: after step 1 settles at
   * T0), or 1 ms before, at or after a boundary (never before the previous move: time goes on).
   */
  time: { delay: number } | { boundary: Boundary; jitter: -1 | 0 | 1 };
}

interface Scenario {
  /** Step 2 opens this many ms after step 1 settles at T0. */
  startDelay: number;
  adjustmentSeconds: number;
  bonusPercent: number;
  seed: number;
  moves: MoveInput[];
}

type Verdict = { seq: number; step: Step } | { rejected: RejectionCode };
// These replays hold numbers only; a proposal's result ('proposal') never occurs in them.
type EvaluationResult = 'no_pair' | 'no_overlap' | 'deal' | 'void' | 'proposal';

interface Deal {
  seq: number;
  amount: bigint;
  baseAmount: bigint;
  bonusSide: Side | null;
  reachedIn: ReachedIn;
}

interface Run {
  verdicts: Verdict[];
  results: Map<number, EvaluationResult>;
  deals: Deal[];
  finalPhase: Phase;
  endedAt: number | null;
}

function accepted(result: Result): Transition {
  if (isRejection(result)) {
    throw new Error(`unexpected rejection ${result.rejected}: ${result.message}`);
  }
  return result;
}

/**
 * The moment of each move. To aim at `end` this follows when step 2 closes early (the write that
 * completes both numbers in step 2), with the interval rule alone: it is a generator, the model
 * under test is `runReference`.
 */
function timesOf(scenario: Scenario): number[] {
  const startsAt = T0 + scenario.startDelay;
  const deadline = startsAt + INITIAL_ROUND_SECONDS * 1000;
  let closedAt: number | null = null;
  const hasNumber: Record<Side, boolean> = { claimant: false, respondent: false };
  let at = T0;
  return scenario.moves.map(({ side, time }) => {
    if ('delay' in time) {
      at += time.delay;
    } else {
      const end = (closedAt ?? deadline) + scenario.adjustmentSeconds * 1000;
      const boundary = { start: startsAt, deadline, end }[time.boundary];
      at = Math.max(at, boundary + time.jitter);
    }
    if (at >= startsAt && closedAt === null && at < deadline) {
      if (hasNumber[otherSide(side)]) {
        closedAt = at;
      }
      hasNumber[side] = true;
    }
    return at;
  });
}

function openSession(scenario: Scenario): Session {
  let session = accepted(
    createSession(
      {
        id: 'replay',
        title: 'Replay',
        currency: 'USD',
        creatorRole: 'claimant',
        startsAt: T0 + scenario.startDelay,
        initialRoundSeconds: INITIAL_ROUND_SECONDS,
        adjustmentSeconds: scenario.adjustmentSeconds,
        bonusPercent: scenario.bonusPercent,
      },
      T0,
    ),
  ).session;
  session = accepted(joinSession(session, 'respondent', T0)).session;
  session = accepted(acceptTerms(session, 'claimant', 0, T0)).session;
  return accepted(acceptTerms(session, 'respondent', 0, T0)).session;
}

/**
 * The engine as the adapters drive it: each submit is sealed under its seq in a map, and after
 * the i-th submit `evaluationsAfter(i)` evaluations run (opening the seqs `nextEvaluation`
 * names); whatever is left is evaluated at the end. The clock never goes back.
 */
function runEngine(scenario: Scenario, evaluationsAfter: (index: number) => number): Run {
  let session = openSession(scenario);
  const sealed = new Map<number, bigint>();
  const random = seededRandom(scenario.seed);
  const verdicts: Verdict[] = [];
  const results = new Map<number, EvaluationResult>();
  const deals: Deal[] = [];
  let now = T0;

  const record = (events: DomainEvent[], seq: number): void => {
    for (const event of events) {
      if (event.type === 'MoveEvaluated') {
        expect(results.has(event.seq)).toBe(false);
        results.set(event.seq, event.result);
      }
      if (event.type === 'Settled') {
        const { amount, baseAmount, bonusSide, reachedIn } = event.outcome;
        deals.push({ seq, amount, baseAmount, bonusSide, reachedIn });
      }
    }
  };
  const evaluateOne = (): void => {
    const next = nextEvaluation(session)!;
    const pair = {
      seq: next.move.seq,
      moverAmount: sealed.get(next.move.seq)!,
      otherAmount: next.otherSeq === null ? null : sealed.get(next.otherSeq)!,
    };
    const transition = accepted(evaluateNext(session, pair, random, now));
    record(transition.events, next.move.seq);
    session = transition.session;
  };

  const times = timesOf(scenario);
  scenario.moves.forEach((move, index) => {
    now = times[index]!;
    const result = submitNumber(session, move.side, now);
    if (isRejection(result)) {
      verdicts.push({ rejected: result.rejected });
    } else {
      session = result.session;
      sealed.set(session.seq, move.amount);
      verdicts.push({ seq: session.seq, step: session.pendingMoves.at(-1)!.step });
    }
    for (let left = evaluationsAfter(index); left > 0 && nextEvaluation(session); left--) {
      evaluateOne();
    }
  });
  now += 1_000;
  while (nextEvaluation(session)) {
    evaluateOne();
  }
  session = finalizeDue(session, FAR_FUTURE).session;
  return {
    verdicts,
    results,
    deals,
    finalPhase: effectivePhase(session, FAR_FUTURE),
    endedAt: session.ended?.at ?? null,
  };
}

/** The reference: acceptance from the clock alone, then every accepted number replayed in seq order. */
function runReference(scenario: Scenario): Run {
  const startsAt = T0 + scenario.startDelay;
  const deadline = startsAt + INITIAL_ROUND_SECONDS * 1000;
  const adjustment = scenario.adjustmentSeconds * 1000;
  let closedAt: number | null = null;
  const hasNumber: Record<Side, boolean> = { claimant: false, respondent: false };
  const verdicts: Verdict[] = [];
  const acceptedMoves: { seq: number; side: Side; amount: bigint; step: Step }[] = [];

  const times = timesOf(scenario);
  scenario.moves.forEach((move, index) => {
    const at = times[index]!;
    if (at < startsAt) {
      verdicts.push({ rejected: 'round_not_open' });
      return;
    }
    if (at >= (closedAt ?? deadline) + adjustment) {
      verdicts.push({ rejected: 'session_ended' });
      return;
    }
    const step: Step = closedAt === null && at < deadline ? 'initial_round' : 'adjustment';
    if (step === 'initial_round' && hasNumber[otherSide(move.side)]) {
      closedAt = at;
    }
    hasNumber[move.side] = true;
    const seq = acceptedMoves.length + 1;
    acceptedMoves.push({ seq, side: move.side, amount: move.amount, step });
    verdicts.push({ seq, step });
  });

  const random = seededRandom(scenario.seed);
  const standing: Record<Side, bigint | null> = { claimant: null, respondent: null };
  const results = new Map<number, EvaluationResult>();
  const deals: Deal[] = [];
  for (const move of acceptedMoves) {
    if (deals.length > 0) {
      results.set(move.seq, 'void');
      continue;
    }
    standing[move.side] = move.amount;
    const other = standing[otherSide(move.side)];
    if (other === null) {
      results.set(move.seq, 'no_pair');
      continue;
    }
    const demand = move.side === 'claimant' ? move.amount : other;
    const offer = move.side === 'claimant' ? other : move.amount;
    if (demand > offer) {
      results.set(move.seq, 'no_overlap');
      continue;
    }
    results.set(move.seq, 'deal');
    const bonusSide = move.step === 'adjustment' && scenario.bonusPercent > 0 ? otherSide(move.side) : null;
    const match = evaluateMatch({
      demand,
      offer,
      mover: move.side,
      step: move.step,
      bonusPercent: scenario.bonusPercent,
      random,
    })!;
    deals.push({
      seq: move.seq,
      amount: match.amount,
      baseAmount: match.baseAmount,
      bonusSide,
      reachedIn: move.step,
    });
  }
  const endsAt = (closedAt ?? deadline) + adjustment;
  return {
    verdicts,
    results,
    deals,
    finalPhase: deals.length > 0 ? 'settled' : 'no_deal',
    endedAt: deals.length > 0 ? null : endsAt,
  };
}

/** Checks an engine run against the reference, allowing what an earlier-known deal changes. */
function expectSameOutcome(run: Run, reference: Run): void {
  expect(run.deals.length).toBeLessThanOrEqual(1);
  expect(run.deals).toEqual(reference.deals);
  expect(run.finalPhase).toBe(reference.finalPhase);
  expect(run.endedAt).toBe(reference.endedAt);
  const dealSeq = reference.deals[0]?.seq ?? Number.POSITIVE_INFINITY;
  let beforeDeal = true;
  run.verdicts.forEach((verdict, index) => {
    if (beforeDeal) {
      // Up to the deal-making number, acceptance, seq and step are the reference's.
      expect(verdict).toEqual(reference.verdicts[index]);
      beforeDeal = !('seq' in verdict && verdict.seq === dealSeq);
      return;
    }
    // After it: refused once the deal is known, else accepted and void.
    if ('seq' in verdict) {
      expect(run.results.get(verdict.seq)).toBe('void');
    } else {
      expect(verdict.rejected).toBe('session_ended');
    }
  });
  for (const [seq, result] of run.results) {
    expect(result).toBe(seq > dealSeq ? 'void' : reference.results.get(seq));
  }
  expect(run.results.size).toBe(run.verdicts.filter((verdict) => 'seq' in verdict).length);
}

const sideArb = fc.constantFrom<Side>('claimant', 'respondent');

/**
 * Mostly small amounts, the claimant's skewed up so that most pairs do not overlap and moves go on
 * into step 3; now and then any valid amount, and exact matches happen among the small ones.
 */
const moveArb: fc.Arbitrary<MoveInput> = fc
  .record({
    side: sideArb,
    small: fc.bigInt({ min: 1n, max: 100n }),
    any: fc.bigInt({ min: 1n, max: 10n ** 15n }),
    wide: fc.integer({ min: 0, max: 9 }),
    time: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({ delay: fc.oneof(fc.constantFrom(0, 1), fc.nat({ max: 12_000 })) }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          boundary: fc.constantFrom<Boundary>('start', 'deadline', 'end'),
          jitter: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
        }),
      },
    ),
  })
  .map(({ side, small, any, wide, time }) => ({
    side,
    amount: wide === 0 ? any : side === 'claimant' ? small + 40n : small,
    time,
  }));

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  startDelay: fc.integer({ min: 0, max: 10_000 }),
  adjustmentSeconds: fc.integer({ min: 60, max: 120 }),
  bonusPercent: fc.integer({ min: 0, max: 20 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  moves: fc.array(moveArb, { maxLength: 40 }),
});

describe('replay: order decides', () => {
  it('gives the reference outcome whether evaluation runs eagerly, lazily or at random points', () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(fc.nat({ max: 3 }), { maxLength: 40 }), (scenario, schedule) => {
        // Prepare
        const reference = runReference(scenario);

        // Act
        const eager = runEngine(scenario, () => Number.POSITIVE_INFINITY);
        const lazy = runEngine(scenario, () => 0);
        const random = runEngine(scenario, (index) => schedule[index] ?? 0);

        // Assess
        expectSameOutcome(eager, reference);
        expectSameOutcome(lazy, reference);
        expectSameOutcome(random, reference);
        // Nothing is refused for a deal that nobody has evaluated yet.
        expect(lazy.verdicts).toEqual(reference.verdicts);
      }),
      { numRuns: 400 },
    );
  });

  it('makes at most one deal and voids every move evaluated after it', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Prepare
        const reference = runReference(scenario);

        // Act
        const lazy = runEngine(scenario, () => 0);

        // Assess
        expect(lazy.deals.length).toBe(reference.deals.length);
        expect(lazy.deals.length).toBeLessThanOrEqual(1);
        const dealSeq = lazy.deals[0]?.seq;
        const after = [...lazy.results].filter(([seq]) => dealSeq !== undefined && seq > dealSeq);
        expect(after.every(([, result]) => result === 'void')).toBe(true);
        expect([...lazy.results.values()].filter((result) => result === 'deal')).toHaveLength(
          lazy.deals.length,
        );
      }),
      { numRuns: 400 },
    );
  });

  it('replays a hand-written race the same way in every interleaving', () => {
    // Prepare: both step-2 numbers overlap; a step-3 move arrives before the pair is evaluated
    const scenario: Scenario = {
      startDelay: 0,
      adjustmentSeconds: 60,
      bonusPercent: 5,
      seed: 11,
      moves: [
        { side: 'claimant', amount: 50n, time: { delay: 1_000 } },
        { side: 'respondent', amount: 80n, time: { delay: 1_000 } },
        { side: 'claimant', amount: 10n, time: { delay: 0 } },
      ],
    };

    // Act
    const reference = runReference(scenario);
    const eager = runEngine(scenario, () => Number.POSITIVE_INFINITY);
    const lazy = runEngine(scenario, () => 0);

    // Assess
    expect(reference.deals).toMatchObject([{ seq: 2, reachedIn: 'initial_round', bonusSide: null }]);
    expect(eager.verdicts[2]).toEqual({ rejected: 'session_ended' });
    expect(lazy.verdicts[2]).toEqual({ seq: 3, step: 'adjustment' });
    expect(lazy.results.get(3)).toBe('void');
    expectSameOutcome(eager, reference);
    expectSameOutcome(lazy, reference);
  });
});
