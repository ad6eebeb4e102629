/**
 * What the rooms use cases need from outside (docs/rules.md, "Rooms"): a sealer for messages
 * under the messages key (never the numbers key), and the room items of the table. Adapters:
 * shared/adapters/*-message-sealer.ts, shared/adapters/dynamodb/room-store.ts.
 */
import type { SessionRecord } from '../app/session-record';
import type { RoomName, Side } from '../engine';

/**
 * What a sealed message is bound to. The room's data key is wrapped under the messages key with
 * the encryption context {sessionId, room}; the message itself is authenticated with its session,
 * room, id and author, so a ciphertext moved to another room, session or message never opens.
 */
export interface MessageContext {
  sessionId: string;
  room: RoomName;
  id: string;
  author: string;
}

export interface SealedMessage {
  sealed: Uint8Array;
  /** The room's data key, wrapped under the messages key: the one given, or a new one. */
  wrappedKey: Uint8Array;
}

/**
 * Envelope encryption of room messages: one data key per room (AES-256-GCM), wrapped under the
 * messages key, unwrapped once and kept in memory for a few minutes, so reading a page of
 * messages costs one unwrap. Plaintexts are padded to 256-byte buckets.
 */
export interface MessageSealer {
  /** Seals under the room's key (`wrappedKey` as stored), or under a new one when the room has none yet. */
  seal(text: string, context: MessageContext, wrappedKey: Uint8Array | null): Promise<SealedMessage>;
  /** Opens a message; throws (DependencyError) when it belongs to another context or was tampered with. */
  open(sealed: Uint8Array, context: MessageContext, wrappedKey: Uint8Array): Promise<string>;
}

/** A room's own item: counters, the wrapped data key, and (joint room) the sides' consents. */
export interface RoomRecord {
  messageCount: number;
  lastMessageAt: number | null;
  lastMessageId: string | null;
  wrappedKey: Uint8Array | null;
  consent: Record<Side, { by: string; at: number } | null>;
}

export interface StoredMessage {
  id: string;
  author: string;
  sentAt: number;
  sealed: Uint8Array;
}

/** The Idempotency-Key of a post: scoped to (user, POST, the room's path, key). */
export interface PostKey {
  room: RoomName;
  user: string;
  key: string;
}

export interface RoomsSnapshot {
  record: SessionRecord | null;
  /** Every room asked for; a room without an item yet has no messages and no consent. */
  rooms: Map<RoomName, RoomRecord>;
  /** The message a post's key already made, while the key is kept. */
  keyed: { messageId: string; keptUntil: number } | null;
}

export interface MessagePage {
  /** Messages after this id (exclusive), oldest first; or … */
  after?: string;
  /** … the newest messages before this id (exclusive), still returned oldest first. */
  before?: string;
  limit: number;
}

export interface NewMessage {
  sessionId: string;
  room: RoomName;
  /** Its id must be newer than the room's newest message when it commits (ids commit in order). */
  message: StoredMessage;
  wrappedKey: Uint8Array;
  /** The data key was made for this message (the room had none): the write fails if another was stored meanwhile. */
  newKey: boolean;
  /** The post's Idempotency-Key, recorded with the message; `now` as the use case read it. */
  key?: PostKey & { keptUntil: number; now: number };
}

export interface NewConsent {
  sessionId: string;
  side: Side;
  by: string;
  at: number;
  /** The session's revision as read (orders the audit entry among the session's own). */
  rev: number;
}

export interface RoomStore {
  /** The session, the rooms' items asked for (and a post key's record) in one consistent read. */
  load(sessionId: string, rooms: readonly RoomName[], key?: PostKey): Promise<RoomsSnapshot>;
  /** One page of a room's messages, oldest first; `more` when the page did not reach the end. */
  messages(
    sessionId: string,
    room: RoomName,
    page: MessagePage,
  ): Promise<{ messages: StoredMessage[]; more: boolean }>;
  message(sessionId: string, room: RoomName, id: string): Promise<StoredMessage | null>;
  /**
   * The message, its room's counters and the post key's record in one transaction, which holds
   * only while the session has not ended and no other message came first: ConflictError otherwise
   * (read again, decide again).
   */
  append(post: NewMessage): Promise<void>;
  /** A side's consent with its audit entry, while the session has not ended (else ConflictError). */
  consent(consent: NewConsent): Promise<void>;
}
