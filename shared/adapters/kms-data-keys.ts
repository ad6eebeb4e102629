/**
 * Rooms' data keys under the messages key (docs/deploy.md): `GenerateDataKey` (AES-256) and
 * `Decrypt`, both with the encryption context {sessionId, room} and the messages key's id, so a
 * wrapped key moved to another room or session does not unwrap, and a ciphertext of the numbers
 * key is refused (KMS answers IncorrectKeyException). Only the rooms role may call either.
 */
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { DependencyError, dependencyFailure } from './errors';
import type { DataKeys, RoomContext } from './message-envelope';

export interface KmsDataKeysOptions {
  client: KMSClient;
  /** Key id, key ARN or alias of the messages key. */
  keyId: string;
}

const encryptionContext = (context: RoomContext) => ({ sessionId: context.sessionId, room: context.room });

export class KmsDataKeys implements DataKeys {
  readonly dependency = 'kms';

  constructor(private readonly options: KmsDataKeysOptions) {}

  async generate(context: RoomContext): Promise<{ plaintext: Uint8Array; wrapped: Uint8Array }> {
    let output: { Plaintext?: Uint8Array; CiphertextBlob?: Uint8Array };
    try {
      output = await this.options.client.send(
        new GenerateDataKeyCommand({
          KeyId: this.options.keyId,
          KeySpec: 'AES_256',
          EncryptionContext: encryptionContext(context),
        }),
      );
    } catch (error) {
      throw dependencyFailure('kms', 'GenerateDataKey', error);
    }
    if (!output.Plaintext || !output.CiphertextBlob) {
      throw new DependencyError('kms', 'GenerateDataKey', 'MissingDataKey');
    }
    return { plaintext: output.Plaintext, wrapped: output.CiphertextBlob };
  }

  async unwrap(wrapped: Uint8Array, context: RoomContext): Promise<Uint8Array> {
    let plaintext: Uint8Array | undefined;
    try {
      ({ Plaintext: plaintext } = await this.options.client.send(
        new DecryptCommand({
          KeyId: this.options.keyId,
          CiphertextBlob: wrapped,
          EncryptionContext: encryptionContext(context),
        }),
      ));
    } catch (error) {
      throw dependencyFailure('kms', 'Decrypt', error);
    }
    if (!plaintext) throw new DependencyError('kms', 'Decrypt', 'MissingPlaintext');
    return plaintext;
  }
}
