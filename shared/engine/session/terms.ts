/** Step 1: terms (docs/rules.md, "Step 1 — terms"). */
import { textProblem } from '../text';
import type { Role, Side } from '../types';
import {
  type DomainEvent,
  LIMITS,
  type Rejection,
  type Result,
  reject,
  type Session,
  type Transition,
} from './model';
import { advance, effectivePhase, initialRoundEndsAt, isEnded } from './phase';

function termsOpen(session: Session, now: number): Rejection | null {
  if (isEnded(effectivePhase(session, now))) return reject('session_ended', 'The session has ended.');
  if (session.termsSettledAt !== null) return reject('terms_closed', 'Step 1 (terms) is already settled.');
  return null;
}

/** A proposal is a new version; a side member's proposal counts as its side's acceptance. */
export function proposeTerms(session: Session, by: Role, text: string, now: number): Result {
  const closed = termsOpen(session, now);
  if (closed) return closed;
  const problem = textProblem(text, { min: 1, max: LIMITS.termsLength, multiline: true });
  if (problem) return reject('invalid_input', `text ${problem}.`);
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
export function settleTermsIfAgreed(session: Session, events: DomainEvent[], now: number): Transition {
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
