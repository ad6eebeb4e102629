import { drawUniform } from './random';
import { applyBonus, isBonusPercent, MAX_BONUS_PERCENT, roundNeutral } from './rounding';
import { MAX_AMOUNT, MIN_AMOUNT, otherSide, type RandomSource, type Side, type Step } from './types';

export interface MatchInput {
  /** The claimant's standing number: the least it would accept. */
  demand: bigint;
  /** The respondent's standing number: the most it would pay. */
  offer: bigint;
  /** The side whose accepted number is being evaluated: the one that moved. */
  mover: Side;
  /** The step in which the mover's number was accepted. */
  step: Step;
  /** The session's bonus percent (integer 0–20, fixed at creation). */
  bonusPercent: number;
  /** Production: `cryptoRandom`; tests: `seededRandom(seed)`. */
  random: RandomSource;
}

export interface MatchResult {
  baseAmount: bigint;
  bonusSide: Side | null;
  amount: bigint;
}

/**
 * Evaluates a pair of standing numbers (docs/rules.md, "Match and deal amount"). No overlap (demand > offer) → null: no deal.
 * Exact match → that number, with no draw. Otherwise a uniform draw from [demand, offer], rounded
 * by the neutral rounding rule. In step 3 with a bonus percent above 0 the bonus goes to the side
 * that did not move: its number was already there when the mover's created the overlap.
 */
export function evaluateMatch(input: MatchInput): MatchResult | null {
  const { demand, offer, mover, step, bonusPercent, random } = input;
  for (const amount of [demand, offer]) {
    if (amount < MIN_AMOUNT || amount > MAX_AMOUNT) {
      throw new RangeError(`evaluateMatch: amounts must lie in [${MIN_AMOUNT}, ${MAX_AMOUNT}]`);
    }
  }
  if (!isBonusPercent(bonusPercent)) {
    throw new RangeError(`evaluateMatch: bonusPercent must be an integer 0–${MAX_BONUS_PERCENT}`);
  }
  if (demand > offer) {
    return null;
  }
  const baseAmount =
    demand === offer ? demand : roundNeutral(demand, offer, drawUniform(demand, offer, random));
  const bonusSide = step === 'adjustment' && bonusPercent > 0 ? otherSide(mover) : null;
  return { baseAmount, bonusSide, amount: applyBonus(baseAmount, bonusSide, bonusPercent) };
}
