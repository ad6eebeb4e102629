/**
 * `GET /sessions/{id}/rooms/{room}/messages`: a page of a room's messages, oldest first, opened
 * for one of the room's members (docs/rules.md, "Rooms"). One Query and, thanks to the sealer's
 * cache, at most one unwrap of the room's data key per page.
 */
import { findRoom, isRoomName, isRoomRejection } from '../../engine';
import type { MessagePage } from '../../ports';
import { loadRoomsAsMember, type RoomCommand, type RoomsDeps, roomRecord, roomRejected } from './access';
import { type MessageView, messageView } from './views';

export interface MessagesPage {
  messages: MessageView[];
  /**
   * Paging forward (`after`): the id to pass as `after` for the messages after this page, or null
   * when it reached the newest. Paging back (`before`): the id to pass as `before` for the older
   * messages, or null when it reached the oldest.
   */
  next: string | null;
}

export async function readMessages(
  deps: RoomsDeps,
  command: RoomCommand<MessagePage>,
): Promise<MessagesPage> {
  const { sessionId } = command;
  const names = isRoomName(command.room) ? [command.room] : [];
  const { snapshot, record, role } = await loadRoomsAsMember(deps.rooms, sessionId, command.caller, names);
  const room = findRoom(record.session, role, command.room);
  if (isRoomRejection(room)) throw roomRejected(room);
  const page = command.input();
  const { wrappedKey, messageCount } = roomRecord(snapshot, room);
  // A room's counter and key are written with its messages: none yet, nothing to read.
  if (messageCount === 0 || wrappedKey === null) return { messages: [], next: null };
  const found = await deps.rooms.messages(sessionId, room, page);
  const messages = await Promise.all(
    found.messages.map(async (m) =>
      messageView(
        room,
        m,
        await deps.sealer.open(m.sealed, { sessionId, room, id: m.id, author: m.author }, wrappedKey),
      ),
    ),
  );
  const edge = page.before !== undefined ? messages[0] : messages.at(-1);
  return { messages, next: found.more && edge ? edge.id : null };
}
