import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../shared/engine/seeded-random';
import {
  answerProposal,
  consentToProposal,
  type DomainEvent,
  finalizeDue,
  isRejection,
  nextEvaluation,
  type RejectionCode,
  type Result,
  requestProposal,
  type Session,
  submitNumber,
} from '../../../../shared/engine/session';
import type { Side } from '../../../../shared/engine/types';
import { ProposalNegotiation, STEP3_ENDS } from './proposal-support';
import { DAY, HOUR } from './support';

/**
 * Order decides for proposals too (docs/rules.md, "Double-blind proposals" and "Order decides"):
 * whatever the interleaving of numbers, requests, consents, answers and match's evaluations, the
 * outcome is the one of replaying the accepted writes with every seq evaluated at once, in seq
 * order. A write accepted while match lagged is accepted by the replay too, unless the replay
 * already knows the session ended (then it was void).
 */

type Action =
  | { kind: 'number'; side: Side; amount: bigint }
  | { kind: 'mediator'; amount: bigint }
  | { kind: 'request'; side: Side }
  | { kind: 'consent'; side: Side; consent: boolean }
  | { kind: 'answer'; side: Side; accept: boolean };

interface Timed {
  action: Action;
  delay: number;
}

const side = fc.constantFrom<Side>('claimant', 'respondent');
/** Mostly yes: deals by proposal happen often enough to be checked. */
const mostlyYes = fc.oneof(
  { weight: 3, arbitrary: fc.constant(true) },
  { weight: 1, arbitrary: fc.constant(false) },
);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ side, small: fc.bigInt({ min: 0n, max: 40n }) })
      // Claimant demands 1,000–1,400, respondent offers 700–1,100 (thousands): overlaps are rare.
      .map(({ side, small }) => ({
        kind: 'number' as const,
        side,
        amount: (side === 'claimant' ? 1_000n + small * 10n : 700n + small * 10n) * 1_000n,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .bigInt({ min: 800n, max: 1_200n })
      .map((a) => ({ kind: 'mediator' as const, amount: a * 1_000n })),
  },
  { weight: 2, arbitrary: side.map((s) => ({ kind: 'request' as const, side: s })) },
  {
    weight: 2,
    arbitrary: fc.record({ side, consent: mostlyYes }).map((r) => ({ kind: 'consent' as const, ...r })),
  },
  {
    weight: 4,
    arbitrary: fc.record({ side, accept: mostlyYes }).map((r) => ({ kind: 'answer' as const, ...r })),
  },
);
const timedArb: fc.Arbitrary<Timed> = fc.record({
  action: actionArb,
  delay: fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 3 * DAY })),
});
const scenarioArb = fc.record({
  gap: fc.integer({ min: 0, max: 40 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  script: fc.array(timedArb, { maxLength: 30 }),
});

function apply(session: Session, action: Action, now: number): Result {
  switch (action.kind) {
    case 'number':
      return submitNumber(session, action.side, now);
    case 'mediator':
      return requestProposal(session, 'mediator', { kind: 'mediator', amount: action.amount }, now);
    case 'request':
      return requestProposal(session, action.side, { kind: 'computed', amount: null }, now);
    case 'consent':
      return consentToProposal(session, action.side, action.consent, now);
    case 'answer':
      return answerProposal(session, action.side, now);
  }
}

interface Accepted {
  action: Action;
  at: number;
}

interface Run {
  session: Session;
  accepted: Accepted[];
  events: DomainEvent[];
  rejected: { at: number; code: RejectionCode }[];
}

/** Feeds the script to the engine; after the i-th write, match evaluates `lag(i)` seqs. */
function run(
  gap: number,
  seed: number,
  script: { action: Action; at: number }[],
  lag: (index: number) => number,
): Run & { negotiation: ProposalNegotiation } {
  // The same seeded stream for every run of one scenario: draws happen in seq order in each.
  const negotiation = ProposalNegotiation.inStep3({ gap, random: seededRandom(seed) });
  const accepted: Accepted[] = [];
  const rejected: { at: number; code: RejectionCode }[] = [];
  const events: DomainEvent[] = [];
  script.forEach(({ action, at }, index) => {
    const result = apply(negotiation.session, action, at);
    if (isRejection(result)) {
      rejected.push({ at, code: result.rejected });
    } else {
      negotiation.session = result.session;
      events.push(...result.events);
      if (action.kind === 'number') negotiation.numbers.set(result.session.seq, action.amount);
      if (action.kind === 'answer') {
        negotiation.answers.set(`${result.session.proposals.current!.number}/${action.side}`, action.accept);
      }
      accepted.push({ action, at });
    }
    for (let left = lag(index); left > 0 && nextEvaluation(negotiation.session); left--) {
      events.push(...negotiation.evaluate(at));
    }
  });
  events.push(...negotiation.evaluateAll(script.at(-1)?.at ?? STEP3_ENDS));
  const final = finalizeDue(negotiation.session, STEP3_ENDS + 400 * DAY);
  negotiation.session = final.session;
  events.push(...final.events);
  return { negotiation, session: final.session, accepted, events, rejected };
}

function timesOf(script: Timed[]): { action: Action; at: number }[] {
  let at = ProposalNegotiation.inStep3().session.initialRoundClosedAt! + HOUR;
  return script.map(({ action, delay }) => {
    at += delay;
    return { action, at };
  });
}

describe('proposals replay: order decides', () => {
  it('gives the outcome of replaying the accepted writes in seq order, however match lags', () => {
    const seen = new Map<string, number>();
    const count = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);
    fc.assert(
      fc.property(
        scenarioArb,
        fc.array(fc.nat({ max: 3 }), { maxLength: 30 }),
        ({ gap, seed, script }, lags) => {
          // Prepare
          const timed = timesOf(script);

          // Act: match lags at random points, then the accepted writes are replayed with match eager
          const lagged = run(gap, seed, timed, (i) => lags[i] ?? 0);
          const replay = run(gap, seed, lagged.accepted, () => Number.POSITIVE_INFINITY);

          // Assess: what the replay refuses, it refuses only because the session had ended (void)
          expect(replay.accepted.length + replay.rejected.length).toBe(lagged.accepted.length);
          for (const { code } of replay.rejected) expect(code).toBe('session_ended');
          // Assess: the same deal, the same end
          expect(lagged.session.outcome).toEqual(replay.session.outcome);
          expect(lagged.session.ended).toEqual(replay.session.ended);
          // Assess: the same proposals, unless writes accepted after the deal (void) started or
          // answered one: then nothing is left in play.
          if (replay.rejected.length === 0) {
            expect(lagged.session.proposals).toEqual(replay.session.proposals);
          } else {
            expect(['requested', 'open']).not.toContain(lagged.session.proposals.current?.state);
          }
          // A deal by a proposal is settled at an accepted answer: the second yes.
          const outcome = lagged.session.outcome;
          count(outcome ? `deal by ${outcome.reachedIn}` : (lagged.session.ended?.reason ?? 'running'));
          for (const e of lagged.events) if (e.type.startsWith('Proposal')) count(e.type);
          if (replay.rejected.length > 0) count('void writes after a deal');
          if (outcome?.reachedIn === 'proposal') {
            const answers = lagged.accepted.filter((a) => a.action.kind === 'answer').map((a) => a.at);
            expect(answers).toContain(outcome.settledAt);
          }
        },
      ),
      { numRuns: 400 },
    );
    // The scripts reach every kind of ending: the property is not checked on trivial runs only.
    for (const what of [
      'deal by proposal',
      'deal by adjustment',
      'no_deal',
      'ProposalRefused',
      'ProposalDeclined',
      'ProposalOpened',
      'ProposalVoided',
      'void writes after a deal',
    ]) {
      expect(seen.get(what), what).toBeGreaterThan(3);
    }
  });

  it('keeps every computed amount inside the standing numbers of its seq, refused iff too far apart', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.array(fc.nat({ max: 3 }), { maxLength: 30 }),
        ({ gap, seed, script }, lags) => {
          // Prepare
          const timed = timesOf(script);

          // Act
          const { events, negotiation } = run(gap, seed, timed, (i) => lags[i] ?? 0);

          // Assess: the standing numbers as of each consent's seq, from the accepted numbers
          const standing = (seq: number) => {
            const last: Record<Side, bigint | null> = { claimant: null, respondent: null };
            for (const e of events) {
              if (e.type === 'NumberAccepted' && e.seq < seq) last[e.side] = negotiation.numbers.get(e.seq)!;
            }
            return last;
          };
          const initial = { claimant: 1_000_000n, respondent: 900_000n };
          events.forEach((event, index) => {
            if (
              event.type !== 'ProposalRefused' &&
              !(event.type === 'ProposalOpened' && event.kind === 'computed')
            )
              return;
            const evaluated = events[index - 1] as Extract<DomainEvent, { type: 'MoveEvaluated' }>;
            const s = standing(evaluated.seq);
            const demand = s.claimant ?? initial.claimant;
            const offer = s.respondent ?? initial.respondent;
            const tooFar = (demand - offer) * 100n > demand * BigInt(gap);
            expect(event.type === 'ProposalRefused').toBe(tooFar);
            if (event.type === 'ProposalOpened') {
              expect(event.amount >= offer && event.amount <= demand).toBe(true);
            }
          });
          // At most one deal; by a proposal, at the moment of the second answer.
          expect(events.filter((e) => e.type === 'Settled').length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
