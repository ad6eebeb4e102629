/** `GET /sessions` and `GET /sessions/{id}`: views for their caller (shared/app/views.ts). */
import type { Clock, SessionStore } from '../../ports';
import { type Caller, loadAsMember } from '../command';
import { roleOf } from '../session-record';
import { type SessionView, sessionView } from '../views';

export interface ReadDeps {
  store: SessionStore;
  clock: Clock;
}

/** The caller's sessions, newest created first (never ordered by anything the other side does). */
export async function listSessions(deps: ReadDeps, caller: Caller): Promise<SessionView[]> {
  const records = await deps.store.listForUser(caller.email);
  const now = deps.clock();
  return records
    .sort((a, b) => b.session.createdAt - a.session.createdAt || (a.session.id < b.session.id ? 1 : -1))
    .map((r) => sessionView(r, roleOf(r, caller.email)!, now));
}

export async function getSession(deps: ReadDeps, caller: Caller, sessionId: string): Promise<SessionView> {
  const { record, role } = await loadAsMember(deps.store, sessionId, caller);
  return sessionView(record, role, deps.clock());
}
