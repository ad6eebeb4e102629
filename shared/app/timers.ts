/**
 * The one-time timers a session needs (docs/rules.md, "Timers and reminders"): one rule, used by
 * the outbox when a phase or a proposal opens and by the reconciler when it re-creates lost timers.
 */
import { timerName } from '../adapters/timer-name';
import {
  adjustmentEndsAt,
  effectivePhase,
  effectiveProposals,
  initialRoundEndsAt,
  type Proposal,
  type Session,
} from '../engine';
import type { TimerEvent, TimerRequest } from '../ports';

const HOUR = 3600_000;

/** The reminders and how long before their deadline they go out. */
export const REMINDERS = {
  /** Step 2's reminder, only when step 2 lasts more than `minSeconds`: to sides without a number. */
  initial_round_reminder: { leadMs: 12 * HOUR, minSeconds: 24 * 3600 },
  /** Step 3's reminder: to every side member. */
  adjustment_reminder: { leadMs: 72 * HOUR, minSeconds: 0 },
} as const;

export type Reminder = keyof typeof REMINDERS;

/** The session's own timers, one of each at most (a proposal's timers are named by its number too). */
export const ALL_TIMER_EVENTS: TimerEvent[] = [
  'initial_round_opens',
  'initial_round_reminder',
  'initial_round_deadline',
  'adjustment_reminder',
  'session_end',
];

/** Every event phase-timer handles. */
export const TIMER_EVENTS: TimerEvent[] = [...ALL_TIMER_EVENTS, 'proposal_respond_by', 'proposal_reminder'];

/**
 * A proposal's reminder: 24 hours before its `respondBy`, to the members of a side that has not
 * answered; only when the proposal is open for more than those 24 hours.
 */
export const PROPOSAL_REMINDER_LEAD_MS = 24 * HOUR;

/** When an open proposal's reminder is due and until when, or null when it has none. */
export function proposalReminderWindow(proposal: Proposal): { from: number; until: number } | null {
  if (proposal.state !== 'open' || proposal.respondBy === null || proposal.openedAt === null) return null;
  const from = proposal.respondBy - PROPOSAL_REMINDER_LEAD_MS;
  return from > proposal.openedAt ? { from, until: proposal.respondBy } : null;
}

/** The timers of the session's open proposal: its `respondBy` and its reminder. */
export function proposalTimersFor(session: Session, now: number): TimerRequest[] {
  const proposal = effectiveProposals(session, now).current;
  if (proposal?.state !== 'open') return [];
  const timer = (event: TimerEvent, at: number): TimerRequest => ({
    name: timerName(session.id, event, proposal.number),
    sessionId: session.id,
    event,
    at,
  });
  const reminder = proposalReminderWindow(proposal);
  return [
    timer('proposal_respond_by', proposal.respondBy!),
    ...(reminder ? [timer('proposal_reminder', reminder.from)] : []),
  ].filter((t) => t.at > now);
}

/** The names of a proposal's timers, to cancel them when it closes or the session ends. */
export const proposalTimerNames = (sessionId: string, proposal: number): string[] => [
  timerName(sessionId, 'proposal_respond_by', proposal),
  timerName(sessionId, 'proposal_reminder', proposal),
];

/** When a reminder is due and until when it makes sense, for the session as it is at `now`. */
export function reminderWindow(
  session: Session,
  reminder: Reminder,
  now: number,
): { from: number; until: number } | null {
  const { leadMs, minSeconds } = REMINDERS[reminder];
  if (reminder === 'initial_round_reminder') {
    if (session.initialRoundSeconds <= minSeconds) return null;
    const deadline = initialRoundEndsAt(session);
    if (deadline === null || session.initialRoundClosedSeq !== null) return null;
    return { from: deadline - leadMs, until: deadline };
  }
  const endsAt = adjustmentEndsAt(session, now);
  if (endsAt === null) return null;
  return { from: endsAt - leadMs, until: endsAt };
}

export const timerFor = (session: Session, event: TimerEvent, at: number): TimerRequest => ({
  name: timerName(session.id, event),
  sessionId: session.id,
  event,
  at,
});

/** The timers the session's phase still needs at `now`, at times still in the future. */
export function timersFor(session: Session, now: number): TimerRequest[] {
  const phase = effectivePhase(session, now);
  const timers: TimerRequest[] = [];
  if (phase === 'scheduled' && session.initialRoundStartsAt !== null) {
    timers.push(timerFor(session, 'initial_round_opens', session.initialRoundStartsAt));
  }
  if ((phase === 'scheduled' || phase === 'initial_round') && session.initialRoundClosedSeq === null) {
    const deadline = initialRoundEndsAt(session);
    if (deadline !== null) timers.push(timerFor(session, 'initial_round_deadline', deadline));
    const reminder = reminderWindow(session, 'initial_round_reminder', now);
    if (reminder) timers.push(timerFor(session, 'initial_round_reminder', reminder.from));
  }
  if (phase === 'adjustment') {
    const endsAt = adjustmentEndsAt(session, now);
    if (endsAt !== null) timers.push(timerFor(session, 'session_end', endsAt));
    const reminder = reminderWindow(session, 'adjustment_reminder', now);
    if (reminder) timers.push(timerFor(session, 'adjustment_reminder', reminder.from));
    timers.push(...proposalTimersFor(session, now));
  }
  return timers.filter((t) => t.at > now);
}
