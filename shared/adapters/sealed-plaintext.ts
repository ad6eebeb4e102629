/**
 * The plaintext both sealers encrypt: an amount as exactly 8 bytes, big-endian, so every
 * ciphertext has the same length whatever the amount (docs/rules.md, "Who learns what"). Errors never contain the amount.
 */
import { MAX_AMOUNT, MIN_AMOUNT, SIDES } from '../engine/types';
import type { SealContext } from '../ports';

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
