/**
 * The local stand-in for the messages key (the local runtime, DEVELOPERS.md): rooms' data keys
 * wrapped with AES-256-GCM under a key file of its own (not the numbers' sealer key), the
 * encryption context {sessionId, room} as additional authenticated data, as KMS binds it.
 *
 * Wrapped layout: iv (12) ‖ ciphertext (32) ‖ tag (16) = 60 bytes.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DependencyError } from './errors';
import { readOrCreateKeyFile } from './key-file';
import { DATA_KEY_BYTES, type DataKeys, type RoomContext } from './message-envelope';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const LOCAL_MESSAGES_KEY_BYTES = 32;
const WRAPPED_BYTES = IV_BYTES + DATA_KEY_BYTES + TAG_BYTES;

const aadOf = (context: RoomContext) =>
  Buffer.from(JSON.stringify({ room: context.room, sessionId: context.sessionId }), 'utf8');

export class LocalDataKeys implements DataKeys {
  readonly dependency = 'local-messages-key';
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.byteLength !== LOCAL_MESSAGES_KEY_BYTES) {
      throw new RangeError(`LocalDataKeys needs a ${LOCAL_MESSAGES_KEY_BYTES}-byte key`);
    }
    this.key = Buffer.from(key);
  }

  /** Reads the key from `path`, creating it (32 random bytes, mode 0600) on first use. */
  static async fromKeyFile(path: string): Promise<LocalDataKeys> {
    return new LocalDataKeys(await readOrCreateKeyFile(path, LOCAL_MESSAGES_KEY_BYTES));
  }

  async generate(context: RoomContext): Promise<{ plaintext: Uint8Array; wrapped: Uint8Array }> {
    const plaintext = randomBytes(DATA_KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aadOf(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      plaintext: new Uint8Array(plaintext),
      wrapped: new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()])),
    };
  }

  async unwrap(wrapped: Uint8Array, context: RoomContext): Promise<Uint8Array> {
    if (wrapped.byteLength !== WRAPPED_BYTES)
      throw new DependencyError(this.dependency, 'unwrap', 'InvalidLength');
    const bytes = Buffer.from(wrapped);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aadOf(context));
      decipher.setAuthTag(bytes.subarray(IV_BYTES + DATA_KEY_BYTES));
      return new Uint8Array(
        Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES, IV_BYTES + DATA_KEY_BYTES)),
          decipher.final(),
        ]),
      );
    } catch {
      throw new DependencyError(this.dependency, 'unwrap', 'AuthenticationFailed');
    }
  }
}
