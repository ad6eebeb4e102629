/** `GET /sessions` and `GET /sessions/{id}`: views for their caller (shared/app/views.ts). */
import type { AnswerOpener, Clock, SessionStore } from '../../ports';
import { type Caller, type CommandDeps, loadAsMember, namesFor } from '../command';
import { viewWithAnswer } from '../my-answer';
import { roleOf, type SessionRecord } from '../session-record';
import { addressesIn, type SessionView } from '../views';

export interface ReadDeps extends Pick<CommandDeps, 'profiles'> {
  store: SessionStore;
  clock: Clock;
  /** Opens the caller's own side's answer to the latest proposal (`myAnswer`). */
  answers: AnswerOpener;
}

/**
 * The caller's sessions, newest created first (never ordered by anything the other side does);
 * with `matterId`, only those of that matter (docs/rules.md, "Across the life of a case").
 */
export async function listSessions(
  deps: ReadDeps,
  caller: Caller,
  filter: { matterId?: string | undefined } = {},
): Promise<SessionView[]> {
  const records = (await deps.store.listForUser(caller.email)).filter(
    (r) => filter.matterId === undefined || r.matterId === filter.matterId,
  );
  const now = deps.clock();
  const sorted = records.sort(
    (a, b) => b.session.createdAt - a.session.createdAt || (a.session.id < b.session.id ? 1 : -1),
  );
  const names = await namesFor(deps, null, sorted.flatMap(addressesIn));
  return Promise.all(
    sorted.map((r: SessionRecord) => viewWithAnswer(deps.answers, r, roleOf(r, caller.email)!, now, names)),
  );
}

export async function getSession(deps: ReadDeps, caller: Caller, sessionId: string): Promise<SessionView> {
  const { record, role } = await loadAsMember(deps.store, sessionId, caller);
  const names = await namesFor(deps, record);
  return viewWithAnswer(deps.answers, record, role, deps.clock(), names);
}
