/**
 * An in-memory twin of the storage ports, for testing use cases without DynamoDB: the same
 * conditional semantics (a commit on a stale revision is a ConflictError; an outbox record is
 * written once), and every committed change kept for assertions.
 */
import type { OutboxRecord } from '../../shared/app/outbox';
import { pruneAnswers, pruneSealed, type SessionRecord } from '../../shared/app/session-record';
import {
  type Change,
  ConflictError,
  type OutboxKey,
  type OutboxStore,
  type SessionFacts,
  type SessionStore,
  type StoredOutbox,
} from '../../shared/ports';

export class MemoryStore implements SessionStore, OutboxStore {
  readonly sessions = new Map<string, SessionRecord>();
  readonly outbox = new Map<string, StoredOutbox>();
  readonly changes: Change[] = [];
  /** Called before each commit is applied: a test may change a session under the writer's feet. */
  beforeCommit?: (change: Change) => void;

  async load(id: string): Promise<SessionRecord | null> {
    const record = this.sessions.get(id);
    return record ? structuredClone(record) : null;
  }

  async listForUser(email: string): Promise<SessionRecord[]> {
    return [...this.sessions.values()]
      .filter((r) => r.members.some((m) => m.email === email))
      .sort((a, b) => b.session.createdAt - a.session.createdAt)
      .map((r) => structuredClone(r));
  }

  async findInvitation(tokenHash: string): Promise<{ sessionId: string } | null> {
    for (const record of this.sessions.values()) {
      if (record.invitations.some((i) => i.tokenHash === tokenHash)) return { sessionId: record.session.id };
    }
    return null;
  }

  async commit(change: Change): Promise<void> {
    this.beforeCommit?.(change);
    const id = change.after.session.id;
    const current = this.sessions.get(id);
    const expected = change.before?.rev ?? null;
    if (expected === null ? current !== undefined : current?.rev !== expected) throw new ConflictError();
    const previous = change.previous && this.sessions.get(change.previous.session.id);
    if (change.previous && previous?.rev !== change.previous.rev) throw new ConflictError();
    if (previous)
      this.sessions.set(previous.session.id, { ...previous, nextSessionId: id, rev: previous.rev + 1 });
    const ended = Boolean(change.after.session.outcome || change.after.session.ended);
    this.sessions.set(id, {
      ...structuredClone(change.after),
      sealed: pruneSealed(change.after),
      answers: pruneAnswers(change.after),
      invitations: ended ? [] : structuredClone(change.after.invitations),
      rev: (expected ?? 0) + 1,
    });
    for (const record of change.outbox)
      this.outbox.set(key(record), { record, status: 'pending', sentChunks: 0 });
    this.changes.push(structuredClone(change));
  }

  async addOutbox(record: OutboxRecord, rev: number): Promise<'written' | 'exists'> {
    if (this.sessions.get(record.sessionId)?.rev !== rev) throw new ConflictError();
    if (this.outbox.has(key(record))) return 'exists';
    this.outbox.set(key(record), { record, status: 'pending', sentChunks: 0 });
    return 'written';
  }

  async hasOutbox(sessionId: string, id: string): Promise<boolean> {
    return this.outbox.has(`${sessionId}/${id}`);
  }

  async read(k: OutboxKey): Promise<StoredOutbox | null> {
    return this.outbox.get(`${k.sessionId}/${k.id}`) ?? null;
  }

  async sessionFacts(sessionId: string): Promise<SessionFacts | null> {
    const record = this.sessions.get(sessionId);
    if (!record) return null;
    const { session } = record;
    return {
      ended: Boolean(session.outcome || session.ended),
      phase: session.announcedPhase,
      bonusPercent: session.bonusPercent,
      initialRoundSeconds: session.initialRoundSeconds,
      adjustmentSeconds: session.adjustmentSeconds,
      caseNumber: session.caseNumber,
      invitationIds: new Set(record.invitations.map((i) => i.id)),
    };
  }

  async recordChunks(k: OutboxKey, sentChunks: number): Promise<void> {
    const stored = this.outbox.get(`${k.sessionId}/${k.id}`);
    if (stored?.status === 'pending') stored.sentChunks = sentChunks;
  }

  async complete(k: OutboxKey, status: 'sent' | 'skipped'): Promise<boolean> {
    const stored = this.outbox.get(`${k.sessionId}/${k.id}`);
    if (stored?.status !== 'pending') return false;
    stored.status = status;
    return true;
  }
}

const key = (record: OutboxRecord) => `${record.sessionId}/${record.id}`;
