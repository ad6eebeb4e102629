/** The two sides of a dispute. The claimant enters a demand, the respondent an offer. */
export type Side = 'claimant' | 'respondent';
export const SIDES: readonly Side[] = ['claimant', 'respondent'];
export const otherSide = (side: Side): Side => (side === 'claimant' ? 'respondent' : 'claimant');

/** A user holds exactly one role in a session. */
export type Role = Side | 'mediator';
export const ROLES: readonly Role[] = ['claimant', 'respondent', 'mediator'];
export const isSide = (role: Role): role is Side => role !== 'mediator';

/** The effective phase of a session (docs/rules.md, "Phases"). */
export type Phase =
  | 'setup'
  | 'scheduled'
  | 'initial_round'
  | 'adjustment'
  | 'settled'
  | 'no_deal'
  | 'withdrawn';

/** The step in which a number was accepted: step 2 (`initial_round`) or step 3 (`adjustment`). */
export type Step = 'initial_round' | 'adjustment';

/** Where a deal was reached: by the numbers in step 2 or 3, or by a double-blind proposal. */
export type ReachedIn = Step | 'proposal';

/** Amounts are integers in the currency's minor unit: 1 ≤ amount ≤ 10^15. */
export const MIN_AMOUNT = 1n;
export const MAX_AMOUNT = 10n ** 15n;

/** A source of cryptographically secure random bytes (production: node:crypto; tests: seeded). */
export type RandomSource = (byteCount: number) => Uint8Array;

/** The outcome of a settled session. Not secret: stored in plain and shown to every member. */
export interface Outcome {
  amount: bigint;
  baseAmount: bigint;
  bonusSide: Side | null;
  reachedIn: ReachedIn;
  settledAt: number;
}
