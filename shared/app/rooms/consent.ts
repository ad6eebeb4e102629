/**
 * `POST /sessions/{id}/rooms/joint/consent` (docs/rules.md, "Rooms"): a side agrees to open the
 * joint room, by any of its members; it opens once both sides have. The mediator cannot open it.
 * Consenting again changes nothing. The consent is written with an audit entry, in the joint
 * room's own item: rooms never change the session item (nor its revision).
 */
import { consentingSide, consentToJoint, isRoomRejection, ROOM_NAMES } from '../../engine';
import { retryOnConflict, type SessionCommand } from '../command';
import { consentOf, loadRoomsAsMember, type RoomsDeps, roomRecord, roomRejected } from './access';
import { type RoomView, roomViews } from './views';

export async function consentToJointRoom(
  deps: Pick<RoomsDeps, 'rooms' | 'clock'>,
  command: SessionCommand<unknown>,
): Promise<RoomView[]> {
  const { sessionId, caller } = command;
  return retryOnConflict(async () => {
    const { snapshot, record, role } = await loadRoomsAsMember(deps.rooms, sessionId, caller, ROOM_NAMES);
    const side = consentingSide(role);
    if (isRoomRejection(side)) throw roomRejected(side);
    command.input();
    const now = deps.clock();
    const joint = roomRecord(snapshot, 'joint');
    const result = consentToJoint(record.session, side, consentOf(joint), now);
    if (isRoomRejection(result)) throw roomRejected(result);
    if (!result.changed) return roomViews(record, role, snapshot);
    await deps.rooms.consent({ sessionId, side, by: caller.email, at: now, rev: record.rev });
    const consented = { ...joint, consent: { ...joint.consent, [side]: { by: caller.email, at: now } } };
    return roomViews(record, role, { ...snapshot, rooms: new Map(snapshot.rooms).set('joint', consented) });
  });
}
