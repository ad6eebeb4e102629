/**
 * Outbox records: one per event that must reach the outside world (an email, timers to create
 * or cancel). Written in the same transaction as the change that caused them, sent by notify
 * from the stream, and re-sent by the reconciler if the stream lost one. Never a number.
 */
import { timerName } from '../adapters/timer-name';
import { type DomainEvent, initialRoundEndsAt, type Outcome, SIDES } from '../engine';
import type { TimerRequest } from '../ports';
import { type ProposalNotice, proposalOutbox } from './proposal-outbox';
import type { SessionRecord } from './session-record';
import { ALL_TIMER_EVENTS, type Reminder, timersFor } from './timers';

export type Notice =
  | {
      template: 'invitation';
      to: string[];
      invitationId: string;
      role: string;
      invitedBy: string;
      validUntil: number;
    }
  | { template: 'initial_round_opened'; to: string[]; endsAt: number; bonusPercent: number }
  | { template: 'initial_round_reminder'; to: string[]; endsAt: number }
  | { template: 'adjustment_opened'; to: string[]; endsAt: number; bonusPercent: number }
  | { template: 'adjustment_reminder'; to: string[]; endsAt: number }
  | {
      template: 'settled';
      to: string[];
      outcome: {
        amount: string;
        baseAmount: string;
        bonusSide: string | null;
        reachedIn: string;
        settledAt: number;
      };
      terms: string | null;
    }
  | { template: 'no_deal'; to: string[]; at: number }
  | { template: 'withdrawn'; to: string[]; at: number }
  | ProposalNotice;

export interface OutboxRecord {
  /** Deterministic where the event happens once per session, so a retry writes no second one. */
  id: string;
  sessionId: string;
  /** The session's title and currency, for rendering. */
  title: string;
  currency: string;
  notice: Notice | null;
  timers: TimerRequest[];
  cancelTimers: string[];
  createdAt: number;
}

export function everyone(record: SessionRecord): string[] {
  return record.members.map((m) => m.email);
}

export function sideMembers(record: SessionRecord): string[] {
  return record.members.filter((m) => m.role !== 'mediator').map((m) => m.email);
}

export function outcomeForNotice(outcome: Outcome) {
  return {
    amount: outcome.amount.toString(),
    baseAmount: outcome.baseAmount.toString(),
    bonusSide: outcome.bonusSide,
    reachedIn: outcome.reachedIn,
    settledAt: outcome.settledAt,
  };
}

/** The terms text of the deal email, or null for "no terms: numbers first". */
function dealTerms(record: SessionRecord): string | null {
  const { acceptedVersion, text } = record.session.terms;
  return acceptedVersion.claimant === 0 && acceptedVersion.respondent === 0 ? null : text;
}

/** Maps the domain events of one committed change to its outbox records. */
export function outboxFor(record: SessionRecord, events: DomainEvent[], now: number): OutboxRecord[] {
  const { session } = record;
  const base = { sessionId: session.id, title: session.title, currency: session.currency, createdAt: now };
  const records: OutboxRecord[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'TermsSettled':
        records.push({
          ...base,
          id: 'terms-settled',
          notice: null,
          timers: timersFor(session, now),
          cancelTimers: [],
        });
        break;
      case 'InitialRoundOpened':
        records.push({
          ...base,
          id: 'initial-round-opened',
          notice: {
            template: 'initial_round_opened',
            to: everyone(record),
            endsAt: event.initialRoundEndsAt,
            bonusPercent: session.bonusPercent,
          },
          timers: [],
          cancelTimers: [],
        });
        break;
      case 'AdjustmentOpened': {
        const timers: TimerRequest[] = timersFor(session, now);
        const closedEarly =
          event.endsAt - session.adjustmentSeconds * 1000 < (initialRoundEndsAt(session) ?? 0);
        records.push({
          ...base,
          id: 'adjustment-opened',
          notice: {
            template: 'adjustment_opened',
            to: everyone(record),
            endsAt: event.endsAt,
            bonusPercent: session.bonusPercent,
          },
          timers,
          cancelTimers: closedEarly
            ? [
                timerName(session.id, 'initial_round_deadline'),
                timerName(session.id, 'initial_round_reminder'),
              ]
            : [],
        });
        break;
      }
      case 'Settled':
        records.push({
          ...base,
          id: 'settled',
          notice: {
            template: 'settled',
            to: everyone(record),
            outcome: outcomeForNotice(event.outcome),
            terms: dealTerms(record),
          },
          timers: [],
          // Only the timers that can still exist: step 2's, or step 3's (step 2's were cancelled
          // or have fired when it closed).
          cancelTimers: (event.outcome.reachedIn === 'initial_round'
            ? (['initial_round_opens', 'initial_round_reminder', 'initial_round_deadline'] as const)
            : (['adjustment_reminder', 'session_end'] as const)
          ).map((e) => timerName(session.id, e)),
        });
        break;
      case 'NoDeal':
      case 'Withdrawn':
        records.push({
          ...base,
          id: event.type === 'NoDeal' ? 'no-deal' : 'withdrawn',
          notice: {
            template: event.type === 'NoDeal' ? 'no_deal' : 'withdrawn',
            to: everyone(record),
            at: event.at,
          },
          timers: [],
          cancelTimers: ALL_TIMER_EVENTS.map((e) => timerName(session.id, e)),
        });
        break;
      default:
        records.push(...proposalOutbox(record, event, base));
        break;
    }
  }
  return records;
}

/** A reminder's outbox id: one per session and reminder, so a timer that fires twice writes one. */
export const reminderId = (reminder: Reminder) => reminder.replaceAll('_', '-');

/** Reminder outbox records, written by phase-timer (one per session and reminder). */
export function reminderRecord(
  record: SessionRecord,
  reminder: Reminder,
  endsAt: number,
  now: number,
): OutboxRecord | null {
  const { session } = record;
  const to =
    reminder === 'initial_round_reminder'
      ? record.members
          .filter(
            (m) =>
              m.role !== 'mediator' && SIDES.includes(m.role) && !session.hasNumber[m.role as 'claimant'],
          )
          .map((m) => m.email)
      : sideMembers(record);
  if (to.length === 0) return null;
  return {
    id: reminderId(reminder),
    sessionId: session.id,
    title: session.title,
    currency: session.currency,
    createdAt: now,
    notice: { template: reminder, to, endsAt },
    timers: [],
    cancelTimers: [],
  };
}
