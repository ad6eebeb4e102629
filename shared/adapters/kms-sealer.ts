/**
 * Seals amounts with a KMS symmetric key (docs/deploy.md): `Encrypt` with the encryption context
 * {sessionId, side, seq}, `Decrypt` with the same context and key id, so a ciphertext moved to
 * another session, side or seq fails to open. The plaintext is always 8 bytes, so KMS ciphertexts
 * under one key all have the same length.
 */
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SealContext, Sealer } from '../ports';
import { DependencyError, dependencyFailure } from './errors';
import { decodeAmount, encodeAmount, encryptionContext } from './sealed-plaintext';

export interface KmsSealerOptions {
  client: KMSClient;
  /** Key id, key ARN or alias of the symmetric key. */
  keyId: string;
}

export class KmsSealer implements Sealer {
  private readonly client: KMSClient;
  private readonly keyId: string;

  constructor(options: KmsSealerOptions) {
    this.client = options.client;
    this.keyId = options.keyId;
  }

  /** Throws RangeError on an invalid amount or context (a caller's bug), DependencyError on KMS failures. */
  async sealNumber(amount: bigint, context: SealContext): Promise<Uint8Array> {
    const plaintext = encodeAmount(amount);
    const encryptionContextMap = encryptionContext(context);
    let ciphertext: Uint8Array | undefined;
    try {
      const output = await this.client.send(
        new EncryptCommand({
          KeyId: this.keyId,
          Plaintext: plaintext,
          EncryptionContext: encryptionContextMap,
        }),
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

  /** Throws DependencyError when KMS fails or refuses (wrong context, tampered ciphertext). */
  async openNumber(sealed: Uint8Array, context: SealContext): Promise<bigint> {
    const encryptionContextMap = encryptionContext(context);
    let plaintext: Uint8Array | undefined;
    try {
      const output = await this.client.send(
        new DecryptCommand({
          KeyId: this.keyId,
          CiphertextBlob: sealed,
          EncryptionContext: encryptionContextMap,
        }),
      );
      plaintext = output.Plaintext;
    } catch (error) {
      throw dependencyFailure('kms', 'Decrypt', error);
    }
    if (plaintext === undefined) throw new DependencyError('kms', 'Decrypt', 'MissingPlaintext');
    try {
      return decodeAmount(plaintext);
    } catch {
      throw new DependencyError('kms', 'Decrypt', 'InvalidPlaintext');
    } finally {
      plaintext.fill(0);
    }
  }
}
