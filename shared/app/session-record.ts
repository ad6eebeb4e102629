/**
 * The session aggregate the use cases work on: the engine's `Session` plus what only the
 * application handles — members, open invitations, the sealed numbers, and the optimistic-lock
 * revision. How it is stored is shared/table's business (docs/data-model.md).
 */
import type { Role, Session, Side } from '../engine';

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
  /**
   * Issued by negotiating again to a member of the ended session: it survives the first member of
   * its role joining (docs/rules.md, "Across the life of a case"), so every former member can.
   */
  renewal?: boolean;
}

export interface SessionRecord {
  session: Session;
  /**
   * The matter this session belongs to (docs/rules.md, "Across the life of a case"): a new
   * session starts one, negotiating again keeps it. Sessions stored before matters read as their
   * own matter (shared/table/session-item.ts).
   */
  matterId: string;
  /** The session this one negotiates again; null for a matter's first. */
  previousSessionId: string | null;
  /** The session started from this one by negotiating again (at most one); null until then. */
  nextSessionId: string | null;
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
  /**
   * The sides' sealed answers to the latest proposal (docs/rules.md, "Double-blind proposals"):
   * never in plaintext anywhere. Deleted when a new proposal starts and when the session ends.
   */
  answers?: SealedAnswers | null;
}

export interface SealedAnswers {
  /** The proposal's number: each answer is sealed under it. */
  proposal: number;
  sealed: Partial<Record<Side, Uint8Array>>;
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

/** Keeps the sealed answers only while they belong to the latest proposal of a running session. */
export function pruneAnswers(record: SessionRecord): SealedAnswers | null {
  const { session, answers } = record;
  if (!answers || session.outcome || session.ended) return null;
  return session.proposals.current?.number === answers.proposal ? answers : null;
}
