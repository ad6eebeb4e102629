/**
 * The session aggregate as the engine sees it, its events and its rejections (docs/rules.md).
 * The engine never sees a sealed number and never reads the clock or a random source: `now`
 * (epoch ms) and `random` are arguments of the commands in this folder.
 */
import type { Outcome, Phase, Role, Side, Step } from '../types';

export const LIMITS = {
  initialRoundSeconds: { min: 60, max: 30 * 24 * 3600, default: 48 * 3600 },
  adjustmentSeconds: { min: 60, max: 365 * 24 * 3600, default: 28 * 24 * 3600 },
  bonusPercent: { min: 0, max: 20, default: 5 },
  /** How far apart the numbers may be for a computed proposal (docs/rules.md, "Double-blind proposals"). */
  proposalGapPercent: { min: 0, max: 100, default: 30 },
  /** Lengths in Unicode code points (shared/engine/text.ts). */
  titleLength: 200,
  caseNumberLength: 100,
  termsLength: 20_000,
} as const;

/**
 * A write that took a seq and waits for match: a number (its sealed amount stays with the
 * adapter), or a proposal's turn in seq order (`proposal`): the consent that completed a computed
 * request, or the answer that completed a proposal's answers (docs/rules.md, "Double-blind
 * proposals"). `side` is the side whose write took the seq.
 */
export interface Move {
  seq: number;
  side: Side;
  step: Step;
  at: number;
  /** Absent for a number. */
  proposal?: { kind: 'computed' | 'answers'; number: number };
}

export type ProposalKind = 'mediator' | 'computed';

export type ProposalState =
  | 'requested'
  | 'open'
  | 'accepted'
  | 'not_accepted'
  | 'refused'
  | 'declined'
  | 'void';

/**
 * A double-blind proposal. Whether each side has answered is kept (a second answer is refused);
 * how it answered never reaches the engine's state: the answers are sealed by the adapter.
 */
export interface Proposal {
  /** 1, 2, … within the session: the answers are sealed under it. */
  number: number;
  kind: ProposalKind;
  state: ProposalState;
  /** The side that asked for a computed proposal; null for a mediator's. */
  requestedBy: Side | null;
  /** The amount offered to both sides: null until `open`. Not secret once open. */
  amount: bigint | null;
  openedAt: number | null;
  respondBy: number | null;
  answered: Record<Side, boolean>;
}

export interface Proposals {
  /** The latest proposal, or null before the first. */
  current: Proposal | null;
  /** The earlier proposals, oldest first: their kind and how they ended. */
  history: { kind: ProposalKind; state: ProposalState }[];
  /** Mediator's proposals issued so far (at most 3 a session). */
  mediatorCount: number;
  /** Whether each side has asked for its one computed proposal. */
  requested: Record<Side, boolean>;
}

export interface Terms {
  /** 0 = no proposal yet. */
  version: number;
  text: string | null;
  acceptedVersion: Record<Side, number | null>;
}

export type EndReason = 'withdrawn' | 'no_deal';

export interface Session {
  id: string;
  title: string;
  caseNumber: string | null;
  currency: string;
  createdAt: number;
  /** The requested start (epoch ms), if any. */
  requestedStartsAt: number | null;
  initialRoundSeconds: number;
  adjustmentSeconds: number;
  bonusPercent: number;
  /** A computed proposal is refused when D − O > D × proposalGapPercent / 100 (integer 0–100). */
  proposalGapPercent: number;
  terms: Terms;
  /** Whether each role has at least one joined member. */
  joined: Record<Role, boolean>;
  termsSettledAt: number | null;
  /** max(requestedStartsAt, termsSettledAt): the moment step 2 opens. */
  initialRoundStartsAt: number | null;
  /** Set by the write that completed both step-2 numbers (step 2 closed early). */
  initialRoundClosedAt: number | null;
  initialRoundClosedSeq: number | null;
  seq: number;
  evaluatedSeq: number;
  hasNumber: Record<Side, boolean>;
  /** Accepted, not yet evaluated, in seq order. */
  pendingMoves: Move[];
  /** The seq of each side's standing number as of `evaluatedSeq`. */
  standingSeq: Record<Side, number | null>;
  ended: { reason: EndReason; at: number } | null;
  outcome: Outcome | null;
  /** The last phase whose change was announced (events emitted). Lags the effective phase. */
  announcedPhase: Phase;
  proposals: Proposals;
}

export type DomainEvent =
  | { type: 'SessionCreated' }
  | { type: 'MemberJoined'; role: Role }
  | { type: 'TermsProposed'; version: number; by: Role }
  | { type: 'TermsAccepted'; side: Side; version: number }
  | { type: 'TermsSettled'; version: number; initialRoundStartsAt: number; initialRoundEndsAt: number }
  | { type: 'InitialRoundOpened'; initialRoundEndsAt: number }
  | { type: 'NumberAccepted'; side: Side; seq: number; step: Step }
  | { type: 'MoveEvaluated'; seq: number; result: 'no_pair' | 'no_overlap' | 'deal' | 'void' | 'proposal' }
  | { type: 'InitialRoundClosed'; at: number }
  | { type: 'AdjustmentOpened'; endsAt: number }
  | { type: 'Settled'; outcome: Outcome }
  | { type: 'NoDeal'; at: number }
  | { type: 'Withdrawn'; side: Side; at: number }
  | { type: 'ProposalRequested'; proposal: number; side: Side }
  | { type: 'ProposalConsented'; proposal: number; side: Side; seq: number }
  | { type: 'ProposalDeclined'; proposal: number; side: Side }
  | { type: 'ProposalRefused'; proposal: number }
  | { type: 'ProposalOpened'; proposal: number; kind: ProposalKind; amount: bigint; respondBy: number }
  | { type: 'ProposalAnswered'; proposal: number; side: Side; seq: number | null }
  | { type: 'ProposalClosed'; proposal: number; state: 'accepted' | 'not_accepted' }
  | { type: 'ProposalVoided'; proposal: number };

export type RejectionCode =
  | 'invalid_input'
  | 'forbidden'
  | 'round_not_open'
  | 'session_ended'
  | 'terms_closed'
  | 'terms_changed'
  | 'evaluation_pending'
  | 'nothing_to_evaluate'
  | 'proposal_unavailable'
  | 'no_proposal'
  | 'already_answered';

export interface Rejection {
  rejected: RejectionCode;
  message: string;
}

export interface Transition {
  session: Session;
  events: DomainEvent[];
}

export type Result = Transition | Rejection;

export const isRejection = (result: Result): result is Rejection => 'rejected' in result;

export const reject = (rejected: RejectionCode, message: string): Rejection => ({ rejected, message });

export const SECOND = 1000;
