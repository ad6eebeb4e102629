/**
 * `POST /sessions/{id}/rooms/{room}/messages` (docs/rules.md, "Rooms"): seal a message under its
 * room's data key and commit it with the room's counters in one transaction, retried from a fresh
 * read on conflict (another message first, the session changed). An `Idempotency-Key` is recorded
 * in that same transaction with the message it made: a retry with the same text answers that
 * message, another text is 422. The text itself is never stored or compared in plain anywhere
 * but this request.
 */
import { checkPost, findRoom, isRoomName, isRoomRejection, type RoomName } from '../../engine';
import type { MessageContext, PostKey, RoomRecord } from '../../ports';
import { type Caller, retryOnConflict } from '../command';
import { invalidInput, Rejected } from '../rejections';
import {
  consentOf,
  loadRoomsAsMember,
  type RoomCommand,
  type RoomsDeps,
  roomRecord,
  roomRejected,
} from './access';
import { nextMessageId, sentAtOf } from './message-ids';
import { type MessageView, messageView } from './views';

/** How long a post's Idempotency-Key answers with its message (openapi.yaml: 24 h). */
export const POST_KEY_MS = 24 * 3600 * 1000;

export interface PostMessage extends RoomCommand<{ text: string }> {
  /** The request's Idempotency-Key header, as sent (checked with the body: 1–255 characters). */
  idempotencyKey?: string | undefined;
}

const validKey = (key: string | undefined): key is string =>
  key !== undefined && key.length >= 1 && key.length <= 255;

const reused = () =>
  new Rejected('idempotency_key_reused', 'This Idempotency-Key was used with another body.');

export async function postMessage(deps: RoomsDeps, command: PostMessage): Promise<MessageView> {
  const { sessionId, caller } = command;
  const key = command.idempotencyKey;
  return retryOnConflict(async () => {
    const names = isRoomName(command.room) ? [command.room] : [];
    const postKey: PostKey | undefined =
      names[0] && validKey(key) ? { room: names[0], user: caller.email, key } : undefined;
    const { snapshot, record, role } = await loadRoomsAsMember(deps.rooms, sessionId, caller, names, postKey);
    const room = findRoom(record.session, role, command.room);
    if (isRoomRejection(room)) throw roomRejected(room);
    const now = deps.clock();
    const info = roomRecord(snapshot, room);
    const kept = postKey && snapshot.keyed && snapshot.keyed.keptUntil > now ? snapshot.keyed : null;
    if (kept) return replay(deps, { sessionId, room, caller, info }, kept.messageId, command);
    const { text } = command.input();
    if (key !== undefined && !postKey) throw invalidInput('Idempotency-Key must be 1 to 255 characters.');
    const closed = checkPost(record.session, room, consentOf(info), now);
    if (closed) throw roomRejected(closed);
    const id = nextMessageId(now, info.lastMessageId);
    const sentAt = sentAtOf(id);
    const context: MessageContext = { sessionId, room, id, author: caller.email };
    const { sealed, wrappedKey } = await deps.sealer.seal(text, context, info.wrappedKey);
    await deps.rooms.append({
      sessionId,
      room,
      message: { id, author: caller.email, sentAt, sealed },
      wrappedKey,
      newKey: info.wrappedKey === null,
      ...(postKey ? { key: { ...postKey, keptUntil: now + POST_KEY_MS, now } } : {}),
    });
    return messageView(room, { id, author: caller.email, sentAt }, text);
  });
}

/** The message this key made before, if the body is the same (the same text); else 422. */
async function replay(
  deps: RoomsDeps,
  at: { sessionId: string; room: RoomName; caller: Caller; info: RoomRecord },
  messageId: string,
  command: PostMessage,
): Promise<MessageView> {
  let text: string;
  try {
    ({ text } = command.input());
  } catch {
    throw reused();
  }
  const { sessionId, room, caller, info } = at;
  const message = await deps.rooms.message(sessionId, room, messageId);
  if (!message || !info.wrappedKey || message.author !== caller.email) throw reused();
  const first = await deps.sealer.open(
    message.sealed,
    { sessionId, room, id: message.id, author: message.author },
    info.wrappedKey,
  );
  if (first !== text) throw reused();
  return messageView(room, message, first);
}
