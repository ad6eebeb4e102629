import { randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../shared/adapters/errors';
import { KmsSealer } from '../../../shared/adapters/kms-sealer';
import { LOCAL_SEALED_BYTES, LocalSealer } from '../../../shared/adapters/local-sealer';
import {
  answerEncryptionContext,
  canonicalAnswerContext,
  decodeAnswer,
  encodeAnswer,
} from '../../../shared/adapters/sealed-plaintext';
import type { AnswerContext, SealContext } from '../../../shared/ports';

/**
 * A side's answer to a proposal (docs/rules.md, "Double-blind proposals") is sealed like a number
 * (8 bytes, fixed width) under its own context {sessionId, side, proposal, kind: answer}. On AWS
 * the key policy lets api decrypt under `kind = answer` only (test/infra); locally nothing enforces
 * who opens what, so these tests hold the contexts themselves apart.
 */
const ANSWER: AnswerContext = { sessionId: 'Zm9vYmFyYmF6cXV4LV9fLQ', side: 'respondent', proposal: 2 };
const NUMBER: SealContext = { sessionId: ANSWER.sessionId, side: 'respondent', seq: 2 };
const KEY_ID = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('answer plaintexts and contexts', () => {
  it('encodes yes and no as 8 bytes that differ only in the last', () => {
    // Act
    const yes = encodeAnswer(true);
    const no = encodeAnswer(false);

    // Assess
    expect(yes).toEqual(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1]));
    expect(no).toEqual(new Uint8Array(8));
    expect(decodeAnswer(yes)).toBe(true);
    expect(decodeAnswer(no)).toBe(false);
  });

  it.each([
    ['7 bytes', new Uint8Array(7)],
    ['a last byte of 2', Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 2])],
    ['a number (1,000 as 8 bytes)', Uint8Array.from([0, 0, 0, 0, 0, 0, 3, 232])],
  ])('refuses to read %s as an answer', (_name, bytes) => {
    // Act / Assess
    expect(() => decodeAnswer(bytes)).toThrow(RangeError);
  });

  it('marks the context as an answer’s: a number’s context never has `kind`', () => {
    // Act
    const context = answerEncryptionContext(ANSWER);
    const canonical = canonicalAnswerContext(ANSWER);

    // Assess
    expect(context).toEqual({
      sessionId: ANSWER.sessionId,
      side: 'respondent',
      proposal: '2',
      kind: 'answer',
    });
    expect(canonical).toBe(
      `{"kind":"answer","proposal":"2","sessionId":"${ANSWER.sessionId}","side":"respondent"}`,
    );
  });

  it.each([
    ['an empty session id', { ...ANSWER, sessionId: '' }],
    ['an unknown side', { ...ANSWER, side: 'mediator' as never }],
    ['proposal 0', { ...ANSWER, proposal: 0 }],
    ['a fractional proposal', { ...ANSWER, proposal: 1.5 }],
  ])('refuses a context with %s', (_name, context) => {
    // Act / Assess
    expect(() => answerEncryptionContext(context)).toThrow(RangeError);
  });
});

describe('LocalSealer answers', () => {
  const sealer = new LocalSealer(randomBytes(32));

  it('seals yes and no to ciphertexts of the same length as a number’s, and opens them again', async () => {
    // Act
    const yes = await sealer.sealAnswer(true, ANSWER);
    const no = await sealer.sealAnswer(false, ANSWER);
    const number = await sealer.sealNumber(1_000n, NUMBER);

    // Assess
    expect(yes.byteLength).toBe(LOCAL_SEALED_BYTES);
    expect(no.byteLength).toBe(LOCAL_SEALED_BYTES);
    expect(number.byteLength).toBe(LOCAL_SEALED_BYTES);
    expect(await sealer.openAnswer(yes, ANSWER)).toBe(true);
    expect(await sealer.openAnswer(no, ANSWER)).toBe(false);
  });

  it.each([
    ['another session', { ...ANSWER, sessionId: 'other' }],
    ['the other side', { ...ANSWER, side: 'claimant' as const }],
    ['another proposal', { ...ANSWER, proposal: 3 }],
  ])('does not open an answer under %s', async (_name, context) => {
    // Prepare
    const sealed = await sealer.sealAnswer(true, ANSWER);

    // Act
    const error = await rejection(sealer.openAnswer(sealed, context));

    // Assess
    expect(error).toBeInstanceOf(DependencyError);
  });

  it('never opens a number as an answer, nor an answer as a number', async () => {
    // Prepare: the same session, side and counter in both contexts
    const number = await sealer.sealNumber(1n, NUMBER);
    const answer = await sealer.sealAnswer(true, ANSWER);

    // Act
    const numberAsAnswer = await rejection(sealer.openAnswer(number, ANSWER));
    const answerAsNumber = await rejection(sealer.openNumber(answer, NUMBER));

    // Assess
    expect(numberAsAnswer).toBeInstanceOf(DependencyError);
    expect(answerAsNumber).toBeInstanceOf(DependencyError);
  });
});

describe('KmsSealer answers', () => {
  const kms = mockClient(KMSClient);
  const sealer = () => new KmsSealer({ client: new KMSClient({ region: 'eu-west-1' }), keyId: KEY_ID });
  const CIPHERTEXT = new Uint8Array(150).fill(9);
  const answerContext = { sessionId: ANSWER.sessionId, side: 'respondent', proposal: '2', kind: 'answer' };

  beforeEach(() => {
    kms.reset();
  });

  it('calls Encrypt with an 8-byte plaintext under the answer’s context', async () => {
    // Prepare
    kms.on(EncryptCommand).resolves({ CiphertextBlob: CIPHERTEXT });

    // Act
    const sealed = await sealer().sealAnswer(false, ANSWER);

    // Assess
    expect(sealed).toEqual(CIPHERTEXT);
    expect(kms).toReceiveCommandWith(EncryptCommand, { KeyId: KEY_ID, EncryptionContext: answerContext });
    const input = kms.commandCalls(EncryptCommand)[0]!.args[0].input;
    expect((input.Plaintext as Uint8Array).byteLength).toBe(8);
  });

  it('calls Decrypt under the answer’s context and reads the answer', async () => {
    // Prepare
    kms.on(DecryptCommand).resolves({ Plaintext: encodeAnswer(true) });

    // Act
    const answer = await sealer().openAnswer(CIPHERTEXT, ANSWER);

    // Assess
    expect(answer).toBe(true);
    expect(kms).toReceiveCommandWith(DecryptCommand, { KeyId: KEY_ID, EncryptionContext: answerContext });
  });

  it('refuses a plaintext that is not an answer', async () => {
    // Prepare
    kms.on(DecryptCommand).resolves({ Plaintext: Uint8Array.from([0, 0, 0, 0, 0, 0, 3, 232]) });

    // Act
    const error = await rejection(sealer().openAnswer(CIPHERTEXT, ANSWER));

    // Assess
    expect(error).toBeInstanceOf(DependencyError);
  });
});
