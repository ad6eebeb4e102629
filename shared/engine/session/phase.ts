/**
 * Derived times and the effective phase (docs/rules.md, "Phases"): phases are half-open intervals
 * of server time computed from the stored times and `now`; `advance` announces the changes that
 * time has made true.
 */
import type { Phase } from '../types';
import { type DomainEvent, SECOND, type Session, type Transition } from './model';
import { closeUnansweredIfDue, voidLiveProposal } from './proposal-state';

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
 * `initialRoundStartsAt ≤ now < numbersCloseAt`.
 */
export function numbersCloseAt(session: Session, deadline: number): number {
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

/**
 * Brings the announced phase up to the effective phase, emitting the events of each change in
 * order: step 2 opened, step 2 closed / step 3 opened, a proposal past its `respondBy` closed,
 * ended with no deal (which voids a live proposal). Idempotent: a timer
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
  current = closeUnansweredIfDue(current, out, adjustmentEndsAt(current, now), now);
  if (phase === 'no_deal' && current.ended === null) {
    const at = adjustmentEndsAt(current, now)!;
    out.push({ type: 'NoDeal', at });
    current = { ...current, ended: { reason: 'no_deal', at }, announcedPhase: 'no_deal' };
    current = voidLiveProposal(current, out);
  }
  return { session: current, events: out };
}

/** A timer or the reconciler: finalize whatever time has made true. */
export function finalizeDue(session: Session, now: number): Transition {
  return advance(session, [], now);
}
