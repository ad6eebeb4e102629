/**
 * How rooms are stored (docs/data-model.md, "Rooms"), in the session's partition: a room's item
 * (counters, the wrapped data key, the joint room's consents), its messages (sealed; the text is
 * never stored in plain), the record of a post's Idempotency-Key, and the audit entry of a
 * consent. Keys: shared/table/keys.ts.
 */
import type { RoomName, Side } from '../engine';
import type { RoomRecord, StoredMessage } from '../ports';
import { auditSk, messageSk, postKeySk, roomSk, sessionPk } from './keys';

type Item = Record<string, unknown>;

/** The attribute holding a side's consent to open the joint room. */
export const consentAttribute = (side: Side) =>
  side === 'claimant' ? 'consentClaimant' : 'consentRespondent';

export const roomKey = (sessionId: string, room: RoomName) => ({
  pk: sessionPk(sessionId),
  sk: roomSk(room),
});
export const postKeyKey = (sessionId: string, room: RoomName, scopeHash: string) => ({
  pk: sessionPk(sessionId),
  sk: postKeySk(room, scopeHash),
});

const binary = (value: unknown): Uint8Array | null => (value instanceof Uint8Array ? value : null);
const consent = (value: unknown) => (value ? (value as { by: string; at: number }) : null);

/** A room's item, or an empty room when it has none yet (no message, no consent). */
export function roomFromItem(item: Item | undefined): RoomRecord {
  return {
    messageCount: (item?.messageCount as number | undefined) ?? 0,
    lastMessageAt: (item?.lastMessageAt as number | undefined) ?? null,
    lastMessageId: (item?.lastMessageId as string | undefined) ?? null,
    wrappedKey: binary(item?.wrappedKey),
    consent: { claimant: consent(item?.consentClaimant), respondent: consent(item?.consentRespondent) },
  };
}

export function messageItem(sessionId: string, room: RoomName, message: StoredMessage): Item {
  return {
    pk: sessionPk(sessionId),
    sk: messageSk(room, message.id),
    type: 'message',
    room,
    id: message.id,
    author: message.author,
    sentAt: message.sentAt,
    sealed: message.sealed,
  };
}

export function messageFromItem(item: Item): StoredMessage {
  return {
    id: item.id as string,
    author: item.author as string,
    sentAt: item.sentAt as number,
    sealed: item.sealed as Uint8Array,
  };
}

/** The record of a post's Idempotency-Key: which message it made, kept 24 h (TTL later). */
export function postKeyItem(
  sessionId: string,
  room: RoomName,
  scopeHash: string,
  record: { messageId: string; keptUntil: number },
): Item {
  return {
    ...postKeyKey(sessionId, room, scopeHash),
    type: 'room-post-key',
    messageId: record.messageId,
    keptUntil: record.keptUntil,
    expiresAt: Math.ceil(record.keptUntil / 1000),
  };
}

/** A side's consent to open the joint room, in the session's history: who, when, which side. */
export function consentAuditItem(
  sessionId: string,
  consent: { side: Side; by: string; at: number; rev: number },
): Item {
  return {
    pk: sessionPk(sessionId),
    // Indexes 900/901: never those of a session commit's own events at the same moment and rev.
    sk: auditSk(consent.at, consent.rev, consent.side === 'claimant' ? 900 : 901),
    type: 'audit',
    event: 'JointRoomConsented',
    side: consent.side,
    actor: consent.by,
    actorRole: consent.side,
    at: consent.at,
  };
}
