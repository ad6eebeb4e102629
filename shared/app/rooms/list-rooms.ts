/** `GET /sessions/{id}/rooms`: the caller's rooms with their counters (docs/rules.md, "Rooms"). */
import { ROOM_NAMES } from '../../engine';
import type { Caller } from '../command';
import { loadRoomsAsMember, type RoomsDeps } from './access';
import { type RoomView, roomViews } from './views';

/** One read: the session and every room's item. No message is read or opened. */
export async function listRooms(
  deps: Pick<RoomsDeps, 'rooms'>,
  caller: Caller,
  sessionId: string,
): Promise<RoomView[]> {
  const { snapshot, record, role } = await loadRoomsAsMember(deps.rooms, sessionId, caller, ROOM_NAMES);
  return roomViews(record, role, snapshot);
}
