/** `GET /sessions` and `GET /sessions/{id}`: views for their caller (shared/app/views.ts). */
import type { AnswerOpener, Clock, SessionStore } from '../../ports';
import { type Caller, loadAsMember } from '../command';
import { viewWithAnswer } from '../my-answer';
import { roleOf } from '../session-record';
import type { SessionView } from '../views';

export interface ReadDeps {
  store: SessionStore;
  clock: Clock;
  /** Opens the caller's own side's answer to the latest proposal (`myAnswer`). */
  answers: AnswerOpener;
}

/** The caller's sessions, newest created first (never ordered by anything the other side does). */
export async function listSessions(deps: ReadDeps, caller: Caller): Promise<SessionView[]> {
  const records = await deps.store.listForUser(caller.email);
  const now = deps.clock();
  const sorted = records.sort(
    (a, b) => b.session.createdAt - a.session.createdAt || (a.session.id < b.session.id ? 1 : -1),
  );
  return Promise.all(sorted.map((r) => viewWithAnswer(deps.answers, r, roleOf(r, caller.email)!, now)));
}

export async function getSession(deps: ReadDeps, caller: Caller, sessionId: string): Promise<SessionView> {
  const { record, role } = await loadAsMember(deps.store, sessionId, caller);
  return viewWithAnswer(deps.answers, record, role, deps.clock());
}
