import { drawUniform } from './random';
import { roundNeutral } from './rounding';
import { MAX_AMOUNT, MIN_AMOUNT, type RandomSource } from './types';

/** The largest `proposalGapPercent` a session may fix at creation (an integer 0–100). */
export const MAX_PROPOSAL_GAP_PERCENT = 100;

export type ProposalAmount = { refused: true } | { refused: false; amount: bigint };

/**
 * The computed proposal's published rule (docs/rules.md, "Double-blind proposals"). With the
 * claimant's demand D above the respondent's offer O: if D − O > D × gapPercent / 100 the request
 * is refused ("too far apart"); otherwise x is drawn uniformly from [O, D] and rounded by the
 * neutral rounding rule inside [O, D] — never the midpoint, which would reveal both numbers.
 * Integers only: D × gapPercent can exceed 2^53.
 */
export function computeProposalAmount(
  demand: bigint,
  offer: bigint,
  gapPercent: number,
  random: RandomSource,
): ProposalAmount {
  for (const amount of [demand, offer]) {
    if (amount < MIN_AMOUNT || amount > MAX_AMOUNT) {
      throw new RangeError(`computeProposalAmount: amounts must lie in [${MIN_AMOUNT}, ${MAX_AMOUNT}]`);
    }
  }
  if (!Number.isInteger(gapPercent) || gapPercent < 0 || gapPercent > MAX_PROPOSAL_GAP_PERCENT) {
    throw new RangeError(
      `computeProposalAmount: gapPercent must be an integer 0–${MAX_PROPOSAL_GAP_PERCENT}`,
    );
  }
  // Overlapping numbers are a deal, never a proposal: match settles them first.
  if (demand <= offer) throw new RangeError('computeProposalAmount: the numbers overlap');
  if ((demand - offer) * 100n > demand * BigInt(gapPercent)) return { refused: true };
  return { refused: false, amount: roundNeutral(offer, demand, drawUniform(offer, demand, random)) };
}
