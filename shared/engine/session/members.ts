/** Members and invitations (docs/rules.md, "People and roles"). */
import type { Role } from '../types';
import { type DomainEvent, type Result, reject, type Session } from './model';
import { effectivePhase, isEnded } from './phase';
import { settleTermsIfAgreed } from './terms';

/**
 * Who may invite to a role. While a role is empty, anyone holding a role in the session may invite
 * to it; once a side has a joined member only that side's members may; a filled mediator seat
 * takes no invitation (the caller gets `role_filled`, decided by the use case that knows the seat).
 */
export function mayInvite(session: Session, callerRole: Role, target: Role): boolean {
  if (target === 'mediator') return !session.joined.mediator;
  return !session.joined[target] || callerRole === target;
}

/** A user joins a role (accepting an invitation). Step 1 may settle by this write. */
export function joinSession(session: Session, role: Role, now: number): Result {
  if (isEnded(effectivePhase(session, now))) return reject('session_ended', 'The session has ended.');
  const events: DomainEvent[] = [];
  const firstOfRole = !session.joined[role];
  const next: Session = { ...session, joined: { ...session.joined, [role]: true } };
  if (firstOfRole) events.push({ type: 'MemberJoined', role });
  return settleTermsIfAgreed(next, events, now);
}
