/**
 * Sealing room messages (shared/adapters/message-envelope.ts) with the local data keys, and how
 * the KMS data keys call KMS: a ciphertext opens only in its own session, room and message; the
 * messages key and the numbers key cannot open each other's ciphertexts; a page costs one unwrap.
 */
import { randomBytes } from 'node:crypto';
import {
  DecryptCommand,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  KMSClient,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../shared/adapters/errors';
import { KmsDataKeys } from '../../../shared/adapters/kms-data-keys';
import { LocalDataKeys } from '../../../shared/adapters/local-data-keys';
import { LocalSealer } from '../../../shared/adapters/local-sealer';
import {
  type DataKeys,
  EnvelopeSealer,
  padText,
  roomContext,
  unpadText,
} from '../../../shared/adapters/message-envelope';
import type { MessageContext } from '../../../shared/ports';

const SECRET = 'Our floor is 4.2 million; do not say it.';
const CONTEXT: MessageContext = {
  sessionId: 'Zm9vYmFyYmF6cXV4LV9fLQ',
  room: 'claimant',
  id: '01J0000000000000000000000A',
  author: 'alice@claimant.example',
};

/** Local data keys that count their unwraps. */
function counting(keys: DataKeys) {
  const counter = { generate: 0, unwrap: 0 };
  const counted: DataKeys = {
    dependency: keys.dependency,
    generate: (c) => {
      counter.generate++;
      return keys.generate(c);
    },
    unwrap: (w, c) => {
      counter.unwrap++;
      return keys.unwrap(w, c);
    },
  };
  return { counted, counter };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('EnvelopeSealer over local data keys', () => {
  let keys: LocalDataKeys;

  beforeEach(() => {
    keys = new LocalDataKeys(randomBytes(32));
  });

  it('seals under a new room key, then opens with the key it returned', async () => {
    // Prepare
    const sealer = new EnvelopeSealer(keys);

    // Act
    const { sealed, wrappedKey } = await sealer.seal(SECRET, CONTEXT, null);
    const opened = await new EnvelopeSealer(keys).open(sealed, CONTEXT, wrappedKey);

    // Assess
    expect(opened).toBe(SECRET);
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('floor');
    expect(wrappedKey.byteLength).toBe(60);
  });

  it.each<[string, Partial<MessageContext>]>([
    ['another room', { room: 'respondent' }],
    ['another session', { sessionId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    ['another message', { id: '01J0000000000000000000000B' }],
    ['another author', { author: 'mallory@claimant.example' }],
  ])('does not open a ciphertext copied to %s', async (_where, moved) => {
    // Prepare
    const sealer = new EnvelopeSealer(keys);
    const { sealed, wrappedKey } = await sealer.seal(SECRET, CONTEXT, null);

    // Act
    const error = await failure(sealer.open(sealed, { ...CONTEXT, ...moved }, wrappedKey));

    // Assess
    expect(error).toBeInstanceOf(DependencyError);
    expect(error.message).not.toContain('floor');
  });

  it('does not unwrap a room key in another room or session, nor under another messages key', async () => {
    // Prepare
    const { wrappedKey } = await new EnvelopeSealer(keys).seal(SECRET, CONTEXT, null);

    // Act
    const errors = await Promise.all([
      failure(keys.unwrap(wrappedKey, roomContext({ ...CONTEXT, room: 'joint' }))),
      failure(keys.unwrap(wrappedKey, roomContext({ ...CONTEXT, sessionId: 'other' }))),
      failure(new LocalDataKeys(randomBytes(32)).unwrap(wrappedKey, roomContext(CONTEXT))),
      failure(keys.unwrap(wrappedKey.subarray(1), roomContext(CONTEXT))),
    ]);

    // Assess
    expect(errors.map((e) => (e as DependencyError).reason)).toEqual([
      'AuthenticationFailed',
      'AuthenticationFailed',
      'AuthenticationFailed',
      'InvalidLength',
    ]);
  });

  it('refuses a tampered, truncated or unknown-version ciphertext', async () => {
    // Prepare
    const sealer = new EnvelopeSealer(keys);
    const { sealed, wrappedKey } = await sealer.seal(SECRET, CONTEXT, null);
    const flipped = new Uint8Array(sealed);
    flipped[40]! ^= 1;
    const version = new Uint8Array(sealed);
    version[0] = 2;

    // Act
    const errors = await Promise.all(
      [flipped, version, sealed.subarray(0, sealed.length - 1)].map((s) =>
        failure(sealer.open(s, CONTEXT, wrappedKey)),
      ),
    );

    // Assess
    expect(errors.map((e) => (e as DependencyError).reason)).toEqual([
      'AuthenticationFailed',
      'InvalidLength',
      'InvalidLength',
    ]);
  });

  it('pads to 256-byte buckets: a ciphertext tells the length only to its bucket', async () => {
    // Prepare
    const sealer = new EnvelopeSealer(keys);
    const { wrappedKey } = await sealer.seal('first', CONTEXT, null);

    // Act
    const sizes = await Promise.all(
      ['a', 'x'.repeat(252), 'x'.repeat(253), 'é'.repeat(200), '😀'.repeat(10_000)].map(
        async (text) => (await sealer.seal(text, CONTEXT, wrappedKey)).sealed.length,
      ),
    );

    // Assess: version + IV + bucket(s) + tag.
    expect(sizes).toEqual([285, 285, 541, 541, 1 + 12 + 40_192 + 16]);
  });

  it('unwraps a room key once for a page of 50 messages, again only after five minutes; a failed unwrap is not kept', async () => {
    // Prepare
    let now = 0;
    const { counted, counter } = counting(keys);
    const writer = new EnvelopeSealer(keys);
    const { wrappedKey } = await writer.seal('key', CONTEXT, null);
    const page = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const context = { ...CONTEXT, id: `01J00000000000000000000${String(i).padStart(3, '0')}` };
        return { context, sealed: (await writer.seal(`message ${i}`, context, wrappedKey)).sealed };
      }),
    );
    const reader = new EnvelopeSealer(counted, () => now);

    // Act
    const texts = await Promise.all(page.map((m) => reader.open(m.sealed, m.context, wrappedKey)));
    const afterPage = counter.unwrap;
    now += 4 * 60_000;
    await reader.open(page[0]!.sealed, page[0]!.context, wrappedKey);
    const withinFive = counter.unwrap;
    now += 2 * 60_000;
    await reader.open(page[0]!.sealed, page[0]!.context, wrappedKey);
    const afterFive = counter.unwrap;
    const broken = new EnvelopeSealer(
      { ...counted, unwrap: () => Promise.reject(new DependencyError('kms', 'Decrypt', 'Throttled')) },
      () => now,
    );
    await failure(broken.open(page[0]!.sealed, page[0]!.context, wrappedKey));
    const healed = new EnvelopeSealer(counted, () => now);
    const retried = await healed.open(page[0]!.sealed, page[0]!.context, wrappedKey);

    // Assess
    expect(texts).toEqual(page.map((_, i) => `message ${i}`));
    expect([afterPage, withinFive, afterFive]).toEqual([1, 1, 2]);
    expect(retried).toBe('message 0');
  });

  it('the numbers key cannot open a message, and the messages key cannot open a number', async () => {
    // Prepare: the two local keys, as the local runtime keeps them in two files.
    const numbers = new LocalSealer(randomBytes(32));
    const messages = new EnvelopeSealer(keys);
    const message = await messages.seal(SECRET, CONTEXT, null);
    const number = await numbers.sealNumber(4_200_000n, {
      sessionId: CONTEXT.sessionId,
      side: 'claimant',
      seq: 1,
    });

    // Act
    const errors = await Promise.all([
      failure(numbers.openNumber(message.sealed, { sessionId: CONTEXT.sessionId, side: 'claimant', seq: 1 })),
      failure(
        numbers.openNumber(message.wrappedKey, { sessionId: CONTEXT.sessionId, side: 'claimant', seq: 1 }),
      ),
      failure(messages.open(number, CONTEXT, message.wrappedKey)),
      failure(keys.unwrap(number, roomContext(CONTEXT))),
    ]);

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(DependencyError);
  });

  it('pads and unpads exactly, and refuses a padding that is not ours', () => {
    // Prepare
    const padded = padText('héllo');
    const extra = Buffer.from(padded);
    extra[200] = 1;
    const long = Buffer.from(padded);
    long.writeUInt32BE(1_000, 0);

    // Act + Assess
    expect(padded.length).toBe(256);
    expect(unpadText(padded)).toBe('héllo');
    expect(() => unpadText(extra)).toThrow(RangeError);
    expect(() => unpadText(long)).toThrow(RangeError);
    expect(() => unpadText(padded.subarray(0, 255))).toThrow(RangeError);
  });

  it('refuses a context that is not a room of a session', async () => {
    // Prepare
    const sealer = new EnvelopeSealer(keys);

    // Act + Assess
    await expect(sealer.seal(SECRET, { ...CONTEXT, room: 'lobby' as never }, null)).rejects.toThrow(
      RangeError,
    );
    await expect(sealer.seal(SECRET, { ...CONTEXT, sessionId: '' }, null)).rejects.toThrow(RangeError);
    await expect(sealer.seal(SECRET, { ...CONTEXT, id: '' }, null)).rejects.toThrow(RangeError);
    await expect(sealer.seal(SECRET, { ...CONTEXT, author: '' }, null)).rejects.toThrow(RangeError);
  });
});

describe('KmsDataKeys', () => {
  const KEY_ID = 'arn:aws:kms:eu-west-1:123456789012:key/messages';
  const kms = mockClient(KMSClient);
  const dataKeys = () => new KmsDataKeys({ client: new KMSClient({ region: 'eu-west-1' }), keyId: KEY_ID });

  beforeEach(() => {
    kms.reset();
  });

  it('makes a room key with GenerateDataKey under the messages key, bound to {sessionId, room}', async () => {
    // Prepare
    const plaintext = new Uint8Array(32).fill(3);
    kms
      .on(GenerateDataKeyCommand)
      .resolves({ Plaintext: plaintext, CiphertextBlob: new Uint8Array(184).fill(9) });

    // Act
    const sealed = await new EnvelopeSealer(dataKeys()).seal(SECRET, CONTEXT, null);

    // Assess
    expect(kms).toReceiveCommandWith(GenerateDataKeyCommand, {
      KeyId: KEY_ID,
      KeySpec: 'AES_256',
      EncryptionContext: { sessionId: CONTEXT.sessionId, room: 'claimant' },
    });
    expect(sealed.wrappedKey).toEqual(new Uint8Array(184).fill(9));
  });

  it('unwraps with Decrypt naming the messages key and the room’s context, once per page', async () => {
    // Prepare: a message sealed under a known data key.
    const plaintext = new Uint8Array(32).fill(5);
    const wrapped = new Uint8Array(184).fill(1);
    kms
      .on(GenerateDataKeyCommand)
      .resolves({ Plaintext: new Uint8Array(plaintext), CiphertextBlob: wrapped });
    const { sealed } = await new EnvelopeSealer(dataKeys()).seal(SECRET, CONTEXT, null);
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(plaintext) });
    const reader = new EnvelopeSealer(dataKeys());

    // Act
    const texts = await Promise.all(Array.from({ length: 5 }, () => reader.open(sealed, CONTEXT, wrapped)));

    // Assess
    expect(texts).toEqual(Array(5).fill(SECRET));
    expect(kms).toReceiveCommandTimes(DecryptCommand, 1);
    expect(kms).toReceiveCommandWith(DecryptCommand, {
      KeyId: KEY_ID,
      CiphertextBlob: wrapped,
      EncryptionContext: { sessionId: CONTEXT.sessionId, room: 'claimant' },
    });
  });

  it('turns KMS refusing a ciphertext of another key into a DependencyError without its message', async () => {
    // Prepare: a number's ciphertext handed to the messages key.
    kms
      .on(DecryptCommand)
      .rejects(
        new IncorrectKeyException({ message: `wrong key for ${SECRET}`, $metadata: { httpStatusCode: 400 } }),
      );

    // Act
    const error = await failure(
      new EnvelopeSealer(dataKeys()).open(new Uint8Array(300), CONTEXT, new Uint8Array(150)),
    );

    // Assess
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).reason).toBe('IncorrectKeyException');
    expect(`${error.message}${error.stack}`).not.toContain('floor');
  });

  it('says which answer was missing, or which call failed', async () => {
    // Prepare
    kms.on(GenerateDataKeyCommand).resolves({});
    kms.on(DecryptCommand).resolves({});
    kms.on(DecryptCommand, { CiphertextBlob: new Uint8Array(2) }).resolves({ Plaintext: new Uint8Array(16) });

    // Act
    const noDataKey = await failure(dataKeys().generate(roomContext(CONTEXT)));
    const noPlaintext = await failure(dataKeys().unwrap(new Uint8Array(1), roomContext(CONTEXT)));
    const shortKey = await failure(
      new EnvelopeSealer(dataKeys()).open(new Uint8Array(285), CONTEXT, new Uint8Array(2)),
    );
    kms.on(GenerateDataKeyCommand).rejects(new Error(`down: ${SECRET}`));
    const down = await failure(dataKeys().generate(roomContext(CONTEXT)));

    // Assess
    expect([noDataKey, noPlaintext, shortKey, down].map((e) => (e as DependencyError).reason)).toEqual([
      'MissingDataKey',
      'MissingPlaintext',
      'InvalidDataKey',
      'Error',
    ]);
    expect(`${down.message}${down.stack}`).not.toContain('floor');
  });
});
