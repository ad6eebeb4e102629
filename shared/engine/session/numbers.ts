/** Steps 2 and 3: numbers, and their evaluation in `seq` order (docs/rules.md, "Order decides"). */
import { evaluateMatch } from '../match';
import {
  MAX_AMOUNT,
  MIN_AMOUNT,
  type Outcome,
  otherSide,
  type RandomSource,
  type Side,
  type Step,
} from '../types';
import { type DomainEvent, type Move, type Result, reject, type Session } from './model';
import { advance, initialRoundEndsAt, numbersCloseAt } from './phase';
import { voidLiveProposal } from './proposal-state';

export function isValidAmount(amount: bigint): boolean {
  return amount >= MIN_AMOUNT && amount <= MAX_AMOUNT;
}

/**
 * Accepts a side's number at `now`. The amount itself never reaches the state: the adapter seals
 * it under the returned `seq`. The write that completes both step-2 numbers closes step 2.
 */
export function submitNumber(session: Session, side: Side, now: number): Result {
  if (session.outcome || session.ended) return reject('session_ended', 'The session has ended.');
  const startsAt = session.initialRoundStartsAt;
  if (startsAt === null || now < startsAt) return reject('round_not_open', 'Numbers are not open yet.');
  const deadline = initialRoundEndsAt(session)!;
  if (now >= numbersCloseAt(session, deadline)) return reject('session_ended', 'The session has ended.');
  const seq = session.seq + 1;
  const inInitialRound = session.initialRoundClosedSeq === null && now < deadline;
  const step: Step = inInitialRound ? 'initial_round' : 'adjustment';
  const completesPair = inInitialRound && session.hasNumber[otherSide(side)];
  const next: Session = {
    ...session,
    seq,
    hasNumber: { ...session.hasNumber, [side]: true },
    pendingMoves: [...session.pendingMoves, { seq, side, step, at: now }],
    ...(completesPair ? { initialRoundClosedAt: now, initialRoundClosedSeq: seq } : {}),
  };
  return { session: next, events: [{ type: 'NumberAccepted', side, seq, step }] };
}

/**
 * The next move to evaluate and the seqs of the two sealed numbers the adapter must open. A
 * proposal's move (`move.proposal`) is evaluated by proposals.ts instead: `otherSeq` is then null.
 */
export interface NextEvaluation {
  move: Move;
  /** The seq under which the other side's standing number was sealed, or null if it has none. */
  otherSeq: number | null;
}

export function nextEvaluation(session: Session): NextEvaluation | null {
  const move = session.pendingMoves[0];
  if (!move) return null;
  return { move, otherSeq: move.proposal ? null : session.standingSeq[otherSide(move.side)] };
}

export interface OpenedPair {
  /** The seq being evaluated: must be `evaluatedSeq + 1`. */
  seq: number;
  /**
   * The mover's amount, sealed under `seq`. May be null when `otherAmount` is null: with nothing to
   * compare it with, the adapter need not open it (one Decrypt fewer).
   */
  moverAmount: bigint | null;
  /** The other side's standing amount, sealed under `otherSeq`, or null. */
  otherAmount: bigint | null;
}

/**
 * Evaluates exactly the next seq. Order decides: moves are consumed strictly in seq order; the
 * first overlapping pair makes the deal and every later move is void.
 */
export function evaluateNext(session: Session, pair: OpenedPair, random: RandomSource, now: number): Result {
  const next = nextEvaluation(session);
  if (!next) return reject('nothing_to_evaluate', 'Every accepted number is evaluated.');
  const { move } = next;
  if (pair.seq !== move.seq) return reject('invalid_input', `Expected seq ${move.seq}, got ${pair.seq}.`);
  if (move.proposal) return reject('invalid_input', `Seq ${move.seq} is a proposal's, not a number's.`);
  if (pair.otherAmount !== null && pair.moverAmount === null) {
    return reject('invalid_input', 'Both amounts are needed to compare a pair.');
  }
  const evaluated: Session = {
    ...session,
    evaluatedSeq: move.seq,
    pendingMoves: session.pendingMoves.slice(1),
    standingSeq: { ...session.standingSeq, [move.side]: move.seq },
  };
  if (session.outcome || session.ended) {
    return { session: evaluated, events: [{ type: 'MoveEvaluated', seq: move.seq, result: 'void' }] };
  }
  const events: DomainEvent[] = [];
  let result: 'no_pair' | 'no_overlap' | 'deal' = 'no_pair';
  let outcome: Outcome | null = null;
  // In step 2 the other side has a number only for the write that completed the pair.
  if (pair.otherAmount !== null) {
    const moverAmount = pair.moverAmount!;
    const demand = move.side === 'claimant' ? moverAmount : pair.otherAmount;
    const offer = move.side === 'claimant' ? pair.otherAmount : moverAmount;
    const match = evaluateMatch({
      demand,
      offer,
      mover: move.side,
      step: move.step,
      bonusPercent: session.bonusPercent,
      random,
    });
    result = match ? 'deal' : 'no_overlap';
    // The deal was made by this move: it is settled at the moment the move was accepted, not when
    // an evaluation that may lag (retries, the reconciler) happened to run.
    if (match) outcome = { ...match, reachedIn: move.step, settledAt: move.at };
  }
  events.push({ type: 'MoveEvaluated', seq: move.seq, result });
  if (outcome) {
    events.push({ type: 'Settled', outcome });
    // The deal ends the session: a live proposal is void in the same write.
    return {
      session: voidLiveProposal({ ...evaluated, outcome, announcedPhase: 'settled' }, events),
      events,
    };
  }
  return advance(evaluated, events, now);
}
