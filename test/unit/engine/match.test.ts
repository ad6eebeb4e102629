import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { evaluateMatch, type MatchInput } from '../../../shared/engine/match';
import { applyBonus, roundNeutral } from '../../../shared/engine/rounding';
import { seededRandom } from '../../../shared/engine/seeded-random';
import {
  MAX_AMOUNT,
  MIN_AMOUNT,
  otherSide,
  type RandomSource,
  type Side,
  type Step,
} from '../../../shared/engine/types';

const amount = fc.bigInt({ min: MIN_AMOUNT, max: MAX_AMOUNT });
const side = fc.constantFrom<Side>('claimant', 'respondent');
const step = fc.constantFrom<Step>('initial_round', 'adjustment');
const bonusPercent = fc.integer({ min: 0, max: 20 });
/** An overlapping pair, near or far apart, of every magnitude. */
const overlappingPair = fc
  .tuple(amount, fc.integer({ min: 0, max: 15 }), fc.bigInt({ min: 0n, max: MAX_AMOUNT }))
  .map(([demand, scale, raw]) => {
    const offer = demand + (raw % 10n ** BigInt(scale));
    return { demand, offer: offer > MAX_AMOUNT ? MAX_AMOUNT : offer };
  });

const input = (overrides: Partial<MatchInput>): MatchInput => ({
  demand: 1_000_000n,
  offer: 2_000_000n,
  mover: 'claimant',
  step: 'adjustment',
  bonusPercent: 5,
  random: seededRandom(1),
  ...overrides,
});

describe('evaluateMatch', () => {
  describe('properties', () => {
    it('makes no deal if and only if demand > offer', () => {
      fc.assert(
        fc.property(
          amount,
          amount,
          side,
          step,
          bonusPercent,
          fc.integer(),
          (demand, offer, mover, s, p, seed) => {
            // Act
            const result = evaluateMatch({
              demand,
              offer,
              mover,
              step: s,
              bonusPercent: p,
              random: seededRandom(seed),
            });

            // Assess
            expect(result === null).toBe(demand > offer);
          },
        ),
        { numRuns: 1_000 },
      );
    });

    it('makes an exact match the base amount, without a draw', () => {
      fc.assert(
        fc.property(amount, side, step, bonusPercent, (number, mover, s, p) => {
          // Prepare
          const random = vi.fn<RandomSource>();

          // Act
          const result = evaluateMatch({
            demand: number,
            offer: number,
            mover,
            step: s,
            bonusPercent: p,
            random,
          });

          // Assess
          expect(result?.baseAmount).toBe(number);
          expect(random).not.toHaveBeenCalled();
        }),
      );
    });

    it('puts the base amount inside the overlap, neutrally rounded from a draw', () => {
      fc.assert(
        fc.property(
          overlappingPair,
          side,
          step,
          bonusPercent,
          fc.integer(),
          ({ demand, offer }, mover, s, p, seed) => {
            // Act
            const result = evaluateMatch({
              demand,
              offer,
              mover,
              step: s,
              bonusPercent: p,
              random: seededRandom(seed),
            });

            // Assess
            const base = result!.baseAmount;
            expect(base >= demand && base <= offer).toBe(true);
            expect(roundNeutral(demand, offer, base)).toBe(base);
          },
        ),
        { numRuns: 1_000 },
      );
    });

    it('gives no bonus in step 2, nor when the bonus percent is 0', () => {
      fc.assert(
        fc.property(overlappingPair, side, bonusPercent, ({ demand, offer }, mover, p) => {
          // Act
          const inStep2 = evaluateMatch(
            input({ demand, offer, mover, step: 'initial_round', bonusPercent: p }),
          );
          const atZero = evaluateMatch(input({ demand, offer, mover, step: 'adjustment', bonusPercent: 0 }));

          // Assess
          expect(inStep2?.bonusSide).toBeNull();
          expect(inStep2?.amount).toBe(inStep2?.baseAmount);
          expect(atZero?.bonusSide).toBeNull();
          expect(atZero?.amount).toBe(atZero?.baseAmount);
        }),
      );
    });

    it('gives the step-3 bonus to the side that did not move', () => {
      fc.assert(
        fc.property(overlappingPair, side, fc.integer({ min: 1, max: 20 }), ({ demand, offer }, mover, p) => {
          // Act
          const result = evaluateMatch(input({ demand, offer, mover, step: 'adjustment', bonusPercent: p }));

          // Assess
          expect(result?.bonusSide).toBe(otherSide(mover));
          expect(result?.bonusSide).not.toBe(mover);
        }),
      );
    });

    it('relates amount to base: applyBonus, more for a claimant bonus, less for a respondent one', () => {
      fc.assert(
        fc.property(overlappingPair, side, step, bonusPercent, ({ demand, offer }, mover, s, p) => {
          // Act
          const result = evaluateMatch(input({ demand, offer, mover, step: s, bonusPercent: p }))!;

          // Assess
          expect(result.amount).toBe(applyBonus(result.baseAmount, result.bonusSide, p));
          if (result.bonusSide === 'claimant') expect(result.amount >= result.baseAmount).toBe(true);
          if (result.bonusSide === 'respondent') expect(result.amount <= result.baseAmount).toBe(true);
          // Within p% (plus half a minor unit) of the base.
          const diff = result.amount - result.baseAmount;
          const absDiff = diff < 0n ? -diff : diff;
          expect(absDiff * 200n <= result.baseAmount * BigInt(2 * p) + 100n).toBe(true);
        }),
      );
    });

    it('is deterministic for a given seeded random source', () => {
      fc.assert(
        fc.property(
          overlappingPair,
          side,
          step,
          bonusPercent,
          fc.integer(),
          ({ demand, offer }, mover, s, p, seed) => {
            // Act
            const first = evaluateMatch({
              demand,
              offer,
              mover,
              step: s,
              bonusPercent: p,
              random: seededRandom(seed),
            });
            const second = evaluateMatch({
              demand,
              offer,
              mover,
              step: s,
              bonusPercent: p,
              random: seededRandom(seed),
            });

            // Assess
            expect(second).toEqual(first);
          },
        ),
      );
    });
  });

  describe('examples', () => {
    it('settles [12,000,000, 13,000,000] in step 3 with the respondent bonus when the claimant moved', () => {
      // Prepare: the range holds 1,000,001 values (offsets up to 20 bits: 3 bytes); draw offset 345,678
      const random: RandomSource = () => Uint8Array.from([0x05, 0x46, 0x4e]);

      // Act
      const result = evaluateMatch(
        input({
          demand: 12_000_000n,
          offer: 13_000_000n,
          mover: 'claimant',
          step: 'adjustment',
          bonusPercent: 5,
          random,
        }),
      );

      // Assess: draw 12,345,678 → base 12,300,000 → 95% to the respondent's benefit
      expect(result).toEqual({ baseAmount: 12_300_000n, bonusSide: 'respondent', amount: 11_685_000n });
    });

    it('returns exactly the three outcome fields', () => {
      // Act
      const result = evaluateMatch(input({ demand: 500n, offer: 500n, step: 'initial_round' }));

      // Assess
      expect(result).toStrictEqual({ baseAmount: 500n, bonusSide: null, amount: 500n });
    });

    it('returns null for a demand one above the offer', () => {
      // Act
      const result = evaluateMatch(input({ demand: 1_001n, offer: 1_000n }));

      // Assess
      expect(result).toBeNull();
    });
  });

  describe('invalid input', () => {
    it('rejects amounts outside [1, 10^15]', () => {
      // Prepare
      const attempts = [
        () => evaluateMatch(input({ demand: 0n })),
        () => evaluateMatch(input({ offer: MAX_AMOUNT + 1n })),
      ];

      // Assess
      for (const attempt of attempts) expect(attempt).toThrow(RangeError);
    });

    it('rejects a bonus percent that is not an integer 0–20, even without an overlap', () => {
      // Prepare
      const attempts = [
        () => evaluateMatch(input({ bonusPercent: 21 })),
        () => evaluateMatch(input({ demand: 3n, offer: 2n, bonusPercent: -1 })),
      ];

      // Assess
      for (const attempt of attempts) expect(attempt).toThrow(RangeError);
    });
  });
});
