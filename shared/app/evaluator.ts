/**
 * The match use case (docs/rules.md, "Order decides"): evaluates a session's accepted numbers strictly in `seq`
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
 *
 * A proposal's move (docs/rules.md, "Double-blind proposals") takes its turn in the same order: a
 * consent that completed a computed request opens the two standing numbers as of its seq and
 * computes the proposal; an answer that completed a proposal's answers opens both sealed answers
 * and closes it. Answers, like amounts, live only in local variables of one call.
 */
import {
  closeAnsweredProposal,
  type DomainEvent,
  evaluateComputedProposal,
  evaluateNext,
  finalizeDue,
  isRejection,
  type Move,
  nextEvaluation,
  otherSide,
  proposalInPlay,
  type RandomSource,
  type Result,
  type Session,
  type Side,
} from '../engine';
import type { AnswerOpener, Clock, Sealer, SessionStore } from '../ports';
import { runCommand } from './command';
import type { SessionRecord } from './session-record';

export const MATCH_ACTOR = { by: 'match' } as const;

export interface EvaluatorDeps {
  store: SessionStore;
  sealer: Sealer & AnswerOpener;
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

/** A side's sealed answer is missing where both were recorded: a bug or tampering. */
export class SealedAnswerError extends Error {
  constructor(
    readonly sessionId: string,
    readonly proposal: number,
  ) {
    super(`Sealed answer to proposal ${proposal} of session ${sessionId} is missing.`);
    this.name = 'SealedAnswerError';
  }
}

export class Evaluator {
  constructor(private readonly deps: EvaluatorDeps) {}

  /** Evaluates every pending move of the session; a no-op for an unknown or settled session. */
  async evaluate(sessionId: string): Promise<EvaluationResult> {
    const { store, random } = this.deps;
    // Opened amounts by seq, kept across conflict retries of this call only.
    const opened = new Map<number, bigint>();
    const nothing: EvaluationResult = { evaluated: 0, committed: false, events: [] };
    try {
      return await runCommand(this.deps, {
        actor: MATCH_ACTOR.by,
        load: async () => ({ record: await store.load(sessionId) }),
        decide: async ({ record }, now) => {
          if (!record) return { result: nothing };
          let session = record.session;
          const events: DomainEvent[] = [];
          let evaluated = 0;
          for (;;) {
            const next = nextEvaluation(session);
            if (!next) break;
            const { move, otherSeq } = next;
            let result: Result;
            if (move.proposal) {
              result = await this.evaluateProposal(record, session, move, opened, now);
            } else {
              // With no standing number on the other side there is nothing to compare: open nothing.
              const otherAmount =
                otherSeq === null ? null : await this.open(record, opened, otherSide(move.side), otherSeq);
              const moverAmount =
                otherAmount === null ? null : await this.open(record, opened, move.side, move.seq);
              result = evaluateNext(session, { seq: move.seq, moverAmount, otherAmount }, random, now);
            }
            if (isRejection(result)) throw new Error(`engine refused seq ${move.seq}: ${result.rejected}`);
            session = result.session;
            events.push(...result.events);
            evaluated++;
          }
          const finalized = finalizeDue(session, now);
          events.push(...finalized.events);
          if (events.length === 0) return { result: nothing };
          return {
            after: { ...record, session: finalized.session },
            events,
            result: { evaluated, committed: true, events: events.map((e) => e.type) },
          };
        },
      });
    } finally {
      opened.clear();
    }
  }

  /**
   * A proposal's move: what it needs is opened only while the session still plays that proposal
   * (otherwise the engine records the move as void and nothing is opened).
   */
  private async evaluateProposal(
    record: SessionRecord,
    session: Session,
    move: Move,
    opened: Map<number, bigint>,
    now: number,
  ): Promise<Result> {
    const inPlay = proposalInPlay(session, move) !== null;
    if (move.proposal!.kind === 'computed') {
      const { claimant, respondent } = session.standingSeq;
      const demand = inPlay ? await this.open(record, opened, 'claimant', claimant!) : 0n;
      const offer = inPlay ? await this.open(record, opened, 'respondent', respondent!) : 0n;
      return evaluateComputedProposal(session, { seq: move.seq, demand, offer }, this.deps.random, now);
    }
    const answers = { claimant: false, respondent: false };
    if (inPlay) {
      for (const side of ['claimant', 'respondent'] as const) {
        answers[side] = await this.openAnswer(record, side, move.proposal!.number);
      }
    }
    return closeAnsweredProposal(session, { seq: move.seq, answers }, now);
  }

  private async openAnswer(record: SessionRecord, side: Side, proposal: number): Promise<boolean> {
    const sealed = record.answers?.proposal === proposal ? record.answers.sealed[side] : undefined;
    if (!sealed) throw new SealedAnswerError(record.session.id, proposal);
    return this.deps.sealer.openAnswer(sealed, { sessionId: record.session.id, side, proposal });
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
