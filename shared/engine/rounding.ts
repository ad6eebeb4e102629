import type { Side } from './types';

/**
 * The neutral rounding rule of docs/rules.md, "Match and deal amount". `x` is the uniform draw from the overlap [lo, hi].
 * With d = the number of digits of x and s = 10^max(d − 3, 0): among the multiples of s inside
 * [lo, hi], take the one nearest x, ties to the even multiple (m·s with m even). If none lies
 * inside, divide s by 10 and repeat; at s = 1 the result is x itself.
 *
 * The nearest multiples of s on either side of x are the only candidates: any other multiple
 * inside the overlap is farther from x than one of them, and if both of them are outside, so is
 * every other multiple.
 */
export function roundNeutral(lo: bigint, hi: bigint, x: bigint): bigint {
  if (lo < 1n || x < lo || x > hi) {
    throw new RangeError('roundNeutral: need 1 ≤ lo ≤ x ≤ hi');
  }
  const digits = x.toString().length;
  for (let s = 10n ** BigInt(Math.max(digits - 3, 0)); s > 1n; s /= 10n) {
    const below = x - (x % s);
    if (below === x) {
      return x;
    }
    const above = below + s;
    const belowInside = below >= lo;
    const aboveInside = above <= hi;
    if (belowInside && aboveInside) {
      const toBelow = x - below;
      const toAbove = above - x;
      if (toBelow !== toAbove) {
        return toBelow < toAbove ? below : above;
      }
      return (below / s) % 2n === 0n ? below : above;
    }
    if (belowInside) {
      return below;
    }
    if (aboveInside) {
      return above;
    }
  }
  return x;
}

/** The largest step-3 bonus a session may fix at creation (docs/rules.md, "Match and deal amount": an integer 0–20). */
export const MAX_BONUS_PERCENT = 20;

/** Whether `p` is a valid bonus percent: an integer 0–20. */
export function isBonusPercent(p: number): boolean {
  return Number.isInteger(p) && p >= 0 && p <= MAX_BONUS_PERCENT;
}

/**
 * The step-3 bonus of docs/rules.md, "Match and deal amount", applied to the base amount: respondent → base × (100 − p) / 100,
 * claimant → base × (100 + p) / 100, rounded half-to-even to the minor unit; no bonus side → base.
 * Integers only: the product can exceed 2^53.
 */
export function applyBonus(base: bigint, bonusSide: Side | null, bonusPercent: number): bigint {
  if (!isBonusPercent(bonusPercent)) {
    throw new RangeError(`applyBonus: bonusPercent must be an integer 0–${MAX_BONUS_PERCENT}`);
  }
  if (base < 1n) {
    throw new RangeError('applyBonus: base must be ≥ 1');
  }
  if (bonusSide === null) {
    return base;
  }
  const factor = BigInt(bonusSide === 'claimant' ? 100 + bonusPercent : 100 - bonusPercent);
  return divideHalfEven(base * factor, 100n);
}

/** n / d for n ≥ 0, d > 0, rounded half-to-even. */
function divideHalfEven(n: bigint, d: bigint): bigint {
  const quotient = n / d;
  const twiceRemainder = 2n * (n % d);
  if (twiceRemainder > d || (twiceRemainder === d && quotient % 2n === 1n)) {
    return quotient + 1n;
  }
  return quotient;
}
