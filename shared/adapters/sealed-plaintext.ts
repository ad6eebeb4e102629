/**
 * The plaintext both sealers encrypt: an amount as exactly 8 bytes, big-endian, so every
 * ciphertext has the same length whatever the amount (docs/rules.md, "Who learns what"). Errors never contain the amount.
 */
import { MAX_AMOUNT, MIN_AMOUNT, SIDES } from '../engine/types';
import type { AnswerContext, SealContext } from '../ports';

export const SEALED_PLAINTEXT_BYTES = 8;

/** Encodes 1 ≤ amount ≤ 10^15 as 8 bytes big-endian. */
export function encodeAmount(amount: bigint): Uint8Array {
  if (typeof amount !== 'bigint' || amount < MIN_AMOUNT || amount > MAX_AMOUNT) {
    throw new RangeError('amount to seal is out of range');
  }
  const bytes = new Uint8Array(SEALED_PLAINTEXT_BYTES);
  new DataView(bytes.buffer).setBigUint64(0, amount, false);
  return bytes;
}

/** Decodes an 8-byte big-endian plaintext; rejects any other length and any out-of-range value. */
export function decodeAmount(bytes: Uint8Array): bigint {
  if (bytes.byteLength !== SEALED_PLAINTEXT_BYTES) {
    throw new RangeError('sealed plaintext has the wrong length');
  }
  const amount = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, false);
  if (amount < MIN_AMOUNT || amount > MAX_AMOUNT) {
    throw new RangeError('sealed plaintext is out of range');
  }
  return amount;
}

/**
 * The encryption context as KMS takes it (string values) after checking it: a non-empty session
 * id, a side, a non-negative integer seq. Both sealers bind the ciphertext to exactly this map.
 */
export function encryptionContext(context: SealContext): Record<'sessionId' | 'side' | 'seq', string> {
  const { sessionId, side, seq } = context;
  if (typeof sessionId !== 'string' || sessionId === '')
    throw new RangeError('seal context: empty session id');
  if (!SIDES.includes(side)) throw new RangeError('seal context: unknown side');
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError('seal context: seq must be an integer ≥ 0');
  return { sessionId, side, seq: String(seq) };
}

/** The encryption context as canonical JSON (keys sorted, string values): the local sealer's AAD. */
export function canonicalContext(context: SealContext): string {
  const { sessionId, side, seq } = encryptionContext(context);
  return JSON.stringify({ seq, sessionId, side });
}

/**
 * A side's answer as exactly 8 bytes, like an amount, so an answer's ciphertext has the length of
 * any other whatever the answer: 1 for yes, 0 for no, in the last byte.
 */
export function encodeAnswer(accept: boolean): Uint8Array {
  if (typeof accept !== 'boolean') throw new RangeError('answer to seal must be a boolean');
  const bytes = new Uint8Array(SEALED_PLAINTEXT_BYTES);
  bytes[SEALED_PLAINTEXT_BYTES - 1] = accept ? 1 : 0;
  return bytes;
}

/** Decodes an 8-byte answer; rejects any other length or value. */
export function decodeAnswer(bytes: Uint8Array): boolean {
  if (bytes.byteLength !== SEALED_PLAINTEXT_BYTES) throw new RangeError('sealed answer has the wrong length');
  const last = bytes[SEALED_PLAINTEXT_BYTES - 1];
  if (bytes.subarray(0, SEALED_PLAINTEXT_BYTES - 1).some((b) => b !== 0) || (last !== 0 && last !== 1)) {
    throw new RangeError('sealed answer is not an answer');
  }
  return last === 1;
}

/** The value of `kind` in an answer's encryption context; a number's context has no `kind`. */
export const ANSWER_KIND = 'answer';

/**
 * An answer's encryption context as KMS takes it: {sessionId, side, proposal, kind: answer}.
 * The key policy lets the api role decrypt only under `kind = answer`.
 */
export function answerEncryptionContext(
  context: AnswerContext,
): Record<'sessionId' | 'side' | 'proposal' | 'kind', string> {
  const { sessionId, side, proposal } = context;
  if (typeof sessionId !== 'string' || sessionId === '')
    throw new RangeError('answer context: empty session id');
  if (!SIDES.includes(side)) throw new RangeError('answer context: unknown side');
  if (!Number.isSafeInteger(proposal) || proposal < 1) {
    throw new RangeError('answer context: proposal must be an integer ≥ 1');
  }
  return { sessionId, side, proposal: String(proposal), kind: ANSWER_KIND };
}

/** An answer's encryption context as canonical JSON (keys sorted): the local sealer's AAD. */
export function canonicalAnswerContext(context: AnswerContext): string {
  const { kind, proposal, sessionId, side } = answerEncryptionContext(context);
  return JSON.stringify({ kind, proposal, sessionId, side });
}
