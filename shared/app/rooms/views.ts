/**
 * The room views of openapi.yaml: a room as `GET /rooms` lists it, and a message. A message's
 * text appears in a response to its room's members only, and nowhere else (docs/rules.md, "Rooms").
 */
import { isRoomOpen, isSide, type Role, type RoomName, roomsFor } from '../../engine';
import type { RoomRecord, RoomsSnapshot } from '../../ports';
import type { SessionRecord } from '../session-record';
import { isoSeconds } from '../views';
import { consentOf, roomRecord } from './access';

export interface RoomView {
  room: RoomName;
  open: boolean;
  messageCount: number;
  lastMessageAt: string | null;
  /** Joint room, side members only: whether the caller's side agreed to open it. */
  consented?: boolean;
}

export interface MessageView {
  id: string;
  room: RoomName;
  author: { email: string };
  text: string;
  sentAt: string;
}

export function roomView(
  room: RoomName,
  item: RoomRecord,
  role: Role,
  joint: RoomRecord | undefined,
): RoomView {
  const consent = consentOf(joint);
  return {
    room,
    open: isRoomOpen(room, consent),
    messageCount: item.messageCount,
    lastMessageAt: isoSeconds(item.lastMessageAt),
    ...(room === 'joint' && isSide(role) ? { consented: consent[role] } : {}),
  };
}

/** The caller's rooms, in a fixed order (never an order that moves with anyone's writes). */
export function roomViews(record: SessionRecord, role: Role, snapshot: RoomsSnapshot): RoomView[] {
  const joint = snapshot.rooms.get('joint');
  return roomsFor(record.session, role).map((room) =>
    roomView(room, roomRecord(snapshot, room), role, joint),
  );
}

export function messageView(
  room: RoomName,
  message: { id: string; author: string; sentAt: number },
  text: string,
): MessageView {
  return {
    id: message.id,
    room,
    author: { email: message.author },
    text,
    sentAt: isoSeconds(message.sentAt)!,
  };
}
