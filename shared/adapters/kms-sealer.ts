/**
 * Seals amounts with a KMS symmetric key (docs/deploy.md): `Encrypt` with the encryption context
 * {sessionId, side, seq}, `Decrypt` with the same context and key id, so a ciphertext moved to
 * another session, side or seq fails to open. The plaintext is always 8 bytes, so KMS ciphertexts
 * under one key all have the same length.
 *
 * A side's answer to a proposal is sealed under the same key with the context
 * {sessionId, side, proposal, kind: answer} (8 bytes too): the key policy lets the api role decrypt
 * under `kind = answer` only, and a number's context has no `kind`.
 */
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { AnswerContext, AnswerOpener, AnswerSealer, SealContext, Sealer } from '../ports';
import { DependencyError, dependencyFailure } from './errors';
import {
  answerEncryptionContext,
  decodeAmount,
  decodeAnswer,
  encodeAmount,
  encodeAnswer,
  encryptionContext,
} from './sealed-plaintext';

export interface KmsSealerOptions {
  client: KMSClient;
  /** Key id, key ARN or alias of the symmetric key. */
  keyId: string;
}

export class KmsSealer implements Sealer, AnswerSealer, AnswerOpener {
  private readonly client: KMSClient;
  private readonly keyId: string;

  constructor(options: KmsSealerOptions) {
    this.client = options.client;
    this.keyId = options.keyId;
  }

  /** Throws RangeError on an invalid amount or context (a caller's bug), DependencyError on KMS failures. */
  async sealNumber(amount: bigint, context: SealContext): Promise<Uint8Array> {
    return this.encrypt(encodeAmount(amount), encryptionContext(context));
  }

  async sealAnswer(accept: boolean, context: AnswerContext): Promise<Uint8Array> {
    return this.encrypt(encodeAnswer(accept), answerEncryptionContext(context));
  }

  /** Throws DependencyError when KMS fails or refuses (wrong context, tampered ciphertext). */
  async openNumber(sealed: Uint8Array, context: SealContext): Promise<bigint> {
    return this.decrypt(sealed, encryptionContext(context), decodeAmount);
  }

  async openAnswer(sealed: Uint8Array, context: AnswerContext): Promise<boolean> {
    return this.decrypt(sealed, answerEncryptionContext(context), decodeAnswer);
  }

  private async encrypt(plaintext: Uint8Array, context: Record<string, string>): Promise<Uint8Array> {
    let ciphertext: Uint8Array | undefined;
    try {
      const output = await this.client.send(
        new EncryptCommand({ KeyId: this.keyId, Plaintext: plaintext, EncryptionContext: context }),
      );
      ciphertext = output.CiphertextBlob;
    } catch (error) {
      throw dependencyFailure('kms', 'Encrypt', error);
    } finally {
      plaintext.fill(0);
    }
    if (ciphertext === undefined) throw new DependencyError('kms', 'Encrypt', 'MissingCiphertext');
    return ciphertext;
  }

  private async decrypt<T>(
    sealed: Uint8Array,
    context: Record<string, string>,
    decode: (plaintext: Uint8Array) => T,
  ): Promise<T> {
    let plaintext: Uint8Array | undefined;
    try {
      const output = await this.client.send(
        new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: sealed, EncryptionContext: context }),
      );
      plaintext = output.Plaintext;
    } catch (error) {
      throw dependencyFailure('kms', 'Decrypt', error);
    }
    if (plaintext === undefined) throw new DependencyError('kms', 'Decrypt', 'MissingPlaintext');
    try {
      return decode(plaintext);
    } catch {
      throw new DependencyError('kms', 'Decrypt', 'InvalidPlaintext');
    } finally {
      plaintext.fill(0);
    }
  }
}
