/**
 * Envelope encryption of room messages (docs/data-model.md, "Sealed messages"), the same on AWS
 * and locally; only the wrapping of the data keys differs (KMS under the messages key, or a local
 * key file):
 *
 * - one data key per room (AES-256), made on the room's first message and stored wrapped in the
 *   room's item, its wrapping bound to the encryption context {sessionId, room};
 * - each message: AES-256-GCM under the room's key, a random 12-byte IV, and as additional
 *   authenticated data the message's session, room, id and author (canonical JSON), so a
 *   ciphertext copied to another message, room or session does not open;
 * - the plaintext is the text's UTF-8 length (4 bytes) and bytes, zero-padded to a multiple of
 *   256 bytes: a ciphertext tells a message's length only to its 256-byte bucket;
 * - unwrapped keys are kept in memory for five minutes (the promise of the unwrap, so a page of
 *   50 messages opened at once costs one KMS call).
 *
 * Sealed layout: version (1) ‖ iv (12) ‖ ciphertext (n × 256) ‖ tag (16).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isRoomName } from '../engine/rooms';
import type { MessageContext, MessageSealer, SealedMessage } from '../ports';
import { DependencyError } from './errors';

export const PAD_BUCKET_BYTES = 256;
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const LENGTH_BYTES = 4;
export const DATA_KEY_BYTES = 32;
const CACHE_MS = 5 * 60_000;
const CACHE_ENTRIES = 1_000;

/** The KMS encryption context of a room's data key. */
export interface RoomContext {
  sessionId: string;
  room: string;
}

/** Makes and unwraps rooms' data keys: KMS under the messages key, or a local key file. */
export interface DataKeys {
  /** The dependency named in errors and log lines ('kms', 'local-messages-key'). */
  readonly dependency: string;
  generate(context: RoomContext): Promise<{ plaintext: Uint8Array; wrapped: Uint8Array }>;
  unwrap(wrapped: Uint8Array, context: RoomContext): Promise<Uint8Array>;
}

/** The context checked: a non-empty session id and a room of the engine's list. */
export function roomContext(context: { sessionId: string; room: string }): RoomContext {
  if (typeof context.sessionId !== 'string' || context.sessionId === '') {
    throw new RangeError('room context: empty session id');
  }
  if (!isRoomName(context.room)) throw new RangeError('room context: unknown room');
  return { sessionId: context.sessionId, room: context.room };
}

/** The additional authenticated data of a message: canonical JSON, keys sorted. */
function messageAad(context: MessageContext): Buffer {
  const { sessionId, room } = roomContext(context);
  if (typeof context.id !== 'string' || context.id === '') throw new RangeError('message context: empty id');
  if (typeof context.author !== 'string' || context.author === '') {
    throw new RangeError('message context: empty author');
  }
  return Buffer.from(JSON.stringify({ author: context.author, id: context.id, room, sessionId }), 'utf8');
}

/** The text's length and bytes, zero-padded to the next multiple of 256 bytes. */
export function padText(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const size = Math.ceil((LENGTH_BYTES + bytes.length) / PAD_BUCKET_BYTES) * PAD_BUCKET_BYTES;
  const padded = Buffer.alloc(size);
  padded.writeUInt32BE(bytes.length, 0);
  bytes.copy(padded, LENGTH_BYTES);
  return padded;
}

/** The text of a padded plaintext; throws RangeError when the layout is wrong. */
export function unpadText(padded: Buffer): string {
  if (padded.length < PAD_BUCKET_BYTES || padded.length % PAD_BUCKET_BYTES !== 0) {
    throw new RangeError('padded message has the wrong size');
  }
  const length = padded.readUInt32BE(0);
  if (length > padded.length - LENGTH_BYTES) throw new RangeError('padded message length is out of range');
  if (padded.subarray(LENGTH_BYTES + length).some((b) => b !== 0)) {
    throw new RangeError('padded message has bytes after its text');
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(
    padded.subarray(LENGTH_BYTES, LENGTH_BYTES + length),
  );
}

/** The sealed bytes' base64 with its context: the cache key of an unwrapped data key. */
const cacheId = (wrapped: Uint8Array, context: RoomContext) =>
  `${context.sessionId}\n${context.room}\n${Buffer.from(wrapped).toString('base64')}`;

export class EnvelopeSealer implements MessageSealer {
  private readonly cache = new Map<string, { key: Promise<Uint8Array>; until: number }>();

  constructor(
    private readonly keys: DataKeys,
    /** Real time for the cache (not the business clock). */
    private readonly now: () => number = Date.now,
  ) {}

  async seal(text: string, context: MessageContext, wrappedKey: Uint8Array | null): Promise<SealedMessage> {
    const aad = messageAad(context);
    const room = roomContext(context);
    let key: Uint8Array;
    let wrapped: Uint8Array;
    if (wrappedKey) {
      key = await this.dataKey(wrappedKey, room);
      wrapped = wrappedKey;
    } else {
      const made = await this.keys.generate(room);
      key = made.plaintext;
      wrapped = made.wrapped;
      this.remember(cacheId(wrapped, room), Promise.resolve(key));
    }
    const plaintext = padText(text);
    const iv = randomBytes(IV_BYTES);
    try {
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const sealed = Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]);
      return { sealed: new Uint8Array(sealed), wrappedKey: wrapped };
    } catch {
      throw new DependencyError('message-sealer', 'seal', 'EncryptFailed');
    } finally {
      plaintext.fill(0);
    }
  }

  async open(sealed: Uint8Array, context: MessageContext, wrappedKey: Uint8Array): Promise<string> {
    const aad = messageAad(context);
    const key = await this.dataKey(wrappedKey, roomContext(context));
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const bodyBytes = bytes.length - 1 - IV_BYTES - TAG_BYTES;
    if (bytes[0] !== VERSION || bodyBytes < PAD_BUCKET_BYTES || bodyBytes % PAD_BUCKET_BYTES !== 0) {
      throw new DependencyError('message-sealer', 'open', 'InvalidLength');
    }
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aad);
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      plaintext = Buffer.concat([
        decipher.update(bytes.subarray(1 + IV_BYTES, -TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new DependencyError('message-sealer', 'open', 'AuthenticationFailed');
    }
    try {
      return unpadText(plaintext);
    } catch {
      throw new DependencyError('message-sealer', 'open', 'InvalidPlaintext');
    } finally {
      plaintext.fill(0);
    }
  }

  /** The room's data key: from the cache, or unwrapped once (a failure is not cached). */
  private dataKey(wrapped: Uint8Array, context: RoomContext): Promise<Uint8Array> {
    const id = cacheId(wrapped, context);
    const cached = this.cache.get(id);
    if (cached && cached.until > this.now()) return cached.key;
    const key = this.keys.unwrap(wrapped, context).then((plaintext) => {
      if (plaintext.byteLength !== DATA_KEY_BYTES) {
        throw new DependencyError(this.keys.dependency, 'unwrap', 'InvalidDataKey');
      }
      return plaintext;
    });
    this.remember(id, key);
    key.catch(() => {
      if (this.cache.get(id)?.key === key) this.cache.delete(id);
    });
    return key;
  }

  private remember(id: string, key: Promise<Uint8Array>): void {
    this.cache.delete(id);
    this.cache.set(id, { key, until: this.now() + CACHE_MS });
    // The oldest entries go first (a Map keeps insertion order).
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= CACHE_ENTRIES) break;
      this.cache.delete(oldest);
    }
  }
}
