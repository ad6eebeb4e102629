/**
 * The match use case (SPEC §2.2, §5): evaluates a session's accepted numbers strictly in `seq`
 * order and records the deal, the step change or nothing, in one conditional transaction.
 *
 * read (consistent) → open the sealed numbers each pending move needs → the engine evaluates one
 * seq at a time until no move is pending (every move after a deal is void) → `finalizeDue` →
 * one commit conditional on the revision read, without the `matchDue` marker (so match never
 * triggers itself). A conflict retries from a fresh read.
 *
 * Idempotent: a duplicate, retried, stale or reordered stream record only tells us "look at this
 * session"; the state is always read fresh, so a second run finds nothing pending and changes
 * nothing (it may still finalize an end that has come due). Amounts live only in local variables
 * of one call: never logged, never returned, never stored.
 */
import {
  type DomainEvent,
  evaluateNext,
  finalizeDue,
  isRejection,
  nextEvaluation,
  otherSide,
  type RandomSource,
  type Side,
} from '../engine';
import type { Clock, Sealer } from '../ports';
import type { SessionRecord } from './session-record';
import { retryOnConflict, type SessionStore } from './session-store';

export const MATCH_ACTOR = { by: 'match' } as const;

export interface EvaluatorDeps {
  store: SessionStore;
  sealer: Sealer;
  random: RandomSource;
  clock: Clock;
}

export interface EvaluationResult {
  /** Seqs evaluated by this call (0 when there was nothing to do). */
  evaluated: number;
  /** Whether a change was committed. */
  committed: boolean;
  /** Event types committed (no amounts): for logs and tests. */
  events: DomainEvent['type'][];
}

/** A sealed number is missing or does not open: a bug or tampering, never retried silently. */
export class SealedNumberError extends Error {
  constructor(
    readonly sessionId: string,
    readonly seq: number,
  ) {
    super(`Sealed number for seq ${seq} of session ${sessionId} is missing.`);
    this.name = 'SealedNumberError';
  }
}

export class Evaluator {
  constructor(private readonly deps: EvaluatorDeps) {}

  /** Evaluates every pending move of the session; a no-op for an unknown or settled session. */
  async evaluate(sessionId: string): Promise<EvaluationResult> {
    // Opened amounts by seq, kept across conflict retries of this call only.
    const opened = new Map<number, bigint>();
    try {
      return await retryOnConflict(() => this.attempt(sessionId, opened));
    } finally {
      opened.clear();
    }
  }

  private async attempt(sessionId: string, opened: Map<number, bigint>): Promise<EvaluationResult> {
    const { store, random, clock } = this.deps;
    const record = await store.load(sessionId);
    if (!record) return { evaluated: 0, committed: false, events: [] };
    const now = clock();
    let session = record.session;
    const events: DomainEvent[] = [];
    let evaluated = 0;
    for (;;) {
      const next = nextEvaluation(session);
      if (!next) break;
      const { move, otherSeq } = next;
      // With no standing number on the other side there is nothing to compare: open nothing.
      const otherAmount =
        otherSeq === null ? null : await this.open(record, opened, otherSide(move.side), otherSeq);
      const moverAmount = otherAmount === null ? null : await this.open(record, opened, move.side, move.seq);
      const result = evaluateNext(session, { seq: move.seq, moverAmount, otherAmount }, random, now);
      if (isRejection(result)) throw new Error(`engine refused seq ${move.seq}: ${result.rejected}`);
      session = result.session;
      events.push(...result.events);
      evaluated++;
    }
    const finalized = finalizeDue(session, now);
    session = finalized.session;
    events.push(...finalized.events);
    if (events.length === 0) return { evaluated: 0, committed: false, events: [] };
    await store.commit({
      record: { ...record, session },
      expectedRev: record.rev,
      events,
      actor: MATCH_ACTOR,
      now,
    });
    return { evaluated, committed: true, events: events.map((e) => e.type) };
  }

  private async open(
    record: SessionRecord,
    opened: Map<number, bigint>,
    side: Side,
    seq: number,
  ): Promise<bigint> {
    const cached = opened.get(seq);
    if (cached !== undefined) return cached;
    const sealed = record.sealed[String(seq)];
    if (!sealed) throw new SealedNumberError(record.session.id, seq);
    const amount = await this.deps.sealer.openNumber(sealed, { sessionId: record.session.id, side, seq });
    opened.set(seq, amount);
    return amount;
  }
}
