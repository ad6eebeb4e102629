/**
 * The session view of openapi.yaml, computed for one caller from the stored aggregate and `now`.
 * Nothing in it changes with the other side's writes beyond `hasNumber` (and, inherent to the
 * product, the phase, the schedule once step 3 opens early, and the outcome): no seq, no
 * revision, no update time.
 */
import {
  adjustmentEndsAt,
  effectivePhase,
  initialRoundEndsAt,
  isEnded,
  type Role,
  type Side,
} from '../engine';
import type { SessionRecord } from './session-record';

export const isoSeconds = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

type MemberView = { email: string; status: 'joined' | 'invited' };

export interface SessionView {
  id: string;
  title: string;
  caseNumber: string | null;
  currency: string;
  myRole: Role;
  phase: string;
  terms: { version: number; text: string | null; acceptedVersion: Record<Side, number | null> };
  sides: Record<Side, { hasNumber: boolean; members: MemberView[] }>;
  mediator: MemberView | null;
  schedule: {
    startsAt: string | null;
    initialRoundEndsAt: string | null;
    endsAt: string | null;
    initialRoundSeconds: number;
    adjustmentSeconds: number;
  };
  bonusPercent: number;
  outcome: {
    amount: number;
    baseAmount: number;
    bonusSide: Side | null;
    reachedIn: string;
    settledAt: string;
  } | null;
}

function membersOf(record: SessionRecord, role: Role, includePending: boolean): MemberView[] {
  const joined = record.members
    .filter((m) => m.role === role)
    .map((m): MemberView => ({ email: m.email, status: 'joined' }));
  const pending = includePending
    ? [...record.invitations]
        .filter((i) => i.role === role)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((i): MemberView => ({ email: i.email, status: 'invited' }))
    : [];
  return [...joined, ...pending];
}

export function sessionView(record: SessionRecord, myRole: Role, now: number): SessionView {
  const { session } = record;
  const phase = effectivePhase(session, now);
  const opened = session.initialRoundStartsAt !== null && now >= session.initialRoundStartsAt;
  // Derived times of an ended session are frozen at its end.
  const asOf = session.ended?.at ?? session.outcome?.settledAt ?? now;
  const showsEnd =
    phase === 'adjustment' || (isEnded(phase) && session.outcome?.reachedIn !== 'initial_round');
  const endsAt = showsEnd ? adjustmentEndsAt(session, asOf) : null;
  const side = (s: Side) => ({
    hasNumber: session.hasNumber[s],
    members: membersOf(record, s, myRole === s),
  });
  const mediator = membersOf(record, 'mediator', true)[0] ?? null;
  return {
    id: session.id,
    title: session.title,
    caseNumber: session.caseNumber,
    currency: session.currency,
    myRole,
    phase,
    terms: {
      version: session.terms.version,
      text: session.terms.text,
      acceptedVersion: { ...session.terms.acceptedVersion },
    },
    sides: { claimant: side('claimant'), respondent: side('respondent') },
    mediator,
    schedule: {
      startsAt: isoSeconds(opened ? session.initialRoundStartsAt : session.requestedStartsAt),
      initialRoundEndsAt: isoSeconds(initialRoundEndsAt(session)),
      endsAt: isoSeconds(endsAt),
      initialRoundSeconds: session.initialRoundSeconds,
      adjustmentSeconds: session.adjustmentSeconds,
    },
    bonusPercent: session.bonusPercent,
    outcome: session.outcome
      ? {
          amount: Number(session.outcome.amount),
          baseAmount: Number(session.outcome.baseAmount),
          bonusSide: session.outcome.bonusSide,
          reachedIn: session.outcome.reachedIn,
          settledAt: isoSeconds(session.outcome.settledAt)!,
        }
      : null,
  };
}
