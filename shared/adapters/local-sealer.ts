/**
 * The local stand-in for KMS (the local runtime, DEVELOPERS.md): AES-256-GCM with a random 12-byte IV and the encryption
 * context (canonical JSON of {sessionId, side, seq}) as additional authenticated data, so a
 * ciphertext moved to another session, side or seq fails to open, as with KMS.
 *
 * Sealed layout: iv (12) ‖ ciphertext (8) ‖ tag (16) = 36 bytes, whatever the amount.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealContext, Sealer } from '../ports';
import { DependencyError } from './errors';
import { readOrCreateKeyFile } from './key-file';
import { canonicalContext, decodeAmount, encodeAmount, SEALED_PLAINTEXT_BYTES } from './sealed-plaintext';

const ALGORITHM = 'aes-256-gcm';
export const LOCAL_SEALER_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const LOCAL_SEALED_BYTES = IV_BYTES + SEALED_PLAINTEXT_BYTES + TAG_BYTES;

export class LocalSealer implements Sealer {
  private readonly key: Buffer;

  /** `key`: 32 bytes. */
  constructor(key: Uint8Array) {
    if (key.byteLength !== LOCAL_SEALER_KEY_BYTES) {
      throw new RangeError(`LocalSealer needs a ${LOCAL_SEALER_KEY_BYTES}-byte key`);
    }
    this.key = Buffer.from(key);
  }

  /** Reads the key from `path`, creating it (32 random bytes, mode 0600, folder included) on first use. */
  static async fromKeyFile(path: string): Promise<LocalSealer> {
    return new LocalSealer(await readOrCreateKeyFile(path, LOCAL_SEALER_KEY_BYTES));
  }

  async sealNumber(amount: bigint, context: SealContext): Promise<Uint8Array> {
    const plaintext = encodeAmount(amount);
    const aad = Buffer.from(canonicalContext(context), 'utf8');
    const iv = randomBytes(IV_BYTES);
    try {
      const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return new Uint8Array(Buffer.concat([iv, ciphertext, cipher.getAuthTag()]));
    } catch {
      throw new DependencyError('local-sealer', 'seal', 'EncryptFailed');
    } finally {
      plaintext.fill(0);
    }
  }

  /** Throws DependencyError when the sealed bytes were tampered with or belong to another context. */
  async openNumber(sealed: Uint8Array, context: SealContext): Promise<bigint> {
    const aad = Buffer.from(canonicalContext(context), 'utf8');
    if (sealed.byteLength !== LOCAL_SEALED_BYTES) {
      throw new DependencyError('local-sealer', 'open', 'InvalidLength');
    }
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const iv = bytes.subarray(0, IV_BYTES);
    const ciphertext = bytes.subarray(IV_BYTES, IV_BYTES + SEALED_PLAINTEXT_BYTES);
    const tag = bytes.subarray(IV_BYTES + SEALED_PLAINTEXT_BYTES);
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new DependencyError('local-sealer', 'open', 'AuthenticationFailed');
    }
    try {
      return decodeAmount(plaintext);
    } catch {
      throw new DependencyError('local-sealer', 'open', 'InvalidPlaintext');
    } finally {
      plaintext.fill(0);
    }
  }
}
