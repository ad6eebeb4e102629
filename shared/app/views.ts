/**
 * The session view of openapi.yaml, computed for one caller from the stored aggregate and `now`.
 * Nothing in it changes with the other side's writes beyond `hasNumber` (and, inherent to the
 * product, the phase, the schedule once step 3 opens early, and the outcome): no seq, no
 * revision, no update time.
 */
import {
  adjustmentEndsAt,
  effectivePhase,
  effectiveProposals,
  initialRoundEndsAt,
  isEnded,
  type ProposalKind,
  type ProposalState,
  type Role,
  type Side,
} from '../engine';
import type { SessionRecord } from './session-record';

export const isoSeconds = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

type MemberView = { email: string; displayName: string | null; status: 'joined' | 'invited' };

/** Display names by email (docs/rules.md, "Profiles"): only people who set one. */
export type DisplayNames = ReadonlyMap<string, string>;
const NO_NAMES: DisplayNames = new Map();

export interface SessionView {
  id: string;
  matterId: string;
  previousSessionId: string | null;
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
  proposalGapPercent: number;
  proposal: ProposalView | null;
  outcome: {
    amount: number;
    baseAmount: number;
    bonusSide: Side | null;
    reachedIn: string;
    settledAt: string;
  } | null;
}

/**
 * The latest proposal (docs/rules.md, "Double-blind proposals"). Nothing in it depends on whether
 * or how the other side answered: only `myAnswer`, the caller's own side's answer.
 */
export interface ProposalView {
  kind: ProposalKind;
  state: ProposalState;
  requestedBy: Side | null;
  amount: number | null;
  respondBy: string | null;
  myAnswer: boolean | null;
  history: { kind: ProposalKind; state: ProposalState }[];
}

function proposalView(record: SessionRecord, now: number, myAnswer: boolean | null): ProposalView | null {
  const { current, history } = effectiveProposals(record.session, now);
  if (!current) return null;
  return {
    kind: current.kind,
    state: current.state,
    requestedBy: current.requestedBy,
    amount: current.amount === null ? null : Number(current.amount),
    respondBy: isoSeconds(current.respondBy),
    myAnswer,
    history: history.map((h) => ({ kind: h.kind, state: h.state })),
  };
}

function membersOf(
  record: SessionRecord,
  role: Role,
  includePending: boolean,
  names: DisplayNames,
): MemberView[] {
  const member = (email: string, status: MemberView['status']): MemberView => ({
    email,
    displayName: names.get(email) ?? null,
    status,
  });
  const joined = record.members.filter((m) => m.role === role).map((m) => member(m.email, 'joined'));
  const pending = includePending
    ? [...record.invitations]
        .filter((i) => i.role === role)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((i) => member(i.email, 'invited'))
    : [];
  return [...joined, ...pending];
}

/** Every address a view of the record may show: members and open invitations. */
export const addressesIn = (record: SessionRecord): string[] => [
  ...new Set([...record.members.map((m) => m.email), ...record.invitations.map((i) => i.email)]),
];

/**
 * `myAnswer` is the caller's side's answer to the latest proposal, opened by the caller
 * (shared/app/my-answer.ts): this function never opens anything. `names` are the display names
 * of the people in it (shared/app/profiles/display-names.ts).
 */
export function sessionView(
  record: SessionRecord,
  myRole: Role,
  now: number,
  myAnswer: boolean | null = null,
  names: DisplayNames = NO_NAMES,
): SessionView {
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
    members: membersOf(record, s, myRole === s, names),
  });
  const mediator = membersOf(record, 'mediator', true, names)[0] ?? null;
  return {
    id: session.id,
    matterId: record.matterId,
    previousSessionId: record.previousSessionId,
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
    proposalGapPercent: session.proposalGapPercent,
    proposal: proposalView(record, now, myRole === 'mediator' ? null : myAnswer),
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
