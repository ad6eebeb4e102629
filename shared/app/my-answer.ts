/**
 * The caller's side's answer to the latest proposal, for its view (docs/rules.md, "Double-blind
 * proposals": a side's answer is seen by that side alone). Opening it is a decryption under the
 * answer's own context, which the api role may do and nothing more (lib/function-settings.ts).
 * Whether a view opens an answer depends only on the caller's own side, never on the other's.
 */
import { effectiveProposals, isSide, type Role } from '../engine';
import type { AnswerOpener } from '../ports';
import type { SessionRecord } from './session-record';
import { type DisplayNames, type SessionView, sessionView } from './views';

export async function myAnswer(
  opener: AnswerOpener,
  record: SessionRecord,
  role: Role,
  now: number,
): Promise<boolean | null> {
  if (!isSide(role)) return null;
  const current = effectiveProposals(record.session, now).current;
  if (!current) return null;
  // Both sides said yes: that is the deal, public to everyone in the session.
  if (current.state === 'accepted') return true;
  const { answers } = record;
  const sealed = answers?.proposal === current.number ? answers.sealed[role] : undefined;
  if (!sealed) return null;
  return opener.openAnswer(sealed, { sessionId: record.session.id, side: role, proposal: current.number });
}

/** The session view with the caller's own answer opened. */
export async function viewWithAnswer(
  opener: AnswerOpener,
  record: SessionRecord,
  role: Role,
  now: number,
  names?: DisplayNames,
): Promise<SessionView> {
  return sessionView(record, role, now, await myAnswer(opener, record, role, now), names);
}
