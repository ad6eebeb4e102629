import { Link } from 'react-router';
import type { SessionView } from '../../../api/client';
import { phaseName } from '../../../domain/phase';
import { useMatterSessions } from './useMatterSessions';

/**
 * "Acme v. Widget — session 2 of 3, No deal": negotiating again keeps the title, so each
 * session of a matter is told apart by its place in the matter (oldest first) and its phase.
 */
function describe(session: SessionView, index: number, count: number): string {
  return `${session.title} — session ${count - index} of ${count}, ${phaseName(session.phase)}`;
}

/**
 * The other sessions of this session's matter (`GET /sessions?matterId=`), and the previous
 * one. Nothing when the matter has no other session the caller is in. The list is a help, not
 * the page's subject: if it cannot be loaded, a quiet line says so (beside the previous session).
 */
export function MatterPanel({ view }: { view: SessionView }) {
  const matter = useMatterSessions(view.matterId);
  const sessions = matter.data ?? [];
  const others = sessions.filter((s) => s.id !== view.id);
  if (!view.previousSessionId && others.length === 0) return null;
  return (
    <section aria-labelledby="matter-heading">
      <h2 id="matter-heading">Matter</h2>
      {view.previousSessionId && (
        <p>
          This session negotiates again after an earlier one.{' '}
          <Link to={`/sessions/${view.previousSessionId}`}>Previous session</Link>
        </p>
      )}
      {matter.isError && <p className="muted">The other sessions of this matter could not be loaded.</p>}
      {others.length > 0 && (
        <>
          <h3>Other sessions of this matter</h3>
          <ul>
            {sessions.map((s, index) =>
              s.id === view.id ? null : (
                <li key={s.id}>
                  <Link to={`/sessions/${s.id}`}>{describe(s, index, sessions.length)}</Link>
                  {s.previousSessionId === view.id ? ' (negotiated again after this one)' : ''}
                </li>
              ),
            )}
          </ul>
        </>
      )}
    </section>
  );
}
