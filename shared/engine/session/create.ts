/** Creating a session (docs/rules.md, "A session"). */
import { isCurrency } from '../currency';
import { textProblem } from '../text';
import type { Role } from '../types';
import { LIMITS, type Rejection, type Result, reject, type Session } from './model';
import { noProposals } from './proposal-state';

export interface CreateSession {
  id: string;
  title: string;
  caseNumber?: string | null;
  currency: string;
  creatorRole: Role;
  startsAt?: number | null;
  initialRoundSeconds?: number;
  adjustmentSeconds?: number;
  bonusPercent?: number;
  proposalGapPercent?: number;
}

function checkRange(name: string, value: number, limits: { min: number; max: number }): Rejection | null {
  if (!Number.isInteger(value) || value < limits.min || value > limits.max) {
    return reject('invalid_input', `${name} must be a whole number from ${limits.min} to ${limits.max}.`);
  }
  return null;
}

export function createSession(command: CreateSession, now: number): Result {
  const title = command.title.trim();
  const titleProblem = textProblem(title, { min: 1, max: LIMITS.titleLength });
  if (titleProblem) return reject('invalid_input', `title ${titleProblem}.`);
  if (!isCurrency(command.currency)) {
    return reject('invalid_input', 'currency must be an ISO 4217 code such as USD.');
  }
  const initialRoundSeconds = command.initialRoundSeconds ?? LIMITS.initialRoundSeconds.default;
  const adjustmentSeconds = command.adjustmentSeconds ?? LIMITS.adjustmentSeconds.default;
  const bonusPercent = command.bonusPercent ?? LIMITS.bonusPercent.default;
  const proposalGapPercent = command.proposalGapPercent ?? LIMITS.proposalGapPercent.default;
  const rangeError =
    checkRange('initialRoundSeconds', initialRoundSeconds, LIMITS.initialRoundSeconds) ??
    checkRange('adjustmentSeconds', adjustmentSeconds, LIMITS.adjustmentSeconds) ??
    checkRange('bonusPercent', bonusPercent, LIMITS.bonusPercent) ??
    checkRange('proposalGapPercent', proposalGapPercent, LIMITS.proposalGapPercent);
  if (rangeError) return rangeError;
  const startsAt = command.startsAt ?? null;
  if (startsAt !== null && !Number.isFinite(startsAt)) {
    return reject('invalid_input', 'startsAt must be a valid time.');
  }
  const session: Session = {
    id: command.id,
    title,
    caseNumber: command.caseNumber ?? null,
    currency: command.currency,
    createdAt: now,
    requestedStartsAt: startsAt,
    initialRoundSeconds,
    adjustmentSeconds,
    bonusPercent,
    proposalGapPercent,
    terms: { version: 0, text: null, acceptedVersion: { claimant: null, respondent: null } },
    joined: { claimant: false, respondent: false, mediator: false, [command.creatorRole]: true },
    termsSettledAt: null,
    initialRoundStartsAt: null,
    initialRoundClosedAt: null,
    initialRoundClosedSeq: null,
    seq: 0,
    evaluatedSeq: 0,
    hasNumber: { claimant: false, respondent: false },
    pendingMoves: [],
    standingSeq: { claimant: null, respondent: null },
    ended: null,
    outcome: null,
    announcedPhase: 'setup',
    proposals: noProposals(),
  };
  return { session, events: [{ type: 'SessionCreated' }] };
}
