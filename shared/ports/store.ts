/**
 * Storage ports: what the use cases need from the table, in the language of the domain. The
 * DynamoDB adapters (shared/adapters/dynamodb) implement them with conditional writes; tests may
 * use an in-memory twin (test/support/memory-store.ts).
 */
import type { OutboxRecord } from '../app/outbox';
import type { SessionRecord } from '../app/session-record';
import type { DomainEvent } from '../engine';

/** Someone else changed the session first: reload, decide again, retry. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor() {
    super('The session changed during the write.');
  }
}

/**
 * A write that must commit in the same transaction as a change, or not at all (an idempotency
 * record). Opaque to the use cases: only the adapter that made it knows what it holds.
 */
export interface AtomicWrite {
  readonly atomicWrite: unknown;
}

/**
 * Records a command's result with the change it made (or alone, when it changed nothing), so a
 * retry of the same request returns the first result (the `Idempotency-Key` of openapi.yaml).
 */
export interface Receipt<T> {
  with(result: T): AtomicWrite;
  alone(result: T): Promise<void>;
}

export interface Actor {
  /** A user's email, or the name of the function acting on its own (match, phase-timer …). */
  by: string;
  role?: string;
}

export interface Change {
  /** The record as loaded (its `rev` is the condition of the write); null creates the session. */
  before: SessionRecord | null;
  after: SessionRecord;
  events: DomainEvent[];
  actor: Actor;
  now: number;
  /** Number writes set the marker the match stream filter selects. */
  matchDue?: boolean;
  outbox: OutboxRecord[];
  atomically?: AtomicWrite[];
  /**
   * Negotiating again: the ended session the new one follows, as loaded. Its item records
   * `nextSessionId` in the same transaction, conditional on its revision (a ConflictError when it
   * moved on), so one session is negotiated again at most once.
   */
  previous?: SessionRecord;
}

export interface SessionStore {
  load(id: string): Promise<SessionRecord | null>;
  /** The user's sessions, newest created first. */
  listForUser(email: string): Promise<SessionRecord[]>;
  /** The session an open invitation token (by its hash) points at, if any. */
  findInvitation(tokenHash: string): Promise<{ sessionId: string } | null>;
  /**
   * Writes a change as one transaction conditional on `before.rev`, with its audit entries, its
   * outbox records and the projections the change implies. Throws ConflictError if the session
   * moved on.
   */
  commit(change: Change): Promise<void>;
  /**
   * Writes an outbox record once (a reminder), if the session is still at `rev`: 'exists' when
   * it was written before; ConflictError when the session moved on.
   */
  addOutbox(record: OutboxRecord, rev: number): Promise<'written' | 'exists'>;
  hasOutbox(sessionId: string, id: string): Promise<boolean>;
}

export interface OutboxKey {
  sessionId: string;
  id: string;
}

export interface StoredOutbox {
  record: OutboxRecord;
  status: 'pending' | 'sent' | 'skipped';
  /** Chunks of more than 50 recipients already sent. */
  sentChunks: number;
}

/** What sending an outbox record needs to know about its session (never a sealed number). */
export interface SessionFacts {
  ended: boolean;
  phase: string;
  bonusPercent: number;
  initialRoundSeconds: number;
  adjustmentSeconds: number;
  caseNumber: string | null;
  invitationIds: Set<string>;
}

export interface OutboxStore {
  read(key: OutboxKey): Promise<StoredOutbox | null>;
  sessionFacts(sessionId: string): Promise<SessionFacts | null>;
  recordChunks(key: OutboxKey, sentChunks: number): Promise<void>;
  /** pending → sent/skipped. False when someone else completed it first. */
  complete(key: OutboxKey, status: 'sent' | 'skipped', at: number): Promise<boolean>;
}

/** The reconciler's re-drive stamp: how often and when an item was last pushed through the stream. */
export interface Redrive {
  count: number;
  at: number;
}

export interface ActiveSession {
  record: SessionRecord;
  redrive?: Redrive;
}

export interface PendingOutbox {
  key: OutboxKey;
  redrive?: Redrive;
}

/** The reconciler's view of unfinished work (the sparse work index). */
export interface WorkIndex {
  activeSessions(): Promise<ActiveSession[]>;
  /** Outbox records still pending that were created before `before` (epoch ms). */
  pendingOutbox(before: number): Promise<PendingOutbox[]>;
  /** Sets the match marker again if the session is still at `rev` with unevaluated numbers. */
  redriveEvaluation(sessionId: string, rev: number, redrive: Redrive): Promise<boolean>;
  /** Touches a still-pending outbox record so the stream delivers it again. */
  redriveOutbox(key: OutboxKey, redrive: Redrive): Promise<boolean>;
}
