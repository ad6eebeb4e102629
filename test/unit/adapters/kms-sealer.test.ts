import {
  DecryptCommand,
  EncryptCommand,
  InvalidCiphertextException,
  KMSClient,
  KMSInvalidStateException,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
// Registers the matchers under both names (toReceive…/toHaveReceived…) and declares their types.
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../shared/adapters/errors';
import { KmsSealer } from '../../../shared/adapters/kms-sealer';
import { encodeAmount } from '../../../shared/adapters/sealed-plaintext';
import type { SealContext } from '../../../shared/ports';

const KEY_ID = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const DISTINCTIVE = 7391846250193n;
const CONTEXT: SealContext = { sessionId: 'Zm9vYmFyYmF6cXV4LV9fLQ', side: 'claimant', seq: 4 };
const CIPHERTEXT = new Uint8Array(150).fill(7);

const kms = mockClient(KMSClient);

function sealer(): KmsSealer {
  return new KmsSealer({ client: new KMSClient({ region: 'eu-west-1' }), keyId: KEY_ID });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function expectNoAmount(error: Error, amount: bigint): void {
  const text = amount.toString();
  expect(error.message).not.toContain(text);
  expect(String(error.stack)).not.toContain(text);
  expect(JSON.stringify(error)).not.toContain(text);
  expect(error.cause).toBeUndefined();
}

describe('KmsSealer', () => {
  beforeEach(() => {
    kms.reset();
  });

  describe('sealNumber', () => {
    it('calls Encrypt with the key id, an 8-byte plaintext and the encryption context', async () => {
      // Prepare
      kms.on(EncryptCommand).resolves({ CiphertextBlob: CIPHERTEXT, KeyId: KEY_ID });

      // Act
      const sealed = await sealer().sealNumber(DISTINCTIVE, CONTEXT);

      // Assess
      expect(sealed).toEqual(CIPHERTEXT);
      expect(kms).toReceiveCommandTimes(EncryptCommand, 1);
      expect(kms).toReceiveCommandWith(EncryptCommand, {
        KeyId: KEY_ID,
        EncryptionContext: { sessionId: CONTEXT.sessionId, side: 'claimant', seq: '4' },
      });
      const input = kms.commandCalls(EncryptCommand)[0]!.args[0].input;
      expect(Object.keys(input.EncryptionContext ?? {}).sort()).toEqual(['seq', 'sessionId', 'side']);
      expect(input.Plaintext).toBeInstanceOf(Uint8Array);
      expect((input.Plaintext as Uint8Array).byteLength).toBe(8);
    });

    it('sends 1 and 10^15 as plaintexts of the same length', async () => {
      // Prepare
      kms.on(EncryptCommand).resolves({ CiphertextBlob: CIPHERTEXT });
      const kmsSealer = sealer();

      // Act
      await kmsSealer.sealNumber(1n, CONTEXT);
      await kmsSealer.sealNumber(10n ** 15n, CONTEXT);

      // Assess
      const lengths = kms
        .commandCalls(EncryptCommand)
        .map((call) => (call.args[0].input.Plaintext as Uint8Array).byteLength);
      expect(lengths).toEqual([8, 8]);
    });

    it('maps a KMS error to a DependencyError without the amount', async () => {
      // Prepare: even a message that echoes the amount must not leak it
      kms
        .on(EncryptCommand)
        .rejects(new KMSInvalidStateException({ message: `bad ${DISTINCTIVE}`, $metadata: {} }));

      // Act
      const error = await rejection(sealer().sealNumber(DISTINCTIVE, CONTEXT));

      // Assess
      expect(error).toBeInstanceOf(DependencyError);
      expect(error).toMatchObject({
        dependency: 'kms',
        operation: 'Encrypt',
        reason: 'KMSInvalidStateException',
      });
      expectNoAmount(error, DISTINCTIVE);
    });

    it('maps a response without ciphertext to a DependencyError', async () => {
      // Prepare
      kms.on(EncryptCommand).resolves({});

      // Act
      const error = await rejection(sealer().sealNumber(DISTINCTIVE, CONTEXT));

      // Assess
      expect(error).toBeInstanceOf(DependencyError);
      expectNoAmount(error, DISTINCTIVE);
    });

    it('rejects an out-of-range amount without calling KMS', async () => {
      // Act
      const error = await rejection(sealer().sealNumber(DISTINCTIVE * 1000n, CONTEXT));

      // Assess
      expect(error).toBeInstanceOf(RangeError);
      expectNoAmount(error, DISTINCTIVE * 1000n);
      expect(kms).not.toReceiveAnyCommand();
    });
  });

  describe('openNumber', () => {
    it('calls Decrypt with the same key id and encryption context and decodes the amount', async () => {
      // Prepare
      kms.on(DecryptCommand).resolves({ Plaintext: encodeAmount(DISTINCTIVE), KeyId: KEY_ID });

      // Act
      const amount = await sealer().openNumber(CIPHERTEXT, CONTEXT);

      // Assess
      expect(amount).toBe(DISTINCTIVE);
      expect(kms).toReceiveCommandExactlyOnceWith(DecryptCommand, {
        KeyId: KEY_ID,
        CiphertextBlob: CIPHERTEXT,
        EncryptionContext: { sessionId: CONTEXT.sessionId, side: 'claimant', seq: '4' },
      });
    });

    it('maps InvalidCiphertextException (another context, tampering) to a DependencyError', async () => {
      // Prepare
      kms.on(DecryptCommand).rejects(new InvalidCiphertextException({ message: 'nope', $metadata: {} }));

      // Act
      const error = await rejection(sealer().openNumber(CIPHERTEXT, { ...CONTEXT, seq: 5 }));

      // Assess
      expect(error).toBeInstanceOf(DependencyError);
      expect(error).toMatchObject({
        dependency: 'kms',
        operation: 'Decrypt',
        reason: 'InvalidCiphertextException',
      });
    });

    it('maps any other failure (network) to a DependencyError', async () => {
      // Prepare
      kms.on(DecryptCommand).rejects(new Error(`socket hang up ${DISTINCTIVE}`));

      // Act
      const error = await rejection(sealer().openNumber(CIPHERTEXT, CONTEXT));

      // Assess
      expect(error).toBeInstanceOf(DependencyError);
      expect(error.message).toBe('kms Decrypt failed: Error');
      expectNoAmount(error, DISTINCTIVE);
    });

    it.each([
      ['a 7-byte plaintext', new Uint8Array(7).fill(1)],
      ['an out-of-range plaintext', new Uint8Array(8).fill(0xff)],
    ])('rejects %s as a DependencyError', async (_label, plaintext) => {
      // Prepare
      kms.on(DecryptCommand).resolves({ Plaintext: plaintext });

      // Act
      const error = await rejection(sealer().openNumber(CIPHERTEXT, CONTEXT));

      // Assess
      expect(error).toBeInstanceOf(DependencyError);
      expect(error).toMatchObject({ reason: 'InvalidPlaintext' });
    });

    it('maps a response without plaintext to a DependencyError', async () => {
      // Prepare
      kms.on(DecryptCommand).resolves({});

      // Act
      const error = await rejection(sealer().openNumber(CIPHERTEXT, CONTEXT));

      // Assess
      expect(error).toMatchObject({ dependency: 'kms', reason: 'MissingPlaintext' });
    });
  });
});
