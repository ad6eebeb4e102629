/**
 * What a phase timer does when it fires (docs/rules.md, "Phases", "Emails"; docs/deploy.md). It trusts its own clock, never the
 * event: the event only says which session to look at and which kind of timer fired.
 *
 * - `initial_round_opens`, `initial_round_deadline`, `session_end`: `finalizeDue(session, now)`
 *   and, only if that produced events, one commit conditional on the revision read (retried on
 *   conflict). A timer that fires early, twice or late changes nothing it should not: early finds
 *   nothing due, twice finds the change already announced. On AWS the Scheduler adapter rounds
 *   the time up to the next minute, so a schedule never fires before its time; if one ever did,
 *   it would return normally having done nothing, and the reconciler (every 5 minutes) finalizes
 *   the overdue change.
 * - `initial_round_reminder`: only while the effective phase is still `initial_round`, its time
 *   (12 h before the deadline) has come and the deadline has not, and some side has no number;
 *   to the members of those sides. `adjustment_reminder`: only while the phase is `adjustment`,
 *   between 3 days before the end and the end; to all side members. The reminder is an outbox
 *   record with a deterministic id, written with `attribute_not_exists` in a transaction that
 *   also checks the session's revision: a timer that fires twice (or the reconciler doing the
 *   same) sends one reminder, and nobody gets one computed from a state that just changed. A
 *   reminder whose phase already ended is skipped.
 * - `proposal_respond_by`: `finalizeDue`, which closes an open proposal at its `respondBy` once
 *   every accepted write is evaluated (docs/rules.md, "Double-blind proposals").
 *   `proposal_reminder`: while the latest proposal is open and its reminder window runs, one
 *   record per side that has not answered, to that side's members only, written the same way.
 */
import { type DomainEvent, effectivePhase, effectiveProposals, finalizeDue } from '../engine';
import type { Clock, SessionStore, TimerEvent } from '../ports';
import { retryOnConflict, runCommand } from './command';
import { reminderId, reminderRecord } from './outbox';
import { proposalReminderRecords } from './proposal-outbox';
import type { SessionRecord } from './session-record';
import { proposalReminderWindow, type Reminder, reminderWindow } from './timers';

export const PHASE_TIMER_ACTOR = { by: 'phase-timer' } as const;

export interface PhaseTimerInput {
  sessionId: string;
  event: TimerEvent;
  /** The timer's name (informational). */
  name?: string;
}

export type PhaseTimerResult =
  | { action: 'finalized'; events: DomainEvent['type'][] }
  | { action: 'reminder_sent'; to: number }
  | { action: 'nothing_due' }
  | { action: 'skipped'; reason: string };

export interface PhaseTimerServiceDeps {
  store: SessionStore;
  clock: Clock;
}

export class PhaseTimerService {
  constructor(private readonly deps: PhaseTimerServiceDeps) {}

  async handle(input: PhaseTimerInput): Promise<PhaseTimerResult> {
    switch (input.event) {
      case 'initial_round_opens':
      case 'initial_round_deadline':
      case 'session_end':
      case 'proposal_respond_by':
        return this.finalize(input.sessionId);
      case 'proposal_reminder':
        return this.remindProposal(input.sessionId);
      case 'initial_round_reminder':
      case 'adjustment_reminder':
        return this.remind(input.sessionId, input.event);
      default:
        return { action: 'skipped', reason: 'unknown_event' };
    }
  }

  /** Announces whatever time has made true (phase changes, the end without a deal). */
  async finalize(sessionId: string, actor: { by: string } = PHASE_TIMER_ACTOR): Promise<PhaseTimerResult> {
    const { store } = this.deps;
    return runCommand<PhaseTimerResult, { record: SessionRecord | null }>(this.deps, {
      actor: actor.by,
      load: async () => ({ record: await store.load(sessionId) }),
      decide: ({ record }, now) => {
        if (!record) return { result: { action: 'skipped', reason: 'no_session' } };
        const { session, events } = finalizeDue(record.session, now);
        if (events.length === 0) return { result: { action: 'nothing_due' } };
        return {
          after: { ...record, session },
          events,
          result: { action: 'finalized', events: events.map((e) => e.type) },
        };
      },
    });
  }

  /** Writes a reminder's outbox record once, if it is still due (see the file's comment). */
  async remind(sessionId: string, reminder: Reminder): Promise<PhaseTimerResult> {
    const { store, clock } = this.deps;
    return retryOnConflict(async () => {
      const record = await store.load(sessionId);
      if (!record) return { action: 'skipped', reason: 'no_session' } as const;
      const now = clock();
      const decision = this.reminderDecision(record, reminder, now);
      if ('skip' in decision) return { action: 'skipped', reason: decision.skip } as const;
      if (await store.hasOutbox(sessionId, reminderId(reminder))) {
        return { action: 'skipped', reason: 'already_sent' } as const;
      }
      const outbox = reminderRecord(record, reminder, decision.endsAt, now);
      if (!outbox) return { action: 'skipped', reason: 'no_recipient' } as const;
      // A ConflictError (the session changed) propagates: decide again.
      if ((await store.addOutbox(outbox, record.rev)) === 'exists') {
        return { action: 'skipped', reason: 'already_sent' } as const;
      }
      return { action: 'reminder_sent', to: outbox.notice?.to.length ?? 0 } as const;
    });
  }

  /** Reminds each side that has not answered the open proposal, once (see the file's comment). */
  async remindProposal(sessionId: string): Promise<PhaseTimerResult> {
    const { store, clock } = this.deps;
    return retryOnConflict(async () => {
      const record = await store.load(sessionId);
      if (!record) return { action: 'skipped', reason: 'no_session' } as const;
      const now = clock();
      if (effectivePhase(record.session, now) !== 'adjustment') {
        return { action: 'skipped', reason: 'phase_over' } as const;
      }
      const current = effectiveProposals(record.session, now).current;
      const window = current ? proposalReminderWindow(current) : null;
      if (!window) return { action: 'skipped', reason: 'not_applicable' } as const;
      if (now < window.from) return { action: 'skipped', reason: 'early' } as const;
      if (now >= window.until) return { action: 'skipped', reason: 'phase_over' } as const;
      const records = proposalReminderRecords(record, now);
      if (records.length === 0) return { action: 'skipped', reason: 'no_recipient' } as const;
      let to = 0;
      for (const outbox of records) {
        if (await store.hasOutbox(sessionId, outbox.id)) continue;
        // A ConflictError (the session changed, an answer came in) propagates: decide again.
        if ((await store.addOutbox(outbox, record.rev)) === 'written') to += outbox.notice?.to.length ?? 0;
      }
      return to > 0
        ? ({ action: 'reminder_sent', to } as const)
        : ({ action: 'skipped', reason: 'already_sent' } as const);
    });
  }

  private reminderDecision(
    record: SessionRecord,
    reminder: Reminder,
    now: number,
  ): { endsAt: number } | { skip: string } {
    const { session } = record;
    const phase = effectivePhase(session, now);
    const wanted = reminder === 'initial_round_reminder' ? 'initial_round' : 'adjustment';
    if (phase !== wanted) return { skip: 'phase_over' };
    const window = reminderWindow(session, reminder, now);
    if (!window) return { skip: 'not_applicable' };
    if (now < window.from) return { skip: 'early' };
    if (now >= window.until) return { skip: 'phase_over' };
    if (reminder === 'initial_round_reminder' && session.hasNumber.claimant && session.hasNumber.respondent) {
      return { skip: 'no_recipient' };
    }
    return { endsAt: window.until };
  }
}
