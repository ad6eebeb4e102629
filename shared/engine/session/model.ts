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
  /** Lengths in Unicode code points (shared/engine/text.ts). */
  titleLength: 200,
  caseNumberLength: 100,
  termsLength: 20_000,
} as const;

/** A number accepted but not yet evaluated. The sealed amount stays with the adapter. */
export interface Move {
  seq: number;
  side: Side;
  step: Step;
  at: number;
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
}

export type DomainEvent =
  | { type: 'SessionCreated' }
  | { type: 'MemberJoined'; role: Role }
  | { type: 'TermsProposed'; version: number; by: Role }
  | { type: 'TermsAccepted'; side: Side; version: number }
  | { type: 'TermsSettled'; version: number; initialRoundStartsAt: number; initialRoundEndsAt: number }
  | { type: 'InitialRoundOpened'; initialRoundEndsAt: number }
  | { type: 'NumberAccepted'; side: Side; seq: number; step: Step }
  | { type: 'MoveEvaluated'; seq: number; result: 'no_pair' | 'no_overlap' | 'deal' | 'void' }
  | { type: 'InitialRoundClosed'; at: number }
  | { type: 'AdjustmentOpened'; endsAt: number }
  | { type: 'Settled'; outcome: Outcome }
  | { type: 'NoDeal'; at: number }
  | { type: 'Withdrawn'; side: Side; at: number };

export type RejectionCode =
  | 'invalid_input'
  | 'forbidden'
  | 'round_not_open'
  | 'session_ended'
  | 'terms_closed'
  | 'terms_changed'
  | 'evaluation_pending'
  | 'nothing_to_evaluate';

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
