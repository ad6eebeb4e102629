/** A stored session record built with the engine itself (no hand-written state). */

import type { SessionRecord } from '../../../shared/app/session-record';
import {
  acceptTerms,
  createSession,
  isRejection,
  joinSession,
  type Result,
  type Session,
  type Side,
  submitNumber,
} from '../../../shared/engine';

export const T0 = Date.parse('2026-03-01T10:00:00.000Z');

function ok(result: Result): Session {
  if (isRejection(result)) throw new Error(result.message);
  return result.session;
}

/** Step 2 open at T0 (both joined, numbers first), then the given numbers accepted in order. */
export function sessionWith(
  id: string,
  moves: { side: Side; at: number }[] = [],
  options: { initialRoundSeconds?: number; adjustmentSeconds?: number } = {},
): SessionRecord {
  let session = ok(
    createSession({ id, title: 'Acme v. Widget', currency: 'USD', creatorRole: 'claimant', ...options }, T0),
  );
  session = ok(joinSession(session, 'respondent', T0));
  session = ok(acceptTerms(session, 'claimant', 0, T0));
  session = ok(acceptTerms(session, 'respondent', 0, T0));
  const sealed: Record<string, Uint8Array> = {};
  const latest: SessionRecord['latest'] = { claimant: null, respondent: null };
  for (const move of moves) {
    session = ok(submitNumber(session, move.side, move.at));
    sealed[String(session.seq)] = new Uint8Array(36).fill(session.seq);
    latest[move.side] = { seq: session.seq, at: move.at };
  }
  return {
    session,
    createdBy: 'alice@example.com',
    members: [
      { email: 'alice@example.com', role: 'claimant', joinedAt: T0 },
      { email: 'bob@example.com', role: 'respondent', joinedAt: T0 },
    ],
    invitations: [],
    inviteTimes: [],
    sealed,
    latest,
    rev: 7,
  };
}
