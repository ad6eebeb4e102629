import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { cryptoRandom } from '../../../shared/engine/crypto-random';
import { drawUniform, MAX_DRAW_ATTEMPTS } from '../../../shared/engine/random';
import { seededRandom } from '../../../shared/engine/seeded-random';
import { MAX_AMOUNT, MIN_AMOUNT, type RandomSource } from '../../../shared/engine/types';

/** A random source that hands out the given byte strings in order, and records each request. */
const scriptedRandom = (...answers: number[][]): { random: RandomSource; requests: number[] } => {
  const requests: number[] = [];
  const random: RandomSource = (byteCount) => {
    requests.push(byteCount);
    const answer = answers.shift();
    if (!answer) throw new Error('scripted random source exhausted');
    return Uint8Array.from(answer);
  };
  return { random, requests };
};

const TWO_48 = 2n ** 48n;

describe('drawUniform', () => {
  describe('range', () => {
    it('stays within [lo, hi] for overlaps of every width, including wider than 2^48', () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: MIN_AMOUNT, max: MAX_AMOUNT }),
          fc.bigInt({ min: 0n, max: MAX_AMOUNT }),
          fc.integer(),
          (lo, width, seed) => {
            // Prepare
            const hi = lo + width;

            // Act
            const x = drawUniform(lo, hi, seededRandom(seed));

            // Assess
            expect(x >= lo && x <= hi).toBe(true);
          },
        ),
        { numRuns: 2_000 },
      );
    });

    it('stays within [1, 10^15] and reaches far beyond 2^48 there', () => {
      // Prepare
      const random = seededRandom(1);

      // Act
      const draws = Array.from({ length: 2_000 }, () => drawUniform(MIN_AMOUNT, MAX_AMOUNT, random));

      // Assess
      expect(draws.every((x) => x >= MIN_AMOUNT && x <= MAX_AMOUNT)).toBe(true);
      expect(draws.some((x) => x > TWO_48)).toBe(true);
    });

    it('returns lo for a single-number range without asking for bytes', () => {
      // Prepare
      const random = vi.fn<RandomSource>();

      // Act
      const x = drawUniform(42n, 42n, random);

      // Assess
      expect(x).toBe(42n);
      expect(random).not.toHaveBeenCalled();
    });

    it('rejects an empty range', () => {
      // Act
      const attempt = () => drawUniform(2n, 1n, seededRandom(0));

      // Assess
      expect(attempt).toThrow(RangeError);
    });
  });

  describe('rejection sampling', () => {
    it('masks the top byte to the bit length of the range and redraws values past its end', () => {
      // Prepare: [10, 19] has 10 values; 9 = 0b1001 needs 4 bits, so the mask is 0x0f
      const { random, requests } = scriptedRandom([0xff], [0x0c], [0xfa], [0xf7]);

      // Act
      const x = drawUniform(10n, 19n, random);

      // Assess: 0x0f, 0x0c and 0x0a are ≥ 10 and rejected; 0xf7 masks to 7
      expect(x).toBe(17n);
      expect(requests).toEqual([1, 1, 1, 1]);
    });

    it('reads the bytes big-endian and asks for the fewest that hold the range', () => {
      // Prepare: [0, 65535] takes exactly two bytes, with no mask
      const { random, requests } = scriptedRandom([0x12, 0x34]);

      // Act
      const x = drawUniform(0n, 65_535n, random);

      // Assess
      expect(x).toBe(0x1234n);
      expect(requests).toEqual([2]);
    });

    it('asks for 7 bytes with a 2-bit top byte for [1, 10^15]', () => {
      // Prepare: 10^15 − 1 has 50 bits: 6 full bytes and 2 bits; all ones (2^50 − 1) is past the end
      const { random, requests } = scriptedRandom(
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        [0xfc, 0, 0, 0, 0, 0, 5],
      );

      // Act
      const x = drawUniform(MIN_AMOUNT, MAX_AMOUNT, random);

      // Assess
      expect(x).toBe(6n);
      expect(requests).toEqual([7, 7]);
    });

    it('gives up on a source that never yields a value inside the range', () => {
      // Prepare
      const random = vi.fn<RandomSource>((byteCount) => new Uint8Array(byteCount).fill(0xff));

      // Act
      const attempt = () => drawUniform(10n, 19n, random);

      // Assess
      expect(attempt).toThrow(/rejected/);
      expect(random).toHaveBeenCalledTimes(MAX_DRAW_ATTEMPTS);
    });

    it('rejects a source that returns the wrong number of bytes', () => {
      // Prepare
      const random: RandomSource = () => new Uint8Array(1);

      // Act
      const attempt = () => drawUniform(0n, 65_535n, random);

      // Assess
      expect(attempt).toThrow(/returned 1 bytes, expected 2/);
    });
  });

  describe('neutrality before rounding (fixed seed, 20,000 draws per overlap)', () => {
    const DRAWS = 20_000;
    const BUCKETS = 10n;
    // χ² critical value for 9 degrees of freedom at p = 0.01.
    const CHI_SQUARE_CRITICAL = 21.67;
    const overlaps: Array<[string, bigint, bigint]> = [
      ['[1, 10]', 1n, 10n],
      ['[12,000,000, 12,999,999]', 12_000_000n, 12_999_999n],
      ['[1, 10^15 − 1]: 50 bits, about 11% of draws rejected', 1n, MAX_AMOUNT - 1n],
      [
        '[2^48, 2^48 + 10·(2^47 + 1) − 1]: wider than 2^48, about 37% rejected',
        TWO_48,
        TWO_48 + 10n * (2n ** 47n + 1n) - 1n,
      ],
      ['[5,000,000, 5,000,639]: 640 values, 10 bits', 5_000_000n, 5_000_639n],
    ];

    it.each(overlaps)('is uniform over %s', (_name, lo, hi) => {
      // Prepare
      const random = seededRandom(20_240_601);
      const size = hi - lo + 1n;
      const counts = new Array<number>(Number(BUCKETS)).fill(0);
      let sum = 0n;

      // Act
      for (let i = 0; i < DRAWS; i++) {
        const offset = drawUniform(lo, hi, random) - lo;
        sum += offset;
        const bucket = Number((offset * BUCKETS) / size);
        counts[bucket] = counts[bucket]! + 1;
      }

      // Assess: the mean lies within 1% of the range of the midpoint (about 5 standard errors)
      const n = BigInt(DRAWS);
      const twiceDeviation = 2n * sum - n * (size - 1n);
      const absTwiceDeviation = twiceDeviation < 0n ? -twiceDeviation : twiceDeviation;
      expect(absTwiceDeviation * 50n <= n * size).toBe(true);
      // Assess: χ² over ten equal buckets does not reject uniformity at p = 0.01
      const expected = DRAWS / Number(BUCKETS);
      const chiSquare = counts.reduce((acc, observed) => acc + (observed - expected) ** 2, 0) / expected;
      expect(chiSquare).toBeLessThan(CHI_SQUARE_CRITICAL);
    });
  });
});

describe('cryptoRandom', () => {
  it('returns the number of bytes asked for', () => {
    // Act
    const lengths = [0, 1, 7, 64].map((n) => cryptoRandom(n).length);

    // Assess
    expect(lengths).toEqual([0, 1, 7, 64]);
  });

  it('returns different bytes on each call', () => {
    // Act
    const first = cryptoRandom(32);
    const second = cryptoRandom(32);

    // Assess
    expect(first).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
  });

  it('drives drawUniform within [1, 10^15]', () => {
    // Act
    const draws = Array.from({ length: 200 }, () => drawUniform(MIN_AMOUNT, MAX_AMOUNT, cryptoRandom));

    // Assess
    expect(draws.every((x) => x >= MIN_AMOUNT && x <= MAX_AMOUNT)).toBe(true);
  });
});

describe('seededRandom', () => {
  it('gives the same bytes for the same seed', () => {
    // Act
    const first = seededRandom(7)(40);
    const second = seededRandom(7)(40);

    // Assess
    expect(Array.from(first)).toEqual(Array.from(second));
  });

  it('gives different bytes for different seeds, negative ones included', () => {
    // Act
    const streams = [0, 1, -1, Number.MAX_SAFE_INTEGER].map((seed) =>
      Buffer.from(seededRandom(seed)(16)).toString('hex'),
    );

    // Assess
    expect(new Set(streams).size).toBe(streams.length);
  });

  it('hands out a continuous stream: no byte is skipped between calls', () => {
    // Prepare
    const split = seededRandom(99);
    const whole = seededRandom(99)(20);

    // Act
    const parts = [...split(3), ...split(5), ...split(12)];

    // Assess
    expect(parts).toEqual(Array.from(whole));
  });

  it('matches SplitMix64: the first output for seed 0 is 0xe220a8397b1dcdaf', () => {
    // Act
    const bytes = seededRandom(0)(8);

    // Assess: bytes are handed out least significant first
    expect(Buffer.from(bytes).readBigUInt64LE()).toBe(0xe220a8397b1dcdafn);
  });

  it('rejects a seed that is not a safe integer', () => {
    // Act
    const attempts = [1.5, Number.NaN, 2 ** 60].map((seed) => () => seededRandom(seed));

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(RangeError);
  });
});
