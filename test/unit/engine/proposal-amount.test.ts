import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeProposalAmount } from '../../../shared/engine/proposal-amount';
import { drawUniform } from '../../../shared/engine/random';
import { roundNeutral } from '../../../shared/engine/rounding';
import { seededRandom } from '../../../shared/engine/seeded-random';
import { MAX_AMOUNT, MIN_AMOUNT, type RandomSource } from '../../../shared/engine/types';

const amount = fc.bigInt({ min: MIN_AMOUNT + 1n, max: MAX_AMOUNT });
const gapPercent = fc.integer({ min: 0, max: 100 });
/** A demand above an offer, near or far apart, of every magnitude. */
const apart = fc
  .tuple(amount, fc.integer({ min: 0, max: 15 }), fc.bigInt({ min: 1n, max: MAX_AMOUNT }))
  .map(([demand, scale, raw]) => {
    const offer = demand - 1n - (raw % 10n ** BigInt(scale));
    return { demand, offer: offer < MIN_AMOUNT ? MIN_AMOUNT : offer };
  });

/** Two copies of one seeded stream: one for the function under test, one to replay its draw. */
const twin = (seed: number): [RandomSource, RandomSource] => [seededRandom(seed), seededRandom(seed)];

describe('computeProposalAmount', () => {
  describe('properties', () => {
    it('refuses if and only if D − O > D × gap / 100', () => {
      fc.assert(
        fc.property(apart, gapPercent, fc.integer(), ({ demand, offer }, gap, seed) => {
          // Act
          const result = computeProposalAmount(demand, offer, gap, seededRandom(seed));

          // Assess: the rule in exact arithmetic (rationals, no floats)
          const tooFar = (demand - offer) * 100n > demand * BigInt(gap);
          expect(result.refused).toBe(tooFar);
        }),
        { numRuns: 2_000 },
      );
    });

    it('puts the amount inside [offer, demand], neutrally rounded from a uniform draw', () => {
      fc.assert(
        fc.property(apart, fc.integer(), ({ demand, offer }, seed) => {
          // Prepare
          const [random, replay] = twin(seed);

          // Act: a gap of 100% never refuses
          const result = computeProposalAmount(demand, offer, 100, random);

          // Assess
          expect(result.refused).toBe(false);
          const x = drawUniform(offer, demand, replay);
          const proposed = (result as { amount: bigint }).amount;
          expect(proposed).toBe(roundNeutral(offer, demand, x));
          expect(proposed >= offer && proposed <= demand).toBe(true);
        }),
        { numRuns: 2_000 },
      );
    });
  });

  describe('examples', () => {
    it('rounds to three significant figures inside the range: [39,876,543, 41,234,567]', () => {
      // Prepare: a source whose first draw is offset 1,200,000 (bytes big-endian)
      const bytes = [0x12, 0x4f, 0x80];
      const random: RandomSource = (n) => Uint8Array.from(bytes.slice(0, n));

      // Act
      const result = computeProposalAmount(41_234_567n, 39_876_543n, 30, random);

      // Assess: x = 39,876,543 + 1,200,000 = 41,076,543 → 41,100,000
      expect(result).toEqual({ refused: false, amount: 41_100_000n });
    });

    it('refuses a gap one unit over the limit and opens at exactly the limit', () => {
      // Prepare: 30% of 1,000,000 is 300,000
      const random = seededRandom(5);

      // Act
      const over = computeProposalAmount(1_000_000n, 699_999n, 30, random);
      const at = computeProposalAmount(1_000_000n, 700_000n, 30, random);

      // Assess
      expect(over).toEqual({ refused: true });
      expect(at.refused).toBe(false);
    });

    it('refuses every gap at 0%', () => {
      // Act
      const result = computeProposalAmount(2n, 1n, 0, seededRandom(1));

      // Assess
      expect(result).toEqual({ refused: true });
    });
  });

  describe('invalid input', () => {
    it.each([
      ['a demand of 0', 0n, 1n, 30],
      ['an offer of 0', 5n, 0n, 30],
      ['a demand above 10^15', MAX_AMOUNT + 1n, 1n, 30],
      ['a gap of 101', 5n, 1n, 101],
      ['a gap of −1', 5n, 1n, -1],
      ['a fractional gap', 5n, 1n, 2.5],
      ['overlapping numbers', 5n, 5n, 30],
    ])('throws on %s', (_name, demand, offer, gap) => {
      // Act
      const compute = () => computeProposalAmount(demand, offer, gap, seededRandom(1));

      // Assess
      expect(compute).toThrow(RangeError);
    });
  });

  describe('neutrality: the draw before rounding is uniform (fixed seed, 20,000 proposals per range)', () => {
    const PROPOSALS = 20_000;
    const BUCKETS = 10n;
    // χ² critical value for 9 degrees of freedom at p = 0.01.
    const CHI_SQUARE_CRITICAL = 21.67;
    const ranges: Array<[string, bigint, bigint]> = [
      ['[O, D] = [900,000, 1,000,000]', 900_000n, 1_000_000n],
      ['[O, D] = [39,876,543, 41,234,567]', 39_876_543n, 41_234_567n],
      ['[O, D] = [7 × 10^14, 10^15]: 49 bits', 7n * 10n ** 14n, MAX_AMOUNT],
    ];

    it.each(ranges)(
      '%s: mean within 1% of the range of the midpoint, χ² below 21.67',
      (_name, offer, demand) => {
        // Prepare
        const [random, replay] = twin(20_261_202);
        const size = demand - offer + 1n;
        const counts = new Array<number>(Number(BUCKETS)).fill(0);
        let sum = 0n;
        const amounts = new Map<bigint, number>();

        // Act: each proposal's draw is replayed from the twin stream, in step with it
        for (let i = 0; i < PROPOSALS; i++) {
          const result = computeProposalAmount(demand, offer, 100, random);
          const x = drawUniform(offer, demand, replay);
          expect(result).toEqual({ refused: false, amount: roundNeutral(offer, demand, x) });
          const proposed = (result as { amount: bigint }).amount;
          amounts.set(proposed, (amounts.get(proposed) ?? 0) + 1);
          const offset = x - offer;
          sum += offset;
          const bucket = Number((offset * BUCKETS) / size);
          counts[bucket] = counts[bucket]! + 1;
        }

        // Assess: the mean of the draws lies within 1% of the range of the midpoint
        const n = BigInt(PROPOSALS);
        const twiceDeviation = 2n * sum - n * (size - 1n);
        const absTwiceDeviation = twiceDeviation < 0n ? -twiceDeviation : twiceDeviation;
        expect(absTwiceDeviation * 50n <= n * size).toBe(true);
        // Assess: χ² over ten equal buckets does not reject uniformity at p = 0.01
        const expected = PROPOSALS / Number(BUCKETS);
        const chiSquare = counts.reduce((acc, observed) => acc + (observed - expected) ** 2, 0) / expected;
        expect(chiSquare).toBeLessThan(CHI_SQUARE_CRITICAL);
        // Assess: never one amount (a midpoint would be): the amounts spread over the range
        expect(amounts.size).toBeGreaterThan(10);
        expect(Math.max(...amounts.values())).toBeLessThan(PROPOSALS * 0.15);
      },
    );
  });
});
