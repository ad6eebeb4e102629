/**
 * What every room use case starts with (docs/rules.md, "Rooms"): the session and the rooms'
 * items in one read, the caller's membership (404 for outsiders, as everywhere), and the engine's
 * room rejections as the use case's.
 */
import type { JointConsent, Role, RoomName, RoomRejection } from '../../engine';
import type { Clock, MessageSealer, PostKey, RoomRecord, RoomStore, RoomsSnapshot } from '../../ports';
import { type Caller, isSessionId } from '../command';
import { Rejected, sessionNotFound } from '../rejections';
import { roleOf, type SessionRecord } from '../session-record';

export interface RoomsDeps {
  rooms: RoomStore;
  sealer: MessageSealer;
  clock: Clock;
}

/**
 * A command on one room. `input` validates the body or query when called: only after the caller
 * is known to see the room (openapi.yaml: 404 session → 404 room → 403 → 400 → 409).
 */
export interface RoomCommand<I> {
  caller: Caller;
  sessionId: string;
  room: string;
  input: () => I;
}

export interface LoadedRooms {
  snapshot: RoomsSnapshot;
  record: SessionRecord;
  role: Role;
}

/** The session with the rooms asked for, if the caller is a joined member; else 404. */
export async function loadRoomsAsMember(
  store: RoomStore,
  sessionId: string,
  caller: Caller,
  rooms: readonly RoomName[],
  key?: PostKey,
): Promise<LoadedRooms> {
  if (!isSessionId(sessionId)) throw sessionNotFound();
  const snapshot = await store.load(sessionId, rooms, key);
  const { record } = snapshot;
  const role = record ? roleOf(record, caller.email) : null;
  if (!record || !role) throw sessionNotFound();
  return { snapshot, record, role };
}

/** The engine's room rejection as the use case's. */
export function roomRejected(rejection: RoomRejection): Rejected {
  return new Rejected(rejection.rejected, rejection.message);
}

/** Which sides consented to open the joint room, from its item. */
export function consentOf(joint: RoomRecord | undefined): JointConsent {
  return { claimant: Boolean(joint?.consent.claimant), respondent: Boolean(joint?.consent.respondent) };
}

/** A room's item as loaded (every use case loads the rooms it names). */
export function roomRecord(snapshot: RoomsSnapshot, room: RoomName): RoomRecord {
  const found = snapshot.rooms.get(room);
  if (!found) throw new Error(`room ${room} was not loaded`);
  return found;
}
