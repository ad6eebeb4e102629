/**
 * The negotiation state machine of SPEC §2.1–2.2 as pure functions:
 * (state, command, now) → new state + domain events, or a typed rejection.
 *
 * The engine never sees a sealed number and never reads the clock or a random source: `now`
 * (epoch ms) and `random` are arguments, and amounts reach it only inside `evaluateNext`, already
 * opened by the match adapter.
 */
import { isCurrency } from './currency';
import { evaluateMatch } from './match';
import {
  MAX_AMOUNT,
  MIN_AMOUNT,
  type Outcome,
  otherSide,
  type Phase,
  type RandomSource,
  type Role,
  type Side,
  type Step,
} from './types';

export const LIMITS = {
  initialRoundSeconds: { min: 60, max: 30 * 24 * 3600, default: 48 * 3600 },
  adjustmentSeconds: { min: 60, max: 365 * 24 * 3600, default: 28 * 24 * 3600 },
  bonusPercent: { min: 0, max: 20, default: 5 },
  titleLength: 200,
  termsLength: 20_000,
} as const;

/** A number accepted but not yet evaluated. The sealed amount stays with the adapter. */
export interface Move {
  seq: number;
  side: Side;
  step: Step;
  at: number;
}

export interface Terms {
  /** 0 = no proposal yet. */
  version: number;
  text: string | null;
  acceptedVersion: Record<Side, number | null>;
}

export type EndReason = 'withdrawn' | 'no_deal';

export interface Session {
  id: string;
  title: string;
  caseNumber: string | null;
  currency: string;
  createdAt: number;
  /** The requested start (epoch ms), if any. */
  requestedStartsAt: number | null;
  initialRoundSeconds: number;
  adjustmentSeconds: number;
  bonusPercent: number;
  terms: Terms;
  /** Whether each role has at least one joined member. */
  joined: Record<Role, boolean>;
  termsSettledAt: number | null;
  /** max(requestedStartsAt, termsSettledAt): the moment step 2 opens. */
  initialRoundStartsAt: number | null;
  /** Set by the write that completed both step-2 numbers (step 2 closed early). */
  initialRoundClosedAt: number | null;
  initialRoundClosedSeq: number | null;
  seq: number;
  evaluatedSeq: number;
  hasNumber: Record<Side, boolean>;
  /** Accepted, not yet evaluated, in seq order. */
  pendingMoves: Move[];
  /** The seq of each side's standing number as of `evaluatedSeq`. */
  standingSeq: Record<Side, number | null>;
  ended: { reason: EndReason; at: number } | null;
  outcome: Outcome | null;
  /** The last phase whose change was announced (events emitted). Lags the effective phase. */
  announcedPhase: Phase;
}

export type DomainEvent =
  | { type: 'SessionCreated' }
  | { type: 'MemberJoined'; role: Role }
  | { type: 'TermsProposed'; version: number; by: Role }
  | { type: 'TermsAccepted'; side: Side; version: number }
  | { type: 'TermsSettled'; version: number; initialRoundStartsAt: number; initialRoundEndsAt: number }
  | { type: 'InitialRoundOpened'; initialRoundEndsAt: number }
  | { type: 'NumberAccepted'; side: Side; seq: number; step: Step }
  | { type: 'MoveEvaluated'; seq: number; result: 'no_pair' | 'no_overlap' | 'deal' | 'void' }
  | { type: 'InitialRoundClosed'; at: number }
  | { type: 'AdjustmentOpened'; endsAt: number }
  | { type: 'Settled'; outcome: Outcome }
  | { type: 'NoDeal'; at: number }
  | { type: 'Withdrawn'; side: Side; at: number };

export type RejectionCode =
  | 'invalid_input'
  | 'forbidden'
  | 'round_not_open'
  | 'session_ended'
  | 'terms_closed'
  | 'terms_changed'
  | 'evaluation_pending'
  | 'nothing_to_evaluate';

export interface Rejection {
  rejected: RejectionCode;
  message: string;
}

export interface Transition {
  session: Session;
  events: DomainEvent[];
}

export type Result = Transition | Rejection;

export const isRejection = (result: Result): result is Rejection => 'rejected' in result;

const reject = (rejected: RejectionCode, message: string): Rejection => ({ rejected, message });

const SECOND = 1000;

// ---------------------------------------------------------------------------------------------
// Derived times and the effective phase
// ---------------------------------------------------------------------------------------------

/** Step 2's deadline: known once step 1 is settled. */
export function initialRoundEndsAt(session: Session): number | null {
  return session.initialRoundStartsAt === null
    ? null
    : session.initialRoundStartsAt + session.initialRoundSeconds * SECOND;
}

/** The moment step 2 closed (early by the completing write, else at its deadline), once it has. */
export function initialRoundClosedAt(session: Session, now: number): number | null {
  if (session.initialRoundClosedAt !== null) return session.initialRoundClosedAt;
  const deadline = initialRoundEndsAt(session);
  return deadline !== null && now >= deadline ? deadline : null;
}

/** The end of step 3 (`endsAt`), once step 2 has closed. */
export function adjustmentEndsAt(session: Session, now: number): number | null {
  const closedAt = initialRoundClosedAt(session, now);
  return closedAt === null ? null : closedAt + session.adjustmentSeconds * SECOND;
}

/**
 * The last moment a number can be accepted: step 3's end if step 2 has closed, otherwise the end
 * that step 3 would have if step 2 closed at its deadline. Numbers are accepted while
 * `initialRoundStartsAt ≤ now < lastMoment`.
 */
function numbersCloseAt(session: Session, deadline: number): number {
  return (session.initialRoundClosedAt ?? deadline) + session.adjustmentSeconds * SECOND;
}

/** Phases are half-open intervals of server time, computed from the stored times and `now`. */
export function effectivePhase(session: Session, now: number): Phase {
  if (session.outcome) return 'settled';
  if (session.ended) return session.ended.reason;
  if (session.initialRoundStartsAt === null) return 'setup';
  if (now < session.initialRoundStartsAt) return 'scheduled';
  const closedSeq = session.initialRoundClosedSeq;
  // The pair that closed step 2 is still being evaluated: the view still shows step 2.
  if (closedSeq !== null && session.evaluatedSeq < closedSeq) return 'initial_round';
  const closedAt = initialRoundClosedAt(session, now);
  if (closedAt === null) return 'initial_round';
  const endsAt = closedAt + session.adjustmentSeconds * SECOND;
  // An end without a deal takes effect only once every accepted number is evaluated.
  if (now < endsAt || session.evaluatedSeq < session.seq) return 'adjustment';
  return 'no_deal';
}

export const isEnded = (phase: Phase): boolean =>
  phase === 'settled' || phase === 'no_deal' || phase === 'withdrawn';

// ---------------------------------------------------------------------------------------------
// Create
// ---------------------------------------------------------------------------------------------

export interface CreateSession {
  id: string;
  title: string;
  caseNumber?: string | null;
  currency: string;
  creatorRole: Role;
  startsAt?: number | null;
  initialRoundSeconds?: number;
  adjustmentSeconds?: number;
  bonusPercent?: number;
}

function checkRange(name: string, value: number, limits: { min: number; max: number }): Rejection | null {
  if (!Number.isInteger(value) || value < limits.min || value > limits.max) {
    return reject('invalid_input', `${name} must be an integer between ${limits.min} and ${limits.max}.`);
  }
  return null;
}

export function createSession(command: CreateSession, now: number): Result {
  const title = command.title.trim();
  if (title.length === 0 || title.length > LIMITS.titleLength) {
    return reject('invalid_input', `title must be 1 to ${LIMITS.titleLength} characters.`);
  }
  if (!isCurrency(command.currency)) {
    return reject('invalid_input', 'currency must be an ISO 4217 code.');
  }
  const initialRoundSeconds = command.initialRoundSeconds ?? LIMITS.initialRoundSeconds.default;
  const adjustmentSeconds = command.adjustmentSeconds ?? LIMITS.adjustmentSeconds.default;
  const bonusPercent = command.bonusPercent ?? LIMITS.bonusPercent.default;
  const rangeError =
    checkRange('initialRoundSeconds', initialRoundSeconds, LIMITS.initialRoundSeconds) ??
    checkRange('adjustmentSeconds', adjustmentSeconds, LIMITS.adjustmentSeconds) ??
    checkRange('bonusPercent', bonusPercent, LIMITS.bonusPercent);
  if (rangeError) return rangeError;
  const startsAt = command.startsAt ?? null;
  if (startsAt !== null && !Number.isFinite(startsAt)) {
    return reject('invalid_input', 'startsAt must be a valid time.');
  }
  const session: Session = {
    id: command.id,
    title,
    caseNumber: command.caseNumber ?? null,
    currency: command.currency,
    createdAt: now,
    requestedStartsAt: startsAt,
    initialRoundSeconds,
    adjustmentSeconds,
    bonusPercent,
    terms: { version: 0, text: null, acceptedVersion: { claimant: null, respondent: null } },
    joined: { claimant: false, respondent: false, mediator: false, [command.creatorRole]: true },
    termsSettledAt: null,
    initialRoundStartsAt: null,
    initialRoundClosedAt: null,
    initialRoundClosedSeq: null,
    seq: 0,
    evaluatedSeq: 0,
    hasNumber: { claimant: false, respondent: false },
    pendingMoves: [],
    standingSeq: { claimant: null, respondent: null },
    ended: null,
    outcome: null,
    announcedPhase: 'setup',
  };
  return { session, events: [{ type: 'SessionCreated' }] };
}

// ---------------------------------------------------------------------------------------------
// Members and invitations (SPEC §2.5)
// ---------------------------------------------------------------------------------------------

/**
 * Who may invite to a role. While a role is empty, anyone holding a role in the session may invite
 * to it; once a side has a joined member only that side's members may; a filled mediator seat
 * takes no invitation (the caller gets `role_filled`, decided by the adapter that knows the seat).
 */
export function mayInvite(session: Session, callerRole: Role, target: Role): boolean {
  if (target === 'mediator') return !session.joined.mediator;
  return !session.joined[target] || callerRole === target;
}

/** A user joins a role (accepting an invitation). Step 1 may settle by this write (SPEC §2.1). */
export function joinSession(session: Session, role: Role, now: number): Result {
  if (isEnded(effectivePhase(session, now))) return reject('session_ended', 'The session has ended.');
  const events: DomainEvent[] = [];
  const firstOfRole = !session.joined[role];
  const next: Session = { ...session, joined: { ...session.joined, [role]: true } };
  if (firstOfRole) events.push({ type: 'MemberJoined', role });
  return settleTermsIfAgreed(next, events, now);
}

// ---------------------------------------------------------------------------------------------
// Step 1: terms
// ---------------------------------------------------------------------------------------------

function termsOpen(session: Session, now: number): Rejection | null {
  if (isEnded(effectivePhase(session, now))) return reject('session_ended', 'The session has ended.');
  if (session.termsSettledAt !== null) return reject('terms_closed', 'Step 1 (terms) is already settled.');
  return null;
}

/** A proposal is a new version; a side member's proposal counts as its side's acceptance. */
export function proposeTerms(session: Session, by: Role, text: string, now: number): Result {
  const closed = termsOpen(session, now);
  if (closed) return closed;
  if (text.length < 1 || text.length > LIMITS.termsLength) {
    return reject('invalid_input', `text must be 1 to ${LIMITS.termsLength} characters.`);
  }
  const version = session.terms.version + 1;
  const acceptedVersion =
    by === 'mediator' ? session.terms.acceptedVersion : { ...session.terms.acceptedVersion, [by]: version };
  const next: Session = { ...session, terms: { version, text, acceptedVersion } };
  return settleTermsIfAgreed(next, [{ type: 'TermsProposed', version, by }], now);
}

/** A side accepts the current version, or version 0 = "no terms, numbers first". */
export function acceptTerms(session: Session, side: Side, version: number, now: number): Result {
  const closed = termsOpen(session, now);
  if (closed) return closed;
  if (version !== 0 && version !== session.terms.version) {
    return reject('terms_changed', 'That version is not the current proposal.');
  }
  const next: Session = {
    ...session,
    terms: { ...session.terms, acceptedVersion: { ...session.terms.acceptedVersion, [side]: version } },
  };
  return settleTermsIfAgreed(next, [{ type: 'TermsAccepted', side, version }], now);
}

/** Step 1 is settled by the write that leaves both sides joined and accepting the same version. */
function settleTermsIfAgreed(session: Session, events: DomainEvent[], now: number): Transition {
  const { claimant, respondent } = session.terms.acceptedVersion;
  const agreed =
    session.termsSettledAt === null &&
    session.joined.claimant &&
    session.joined.respondent &&
    claimant !== null &&
    claimant === respondent;
  if (!agreed) return { session, events };
  const initialRoundStartsAt = Math.max(session.requestedStartsAt ?? now, now);
  const settled: Session = {
    ...session,
    termsSettledAt: now,
    initialRoundStartsAt,
    announcedPhase: 'scheduled',
  };
  const endsAt = initialRoundEndsAt(settled)!;
  const settledEvents: DomainEvent[] = [
    ...events,
    { type: 'TermsSettled', version: claimant, initialRoundStartsAt, initialRoundEndsAt: endsAt },
  ];
  // Opens at once when no later start was requested; otherwise the timer opens it.
  return advance(settled, settledEvents, now);
}

// ---------------------------------------------------------------------------------------------
// Steps 2 and 3: numbers
// ---------------------------------------------------------------------------------------------

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

/** The next move to evaluate and the seqs of the two sealed numbers the adapter must open. */
export interface NextEvaluation {
  move: Move;
  /** The seq under which the other side's standing number was sealed, or null if it has none. */
  otherSeq: number | null;
}

export function nextEvaluation(session: Session): NextEvaluation | null {
  const move = session.pendingMoves[0];
  if (!move) return null;
  return { move, otherSeq: session.standingSeq[otherSide(move.side)] };
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
 * Evaluates exactly the next seq (SPEC §2.2). Order decides: moves are consumed strictly in seq
 * order; the first overlapping pair makes the deal and every later move is void.
 */
export function evaluateNext(session: Session, pair: OpenedPair, random: RandomSource, now: number): Result {
  const next = nextEvaluation(session);
  if (!next) return reject('nothing_to_evaluate', 'Every accepted number is evaluated.');
  const { move } = next;
  if (pair.seq !== move.seq) return reject('invalid_input', `Expected seq ${move.seq}, got ${pair.seq}.`);
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
    return { session: { ...evaluated, outcome, announcedPhase: 'settled' }, events };
  }
  return advance(evaluated, events, now);
}

// ---------------------------------------------------------------------------------------------
// Time: announcing phase changes and ending without a deal
// ---------------------------------------------------------------------------------------------

/**
 * Brings the announced phase up to the effective phase, emitting the events of each change in
 * order: step 2 opened, step 2 closed / step 3 opened, ended with no deal. Idempotent: a timer
 * that fires twice, late, or early changes nothing it should not.
 */
export function advance(session: Session, events: DomainEvent[], now: number): Transition {
  let current = session;
  const out = [...events];
  const phase = effectivePhase(current, now);
  if (current.announcedPhase === 'scheduled' && phase !== 'scheduled') {
    out.push({ type: 'InitialRoundOpened', initialRoundEndsAt: initialRoundEndsAt(current)! });
    current = { ...current, announcedPhase: 'initial_round' };
  }
  if (current.announcedPhase === 'initial_round' && (phase === 'adjustment' || phase === 'no_deal')) {
    const closedAt = initialRoundClosedAt(current, now)!;
    out.push({ type: 'InitialRoundClosed', at: closedAt });
    out.push({ type: 'AdjustmentOpened', endsAt: adjustmentEndsAt(current, now)! });
    current = { ...current, announcedPhase: 'adjustment' };
  }
  if (phase === 'no_deal' && current.ended === null) {
    const at = adjustmentEndsAt(current, now)!;
    out.push({ type: 'NoDeal', at });
    current = { ...current, ended: { reason: 'no_deal', at }, announcedPhase: 'no_deal' };
  }
  return { session: current, events: out };
}

/** A timer or the reconciler: finalize whatever time has made true. */
export function finalizeDue(session: Session, now: number): Transition {
  return advance(session, [], now);
}

/**
 * A side member ends the session without a deal. It takes effect only once every accepted number
 * is evaluated, so it can never cancel a deal already made by an earlier number; the caller
 * waits for evaluation when this returns `evaluation_pending`. Withdrawing twice is harmless.
 */
export function withdraw(session: Session, side: Side, now: number): Result {
  if (session.ended?.reason === 'withdrawn') return { session, events: [] };
  const phase = effectivePhase(session, now);
  if (session.evaluatedSeq < session.seq && !session.outcome && !session.ended) {
    return reject('evaluation_pending', 'Earlier numbers are still being evaluated.');
  }
  if (isEnded(phase)) return reject('session_ended', 'The session has ended.');
  return {
    session: { ...session, ended: { reason: 'withdrawn', at: now }, announcedPhase: 'withdrawn' },
    events: [{ type: 'Withdrawn', side, at: now }],
  };
}
