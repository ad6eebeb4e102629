import { seededRandom } from '../../../../shared/engine/seeded-random';
import {
  acceptTerms,
  type CreateSession,
  createSession,
  type DomainEvent,
  evaluateNext,
  isRejection,
  joinSession,
  nextEvaluation,
  type RejectionCode,
  type Result,
  type Session,
  submitNumber,
  type Transition,
} from '../../../../shared/engine/session';
import type { RandomSource, Side } from '../../../../shared/engine/types';

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Step 1 settles at T0 in most examples: step 2 runs [T0, T0 + 48 h), step 3 then 28 days. */
export const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);
export const DEADLINE = T0 + 48 * HOUR;
export const ENDS_AT = DEADLINE + 28 * DAY;

/** A random source for examples that must not draw (exact matches, no overlap). */
export const noDraw: RandomSource = () => {
  throw new Error('no draw expected');
};

export function accepted(result: Result): Transition {
  if (isRejection(result)) {
    throw new Error(`unexpected rejection ${result.rejected}: ${result.message}`);
  }
  return result;
}

export function rejectionOf(result: Result): RejectionCode | null {
  return isRejection(result) ? result.rejected : null;
}

export function newSession(overrides: Partial<CreateSession> = {}, now = T0): Session {
  const command: CreateSession = {
    id: 'sess-1',
    title: 'Acme v. Widget',
    currency: 'USD',
    creatorRole: 'claimant',
    ...overrides,
  };
  return accepted(createSession(command, now)).session;
}

/** Both sides joined and both accepted version 0 ("numbers first") at `now`: step 1 settled. */
export function settledSession(overrides: Partial<CreateSession> = {}, now = T0): Session {
  let session = newSession(overrides, now);
  session = accepted(joinSession(session, 'respondent', now)).session;
  session = accepted(acceptTerms(session, 'claimant', 0, now)).session;
  return accepted(acceptTerms(session, 'respondent', 0, now)).session;
}

/**
 * Drives a session as the adapter does: every accepted number is "sealed" in a map under its seq,
 * and `evaluate` opens the two seqs that `nextEvaluation` names.
 */
export class Negotiation {
  session: Session;
  readonly sealed = new Map<number, bigint>();
  readonly random: RandomSource;

  constructor(session: Session, random: RandomSource = seededRandom(7)) {
    this.session = session;
    this.random = random;
  }

  submit(side: Side, amount: bigint, now: number): DomainEvent[] {
    const { session, events } = accepted(submitNumber(this.session, side, now));
    this.session = session;
    this.sealed.set(session.seq, amount);
    return events;
  }

  evaluate(now: number): DomainEvent[] {
    const next = nextEvaluation(this.session);
    if (!next) {
      throw new Error('nothing to evaluate');
    }
    const pair = {
      seq: next.move.seq,
      moverAmount: this.sealed.get(next.move.seq)!,
      otherAmount: next.otherSeq === null ? null : this.sealed.get(next.otherSeq)!,
    };
    const { session, events } = accepted(evaluateNext(this.session, pair, this.random, now));
    this.session = session;
    return events;
  }
}
