/**
 * The rooms of a session (docs/rules.md, "Rooms"): who sees, reads and writes each room, the
 * joint room's consent, and the end of a session (read-only), as pure functions with typed
 * rejections. No message text ever reaches the engine: it decides from the session, the
 * caller's role, the joint room's consents and `now`.
 */
import type { Session } from './session/model';
import { effectivePhase, isEnded } from './session/phase';
import type { Role, Side } from './types';

/**
 * A side's private room (`claimant`, `respondent`), a caucus between the mediator and one side
 * (`caucus-claimant`, `caucus-respondent`), and the joint room of everyone.
 */
export type RoomName = 'claimant' | 'respondent' | 'caucus-claimant' | 'caucus-respondent' | 'joint';

export const ROOM_NAMES: readonly RoomName[] = [
  'claimant',
  'respondent',
  'caucus-claimant',
  'caucus-respondent',
  'joint',
];

/** A message: 1–10,000 code points, multi-line (shared/engine/text.ts). */
export const MESSAGE_LENGTH = 10_000;

export const isRoomName = (value: string): value is RoomName =>
  (ROOM_NAMES as readonly string[]).includes(value);

/** Which sides have consented to open the joint room (any member of a side consents for it). */
export type JointConsent = Record<Side, boolean>;

export type RoomRejectionCode = 'room_not_found' | 'forbidden' | 'room_closed' | 'session_ended';

export interface RoomRejection {
  rejected: RoomRejectionCode;
  message: string;
}

const rejectRoom = (rejected: RoomRejectionCode, message: string): RoomRejection => ({ rejected, message });

export const isRoomRejection = (value: unknown): value is RoomRejection =>
  typeof value === 'object' && value !== null && 'rejected' in value;

const caucusOf = (side: Side): RoomName => (side === 'claimant' ? 'caucus-claimant' : 'caucus-respondent');

/**
 * The rooms a joined member may see, in a fixed order. A side member: its side's room, its
 * caucus with the mediator (while the session has a joined mediator) and the joint room. The
 * mediator: both caucuses and the joint room; never a side's own room.
 */
export function roomsFor(session: Session, role: Role): RoomName[] {
  if (role === 'mediator') return ['caucus-claimant', 'caucus-respondent', 'joint'];
  return [role, ...(session.joined.mediator ? [caucusOf(role)] : []), 'joint'];
}

/** The joint room is open once each side has consented; every other room is always open. */
export function isRoomOpen(room: RoomName, consent: JointConsent): boolean {
  return room !== 'joint' || (consent.claimant && consent.respondent);
}

/**
 * The room a caller names, if the caller may see it. A room it may not see and a room that
 * does not exist answer the same: nobody learns which rooms exist for others.
 */
export function findRoom(session: Session, role: Role, name: string): RoomName | RoomRejection {
  const room = ROOM_NAMES.find((r) => r === name);
  if (!room || !roomsFor(session, role).includes(room)) return rejectRoom('room_not_found', 'No such room.');
  return room;
}

/**
 * Whether a message may be posted now: never after the session ended (rooms stay readable), and
 * not in the joint room before both sides consented.
 */
export function checkPost(
  session: Session,
  room: RoomName,
  consent: JointConsent,
  now: number,
): RoomRejection | null {
  if (isEnded(effectivePhase(session, now))) return rejectRoom('session_ended', 'The session has ended.');
  if (!isRoomOpen(room, consent)) {
    return rejectRoom('room_closed', 'The joint room opens once both sides have agreed to open it.');
  }
  return null;
}

/** The side a caller consents for: any side member; the mediator cannot open the joint room. */
export function consentingSide(role: Role): Side | RoomRejection {
  if (role === 'mediator') return rejectRoom('forbidden', 'Only a side may agree to open the joint room.');
  return role;
}

/**
 * A side's consent to open the joint room: the consents after it (unchanged when the side had
 * already consented: consenting twice is harmless), or `session_ended` after an end.
 */
export function consentToJoint(
  session: Session,
  side: Side,
  consent: JointConsent,
  now: number,
): { consent: JointConsent; changed: boolean } | RoomRejection {
  if (isEnded(effectivePhase(session, now))) return rejectRoom('session_ended', 'The session has ended.');
  if (consent[side]) return { consent, changed: false };
  return { consent: { ...consent, [side]: true }, changed: true };
}
