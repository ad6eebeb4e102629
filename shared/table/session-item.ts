/**
 * How a session is stored (docs/data-model.md): the aggregate item, and the member and invitation
 * projections written in the same transaction for the two lookups that start elsewhere (a user's
 * sessions, an invitation token).
 */
import type { Invitation, Member, SealedAnswers, SessionRecord } from '../app/session-record';
import {
  LIMITS,
  noProposals,
  type Outcome,
  type Proposals,
  type Role,
  type Session,
  type Side,
} from '../engine';
import {
  invitationSk,
  memberSk,
  SESSION_SK,
  sessionPk,
  tokenGsiPk,
  userGsiPk,
  userGsiSk,
  WORK,
} from './keys';

type Item = Record<string, unknown>;

function outcomeToItem(outcome: Outcome | null) {
  return outcome
    ? {
        amount: outcome.amount.toString(),
        baseAmount: outcome.baseAmount.toString(),
        bonusSide: outcome.bonusSide,
        reachedIn: outcome.reachedIn,
        settledAt: outcome.settledAt,
      }
    : null;
}

function outcomeFromItem(value: unknown): Outcome | null {
  if (!value) return null;
  const o = value as Record<string, unknown>;
  return {
    amount: BigInt(o.amount as string),
    baseAmount: BigInt(o.baseAmount as string),
    bonusSide: (o.bonusSide as Side | null) ?? null,
    reachedIn: o.reachedIn as Outcome['reachedIn'],
    settledAt: o.settledAt as number,
  };
}

/** A proposal's amount is not secret once open; stored as a string (amounts may exceed 2^53). */
function proposalsToItem(proposals: Proposals) {
  const { current } = proposals;
  return {
    ...proposals,
    current: current ? { ...current, amount: current.amount?.toString() ?? null } : null,
  };
}

/** Sessions stored before proposals existed read as having none, with the default gap. */
function proposalsFromItem(value: unknown): Proposals {
  if (!value) return noProposals();
  const proposals = value as Proposals;
  const { current } = proposals;
  const amount = current?.amount;
  return {
    ...proposals,
    current: current
      ? { ...current, amount: amount === null || amount === undefined ? null : BigInt(amount) }
      : null,
  };
}

/** Active sessions sit in the sparse work index so the reconciler can find them. */
const isActive = (record: SessionRecord) => !record.session.outcome && !record.session.ended;

export function toItem(record: SessionRecord, options: { matchDue?: boolean } = {}): Item {
  const { session } = record;
  const item: Item = {
    pk: sessionPk(session.id),
    sk: SESSION_SK,
    type: 'session',
    ...session,
    outcome: outcomeToItem(session.outcome),
    proposals: proposalsToItem(session.proposals),
    // Stored so operators can see where a session is; views use the effective phase.
    phase: session.announcedPhase,
    matterId: record.matterId,
    previousSessionId: record.previousSessionId,
    nextSessionId: record.nextSessionId,
    createdBy: record.createdBy,
    members: record.members,
    invitations: record.invitations,
    inviteTimes: record.inviteTimes,
    sealed: record.sealed,
    latest: record.latest,
    rev: record.rev,
  };
  if (record.answers) item.answers = record.answers;
  if (isActive(record)) {
    item.workPk = WORK.activeSessions;
    item.workSk = session.id;
  }
  // The match stream filter selects this constant; only number writes set it.
  if (options.matchDue) item.matchDue = 1;
  return item;
}

export function fromItem(item: Item): SessionRecord {
  const {
    pk: _pk,
    sk: _sk,
    type: _type,
    phase: _phase,
    workPk: _workPk,
    workSk: _workSk,
    matchDue: _matchDue,
    // The reconciler's re-drive stamp: not part of the session.
    redrive: _redrive,
    matterId,
    previousSessionId,
    nextSessionId,
    createdBy,
    members,
    invitations,
    inviteTimes,
    sealed,
    latest,
    rev,
    outcome,
    proposals,
    proposalGapPercent,
    answers,
    ...rest
  } = item;
  return {
    session: {
      ...(rest as unknown as Session),
      outcome: outcomeFromItem(outcome),
      proposalGapPercent: (proposalGapPercent as number | undefined) ?? LIMITS.proposalGapPercent.default,
      proposals: proposalsFromItem(proposals),
    },
    // Sessions stored before matters existed are each their own matter.
    matterId: (matterId as string | undefined) ?? (rest.id as string),
    previousSessionId: (previousSessionId as string | null | undefined) ?? null,
    nextSessionId: (nextSessionId as string | null | undefined) ?? null,
    createdBy: createdBy as string,
    members: members as Member[],
    invitations: invitations as Invitation[],
    inviteTimes: inviteTimes as number[],
    sealed: (sealed ?? {}) as Record<string, Uint8Array>,
    latest: latest as SessionRecord['latest'],
    rev: rev as number,
    answers: (answers as SealedAnswers | undefined) ?? null,
  };
}

/** The projection that lists a session among a user's sessions (`byUser`). */
export function memberItem(session: Session, email: string, role: Role): Item {
  return {
    pk: sessionPk(session.id),
    sk: memberSk(email),
    type: 'member',
    sessionId: session.id,
    email,
    role,
    gsi1pk: userGsiPk(email),
    gsi1sk: userGsiSk(session.createdAt, session.id),
  };
}

/** The projection that finds a session from an invitation token's hash (`byInviteToken`). */
export function invitationItem(sessionId: string, invitation: Invitation): Item {
  return {
    pk: sessionPk(sessionId),
    sk: invitationSk(invitation.email),
    type: 'invitation',
    sessionId,
    email: invitation.email,
    gsi2pk: tokenGsiPk(invitation.tokenHash),
    expiresAt: Math.ceil(invitation.validUntil / 1000),
  };
}
