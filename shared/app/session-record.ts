/**
 * The session aggregate as stored: the engine's `Session` plus what only adapters handle —
 * members, open invitations, the sealed numbers, and the optimistic-lock revision.
 *
 * The session item is the single source of truth for a session (one GetItem serves a view and
 * every authorization check). Member and invitation items are projections written in the same
 * transaction for the two lookups that start elsewhere: a user's sessions and an invitation token.
 */
import type { Outcome, Role, Session, Side } from '../engine';

export interface Member {
  email: string;
  role: Role;
  joinedAt: number;
}

export interface Invitation {
  /** Random id; the link's token is derived from it with the secret key (never stored). */
  id: string;
  email: string;
  role: Role;
  invitedBy: string;
  invitedByRole: Role;
  /** SHA-256 of the token, base64url. */
  tokenHash: string;
  createdAt: number;
  validUntil: number;
}

export interface SessionRecord {
  session: Session;
  createdBy: string;
  members: Member[];
  /** Open invitations only: used, revoked and replaced ones are removed. */
  invitations: Invitation[];
  /** Times of invitations issued within the last 24 h of the business clock (rate limit). */
  inviteTimes: number[];
  /** Sealed numbers still needed, keyed by the seq they were sealed under (pending, standing, latest). */
  sealed: Record<string, Uint8Array>;
  /** Each side's latest number: the seq it was sealed under and when it was accepted. */
  latest: Record<Side, { seq: number; at: number } | null>;
  /** Optimistic lock: every write of the session item checks and bumps it. */
  rev: number;
}

export const SESSION_SK = 'SESSION';
export const sessionPk = (id: string) => `SESSION#${id}`;
export const memberSk = (email: string) => `MEMBER#${email}`;
export const invitationSk = (email: string) => `INVITE#${email}`;
export const userGsiPk = (email: string) => `USER#${email}`;
export const tokenGsiPk = (tokenHash: string) => `INVITE#${tokenHash}`;

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
    // Stored so operators can see where a session is; views use the effective phase.
    phase: session.announcedPhase,
    createdBy: record.createdBy,
    members: record.members,
    invitations: record.invitations,
    inviteTimes: record.inviteTimes,
    sealed: record.sealed,
    latest: record.latest,
    rev: record.rev,
  };
  if (isActive(record)) {
    item.workPk = 'ACTIVE';
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
    // The reconciler's re-drive stamp (see reconciler-service.ts): not part of the session.
    redrive: _redrive,
    createdBy,
    members,
    invitations,
    inviteTimes,
    sealed,
    latest,
    rev,
    outcome,
    ...rest
  } = item;
  return {
    session: { ...(rest as unknown as Session), outcome: outcomeFromItem(outcome) },
    createdBy: createdBy as string,
    members: members as Member[],
    invitations: invitations as Invitation[],
    inviteTimes: inviteTimes as number[],
    sealed: (sealed ?? {}) as Record<string, Uint8Array>,
    latest: latest as SessionRecord['latest'],
    rev: rev as number,
  };
}

export function roleOf(record: SessionRecord, email: string): Role | null {
  return record.members.find((m) => m.email === email)?.role ?? null;
}

/** Keeps only the sealed numbers still needed: pending moves, standing numbers, latest numbers. */
export function pruneSealed(record: SessionRecord): Record<string, Uint8Array> {
  const { session } = record;
  if (session.outcome || session.ended) return {};
  const needed = new Set<number>([
    ...session.pendingMoves.map((m) => m.seq),
    ...Object.values(session.standingSeq).filter((s): s is number => s !== null),
    ...Object.values(record.latest).flatMap((l) => (l ? [l.seq] : [])),
  ]);
  return Object.fromEntries(Object.entries(record.sealed).filter(([seq]) => needed.has(Number(seq))));
}
