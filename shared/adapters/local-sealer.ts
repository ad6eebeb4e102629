/**
 * The local stand-in for KMS (the local runtime, DEVELOPERS.md): AES-256-GCM with a random 12-byte IV and the encryption
 * context (canonical JSON of {sessionId, side, seq}) as additional authenticated data, so a
 * ciphertext moved to another session, side or seq fails to open, as with KMS.
 *
 * Sealed layout: iv (12) ‖ ciphertext (8) ‖ tag (16) = 36 bytes, whatever the amount.
 *
 * A side's answer to a proposal is sealed the same way (8 bytes, 36 sealed) with its own context
 * {sessionId, side, proposal, kind: answer} as AAD, so an answer never opens as a number nor the
 * other way round. Locally nothing enforces who may open what: the KMS key policy does on AWS.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { AnswerContext, AnswerOpener, AnswerSealer, SealContext, Sealer } from '../ports';
import { DependencyError } from './errors';
import { readOrCreateKeyFile } from './key-file';
import {
  canonicalAnswerContext,
  canonicalContext,
  decodeAmount,
  decodeAnswer,
  encodeAmount,
  encodeAnswer,
  SEALED_PLAINTEXT_BYTES,
} from './sealed-plaintext';

const ALGORITHM = 'aes-256-gcm';
export const LOCAL_SEALER_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const LOCAL_SEALED_BYTES = IV_BYTES + SEALED_PLAINTEXT_BYTES + TAG_BYTES;

export class LocalSealer implements Sealer, AnswerSealer, AnswerOpener {
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
    return this.seal(encodeAmount(amount), canonicalContext(context));
  }

  async sealAnswer(accept: boolean, context: AnswerContext): Promise<Uint8Array> {
    return this.seal(encodeAnswer(accept), canonicalAnswerContext(context));
  }

  /** Throws DependencyError when the sealed bytes were tampered with or belong to another context. */
  async openNumber(sealed: Uint8Array, context: SealContext): Promise<bigint> {
    const plaintext = this.open(sealed, canonicalContext(context));
    try {
      return decodeAmount(plaintext);
    } catch {
      throw new DependencyError('local-sealer', 'open', 'InvalidPlaintext');
    } finally {
      plaintext.fill(0);
    }
  }

  /** Throws DependencyError when the sealed bytes were tampered with or belong to another context. */
  async openAnswer(sealed: Uint8Array, context: AnswerContext): Promise<boolean> {
    const plaintext = this.open(sealed, canonicalAnswerContext(context));
    try {
      return decodeAnswer(plaintext);
    } catch {
      throw new DependencyError('local-sealer', 'open', 'InvalidPlaintext');
    } finally {
      plaintext.fill(0);
    }
  }

  private seal(plaintext: Uint8Array, context: string): Uint8Array {
    const aad = Buffer.from(context, 'utf8');
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

  private open(sealed: Uint8Array, context: string): Buffer {
    const aad = Buffer.from(context, 'utf8');
    if (sealed.byteLength !== LOCAL_SEALED_BYTES) {
      throw new DependencyError('local-sealer', 'open', 'InvalidLength');
    }
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const iv = bytes.subarray(0, IV_BYTES);
    const ciphertext = bytes.subarray(IV_BYTES, IV_BYTES + SEALED_PLAINTEXT_BYTES);
    const tag = bytes.subarray(IV_BYTES + SEALED_PLAINTEXT_BYTES);
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new DependencyError('local-sealer', 'open', 'AuthenticationFailed');
    }
  }
}
