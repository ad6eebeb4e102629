import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalContext,
  decodeAmount,
  encodeAmount,
  encryptionContext,
  SEALED_PLAINTEXT_BYTES,
} from '../../../shared/adapters/sealed-plaintext';
import { MAX_AMOUNT, MIN_AMOUNT } from '../../../shared/engine/types';

const DISTINCTIVE = 7391846250193n;

function caught(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('sealed plaintext', () => {
  describe('encodeAmount', () => {
    it('encodes 1 and 10^15 as 8 bytes big-endian', () => {
      // Prepare
      const smallest = MIN_AMOUNT;
      const largest = MAX_AMOUNT;

      // Act
      const one = encodeAmount(smallest);
      const max = encodeAmount(largest);

      // Assess
      expect(one).toEqual(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1]));
      expect(max).toEqual(new Uint8Array([0x00, 0x03, 0x8d, 0x7e, 0xa4, 0xc6, 0x80, 0x00]));
      expect(one.byteLength).toBe(SEALED_PLAINTEXT_BYTES);
      expect(max.byteLength).toBe(SEALED_PLAINTEXT_BYTES);
    });

    it.each([0n, -1n, MAX_AMOUNT + 1n, 2n ** 64n])('rejects %s without echoing it', (amount) => {
      // Act
      const error = caught(() => encodeAmount(amount));

      // Assess
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).not.toMatch(/\d/);
    });

    it('never puts the amount into an error message', () => {
      // Prepare
      const amount = DISTINCTIVE * 1000n; // above 10^15

      // Act
      const error = caught(() => encodeAmount(amount));

      // Assess
      expect(error.message).not.toContain(amount.toString());
      expect(error.message).not.toContain(DISTINCTIVE.toString());
    });
  });

  describe('decodeAmount', () => {
    it('round-trips every amount in range', () => {
      // Prepare
      const amounts = fc.bigInt({ min: MIN_AMOUNT, max: MAX_AMOUNT });

      // Act / Assess
      fc.assert(fc.property(amounts, (amount) => decodeAmount(encodeAmount(amount)) === amount));
    });

    it('reads a view into a larger buffer at an offset', () => {
      // Prepare
      const buffer = new Uint8Array(20);
      buffer.set(encodeAmount(DISTINCTIVE), 5);

      // Act
      const amount = decodeAmount(buffer.subarray(5, 13));

      // Assess
      expect(amount).toBe(DISTINCTIVE);
    });

    it.each([0, 7, 9, 16])('rejects %i bytes', (length) => {
      // Prepare
      const bytes = new Uint8Array(length).fill(1);

      // Act / Assess
      expect(() => decodeAmount(bytes)).toThrow(RangeError);
    });

    it.each([
      ['zero', new Uint8Array(8)],
      ['10^15 + 1', new Uint8Array([0x00, 0x03, 0x8d, 0x7e, 0xa4, 0xc6, 0x80, 0x01])],
      ['2^64 - 1', new Uint8Array(8).fill(0xff)],
    ])('rejects an out-of-range value (%s)', (_label, bytes) => {
      // Act
      const error = caught(() => decodeAmount(bytes));

      // Assess
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).not.toMatch(/\d/);
    });
  });

  describe('encryptionContext', () => {
    it('maps the context to string values', () => {
      // Act
      const map = encryptionContext({ sessionId: 'abc-_', side: 'respondent', seq: 12 });

      // Assess
      expect(map).toEqual({ sessionId: 'abc-_', side: 'respondent', seq: '12' });
    });

    it.each([
      ['an empty session id', { sessionId: '', side: 'claimant', seq: 1 }],
      ['an unknown side', { sessionId: 's', side: 'mediator', seq: 1 }],
      ['a negative seq', { sessionId: 's', side: 'claimant', seq: -1 }],
      ['a fractional seq', { sessionId: 's', side: 'claimant', seq: 1.5 }],
    ])('rejects %s', (_label, context) => {
      // Act / Assess
      expect(() => encryptionContext(context as never)).toThrow(RangeError);
    });

    it('serializes canonically: sorted keys, string values', () => {
      // Act
      const json = canonicalContext({ side: 'claimant', seq: 3, sessionId: 'S1' });

      // Assess
      expect(json).toBe('{"seq":"3","sessionId":"S1","side":"claimant"}');
    });
  });
});
