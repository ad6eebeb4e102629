/**
 * `GET /sessions/{id}/calendar.ics` (openapi.yaml): the deadlines of the caller's session view as
 * a calendar (docs/rules.md, "Deadlines in a calendar"). Members and the mediator; anyone else
 * gets the same 404 as for an unknown id. It reads the view the caller would get, so the calendar
 * and `GET /sessions/{id}` never disagree; nothing is opened and nothing is written.
 */
import { effectiveProposals, type Role } from '../../engine';
import type { Clock, SessionStore } from '../../ports';
import { type Deadline, deadlinesCalendar } from '../calendar/deadlines-ics';
import { type Caller, loadAsMember } from '../command';
import type { SessionRecord } from '../session-record';
import { sessionView } from '../views';

export interface CalendarDeps {
  store: SessionStore;
  clock: Clock;
}

export interface SessionCalendar {
  sessionId: string;
  /** The RFC 5545 text. */
  text: string;
}

const epoch = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/**
 * The deadlines the view shows, in the order they fall: step 2 closes (`initialRoundEndsAt`),
 * step 3 ends (`endsAt`), and an open proposal's `respondBy` (named by the proposal's number).
 */
export function deadlinesOf(record: SessionRecord, role: Role, now: number): Deadline[] {
  const { schedule, proposal } = sessionView(record, role, now);
  const deadlines: Deadline[] = [];
  const step2 = epoch(schedule.initialRoundEndsAt);
  if (step2 !== null) deadlines.push({ kind: 'initial_round', at: step2 });
  const step3 = epoch(schedule.endsAt);
  if (step3 !== null) deadlines.push({ kind: 'adjustment', at: step3 });
  const respondBy = proposal?.state === 'open' ? epoch(proposal.respondBy) : null;
  const current = effectiveProposals(record.session, now).current;
  if (respondBy !== null && current)
    deadlines.push({ kind: 'proposal', proposal: current.number, at: respondBy });
  return deadlines.sort((a, b) => a.at - b.at);
}

export async function sessionCalendar(
  deps: CalendarDeps,
  caller: Caller,
  sessionId: string,
): Promise<SessionCalendar> {
  const { record, role } = await loadAsMember(deps.store, sessionId, caller);
  const now = deps.clock();
  return {
    sessionId: record.session.id,
    text: deadlinesCalendar({
      sessionId: record.session.id,
      title: record.session.title,
      deadlines: deadlinesOf(record, role, now),
      madeAt: now,
    }),
  };
}
