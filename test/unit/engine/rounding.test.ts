import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBonus, isBonusPercent, MAX_BONUS_PERCENT, roundNeutral } from '../../../shared/engine/rounding';
import { MAX_AMOUNT, MIN_AMOUNT, type Side } from '../../../shared/engine/types';

interface RoundingVector {
  lo: string;
  hi: string;
  draw: string;
  base: string;
}
interface BonusVector {
  base: string;
  bonusSide: Side | null;
  bonusPercent: number;
  amount: string;
}

// The product's vectors live in shared/vectors beside the repository (as in CI). A copy is kept in
// test/fixtures so a clone without shared/ still runs them; when both exist they must be equal.
const SHARED_VECTORS = resolve(process.cwd(), '../shared/vectors/neutral-rounding.json');
const FIXTURE_VECTORS = resolve(process.cwd(), 'test/fixtures/neutral-rounding.json');
const vectorsText = readFileSync(existsSync(SHARED_VECTORS) ? SHARED_VECTORS : FIXTURE_VECTORS, 'utf8');
const vectors = JSON.parse(vectorsText) as { rounding: RoundingVector[]; bonus: BonusVector[] };

describe('the vendored copy of the vectors', () => {
  it('equals shared/vectors/neutral-rounding.json whenever that file is beside the repository', () => {
    // Prepare / Act
    const copy = JSON.parse(readFileSync(FIXTURE_VECTORS, 'utf8')) as unknown;
    // Assess
    expect(copy).toEqual(JSON.parse(vectorsText));
  });
});

/** Significant figures of a positive integer: its digits without the trailing zeros. */
const significantFigures = (n: bigint): number => n.toString().replace(/0+$/, '').length;

/** The least number ≥ lo with at most three significant figures (it has as many digits as lo, or is 10^digits). */
const leastThreeFigureAtLeast = (lo: bigint): bigint => {
  const step = 10n ** BigInt(Math.max(lo.toString().length - 3, 0));
  return ((lo + step - 1n) / step) * step;
};

/** An independent half-to-even division: exact rational comparison against the half. */
const independentHalfEven = (base: bigint, percentFactor: bigint): bigint => {
  const product = base * percentFactor;
  const floor = product / 100n;
  const fractionTimes100 = product - floor * 100n;
  if (fractionTimes100 < 50n) return floor;
  if (fractionTimes100 > 50n) return floor + 1n;
  return floor % 2n === 0n ? floor : floor + 1n;
};

const amount = fc.bigInt({ min: MIN_AMOUNT, max: MAX_AMOUNT });
/** Amounts of every magnitude: 1 to 16 digits, each as likely. */
const amountOfAnyMagnitude = fc.integer({ min: 1, max: 16 }).chain((digits) =>
  fc.bigInt({
    min: 10n ** BigInt(digits - 1),
    max: digits === 16 ? MAX_AMOUNT : 10n ** BigInt(digits) - 1n,
  }),
);
/** Overlaps of every scale: from a single number to the whole amount range. */
const overlap = fc
  .tuple(amountOfAnyMagnitude, fc.integer({ min: 0, max: 15 }), fc.bigInt({ min: 0n, max: 10n ** 15n }))
  .map(([lo, scale, raw]) => {
    const width = raw % 10n ** BigInt(scale);
    const hi = lo + width > MAX_AMOUNT ? MAX_AMOUNT : lo + width;
    return { lo, hi };
  });
const overlapAndDraw = overlap.chain(({ lo, hi }) =>
  fc.bigInt({ min: lo, max: hi }).map((x) => ({ lo, hi, x })),
);

describe('roundNeutral', () => {
  describe('test vectors of shared/vectors/neutral-rounding.json', () => {
    it('holds rounding vectors', () => {
      // Assess
      expect(vectors.rounding.length).toBeGreaterThan(0);
    });

    it.each(vectors.rounding)('[$lo, $hi], draw $draw → $base', ({ lo, hi, draw, base }) => {
      // Prepare
      const overlapLo = BigInt(lo);
      const overlapHi = BigInt(hi);
      const x = BigInt(draw);

      // Act
      const result = roundNeutral(overlapLo, overlapHi, x);

      // Assess
      expect(result).toBe(BigInt(base));
    });
  });

  describe('worked examples of docs/rules.md, "Match and deal amount"', () => {
    it('rounds a draw of 12,345,678 in [12,000,000, 13,000,000] to 12,300,000', () => {
      // Prepare
      const [lo, hi, x] = [12_000_000n, 13_000_000n, 12_345_678n];

      // Act
      const base = roundNeutral(lo, hi, x);

      // Assess
      expect(base).toBe(12_300_000n);
    });

    it('rounds a draw of 1,243 in [1,241, 1,259] to 1,250 (the only multiple of 10 inside)', () => {
      // Prepare
      const [lo, hi, x] = [1_241n, 1_259n, 1_243n];

      // Act
      const base = roundNeutral(lo, hi, x);

      // Assess
      expect(base).toBe(1_250n);
    });

    it('keeps a draw of 100,004 in [100,001, 100,009]: no multiple of 10 lies inside', () => {
      // Prepare
      const [lo, hi, x] = [100_001n, 100_009n, 100_004n];

      // Act
      const base = roundNeutral(lo, hi, x);

      // Assess
      expect(base).toBe(100_004n);
    });
  });

  describe('edge cases', () => {
    it('keeps a draw that is already a multiple of s', () => {
      // Prepare
      const [lo, hi, x] = [1_000n, 2_000n, 1_500n];

      // Act
      const base = roundNeutral(lo, hi, x);

      // Assess
      expect(base).toBe(1_500n);
    });

    it('takes the multiple below when the one above lies outside', () => {
      // Prepare
      const [lo, hi, x] = [12_300n, 12_345n, 12_344n];

      // Act
      const base = roundNeutral(lo, hi, x);

      // Assess
      expect(base).toBe(12_300n);
    });

    it('takes the nearer multiple below when both are inside', () => {
      // Prepare
      const [lo, hi, x] = [1_000n, 2_000n, 1_234n];

      // Act
      const base = roundNeutral(lo, hi, x);

      // Assess
      expect(base).toBe(1_230n);
    });

    it('breaks a tie toward the even multiple, down as well as up', () => {
      // Prepare
      const cases: Array<[bigint, bigint]> = [
        [1_225n, 1_220n],
        [1_235n, 1_240n],
      ];

      // Act
      const results = cases.map(([x]) => roundNeutral(1_000n, 2_000n, x));

      // Assess
      expect(results).toEqual(cases.map(([, expected]) => expected));
    });

    it('rejects a draw outside the overlap or an overlap below 1', () => {
      // Prepare
      const invalid: Array<[bigint, bigint, bigint]> = [
        [0n, 10n, 5n],
        [10n, 20n, 9n],
        [10n, 20n, 21n],
      ];

      // Act
      const attempts = invalid.map(
        ([lo, hi, x]) =>
          () =>
            roundNeutral(lo, hi, x),
      );

      // Assess
      for (const attempt of attempts) expect(attempt).toThrow(RangeError);
    });
  });

  describe('properties', () => {
    it('always lies within the overlap', () => {
      fc.assert(
        fc.property(overlapAndDraw, ({ lo, hi, x }) => {
          // Act
          const base = roundNeutral(lo, hi, x);

          // Assess
          expect(base >= lo && base <= hi).toBe(true);
        }),
        { numRuns: 2_000 },
      );
    });

    it('has at most three significant figures whenever such a number lies in the overlap', () => {
      fc.assert(
        fc.property(overlapAndDraw, ({ lo, hi, x }) => {
          // Prepare
          const someThreeFigureNumberInside = leastThreeFigureAtLeast(lo) <= hi;

          // Act
          const base = roundNeutral(lo, hi, x);

          // Assess
          if (someThreeFigureNumberInside) expect(significantFigures(base)).toBeLessThanOrEqual(3);
        }),
        { numRuns: 2_000 },
      );
    });

    it('sends an exact tie between two multiples to the even one', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 100, max: 999 }), (exponent, m) => {
          // Prepare: x halfway between m·s and (m+1)·s, with x of 3 + exponent digits
          const s = 10n ** BigInt(exponent);
          const multiple = BigInt(m);
          const x = multiple * s + s / 2n;
          const lo = multiple * s;
          const hi = (multiple + 1n) * s;

          // Act
          const base = roundNeutral(lo, hi, x);

          // Assess
          expect(base).toBe(multiple % 2n === 0n ? lo : hi);
        }),
        { numRuns: 1_000 },
      );
    });
  });
});

describe('applyBonus', () => {
  describe('test vectors of shared/vectors/neutral-rounding.json', () => {
    it('holds bonus vectors', () => {
      // Assess
      expect(vectors.bonus.length).toBeGreaterThan(0);
    });

    it.each(vectors.bonus)('$base with $bonusPercent% to $bonusSide → $amount', (vector) => {
      // Prepare
      const base = BigInt(vector.base);

      // Act
      const result = applyBonus(base, vector.bonusSide, vector.bonusPercent);

      // Assess
      expect(result).toBe(BigInt(vector.amount));
    });
  });

  describe('examples', () => {
    it('returns the base when no side gets a bonus', () => {
      // Act
      const result = applyBonus(12_345n, null, 5);

      // Assess
      expect(result).toBe(12_345n);
    });

    it('rounds 28.5 down to the even 28 and 9.5 up to the even 10', () => {
      // Act
      const results = [applyBonus(30n, 'respondent', 5), applyBonus(10n, 'respondent', 5)];

      // Assess
      expect(results).toEqual([28n, 10n]);
    });

    it('rejects a bonus percent that is not an integer 0–20, and a base below 1', () => {
      // Prepare
      const attempts = [
        () => applyBonus(100n, 'claimant', -1),
        () => applyBonus(100n, 'claimant', 21),
        () => applyBonus(100n, 'claimant', 2.5),
        () => applyBonus(100n, null, Number.NaN),
        () => applyBonus(0n, 'claimant', 5),
      ];

      // Assess
      for (const attempt of attempts) expect(attempt).toThrow(RangeError);
    });

    it('accepts exactly the integers 0 to MAX_BONUS_PERCENT as bonus percents', () => {
      // Act
      const valid = [-1, 0, 1, 19, 20, 21, 0.5].filter(isBonusPercent);

      // Assess
      expect(valid).toEqual([0, 1, 19, 20]);
      expect(MAX_BONUS_PERCENT).toBe(20);
    });
  });

  describe('properties', () => {
    it('equals base × (100 ± p) / 100 rounded half-to-even', () => {
      fc.assert(
        fc.property(
          amount,
          fc.constantFrom<Side>('claimant', 'respondent'),
          fc.integer({ min: 0, max: 20 }),
          (base, side, p) => {
            // Prepare
            const factor = BigInt(side === 'claimant' ? 100 + p : 100 - p);

            // Act
            const result = applyBonus(base, side, p);

            // Assess
            expect(result).toBe(independentHalfEven(base, factor));
          },
        ),
        { numRuns: 2_000 },
      );
    });

    it('never moves the amount against the side that gets the bonus', () => {
      fc.assert(
        fc.property(amount, fc.integer({ min: 0, max: 20 }), (base, p) => {
          // Act
          const toClaimant = applyBonus(base, 'claimant', p);
          const toRespondent = applyBonus(base, 'respondent', p);

          // Assess
          expect(toClaimant >= base && toRespondent <= base).toBe(true);
        }),
      );
    });
  });
});
