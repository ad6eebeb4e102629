import { Link } from 'react-router';
import type { SessionView } from '../../api/client';
import { nextDeadline, phaseName, ROLE_NAMES } from '../../domain/phase';
import { Countdown } from '../../ui/Countdown';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { usePageTitle } from '../../ui/usePageTitle';
import { useSessions } from './useSessions';

function SessionItem({ session }: { session: SessionView }) {
  const deadline = nextDeadline(session);
  return (
    <li className="card">
      <h2 className="card-title">
        <Link to={`/sessions/${session.id}`}>{session.title}</Link>
      </h2>
      <dl className="facts">
        <div>
          <dt>Your role</dt>
          <dd>{ROLE_NAMES[session.myRole]}</dd>
        </div>
        <div>
          <dt>Phase</dt>
          <dd>{phaseName(session.phase)}</dd>
        </div>
        {session.caseNumber && (
          <div>
            <dt>Case number</dt>
            <dd>{session.caseNumber}</dd>
          </div>
        )}
        {session.previousSessionId && (
          <div>
            <dt>Matter</dt>
            <dd>Negotiated again after an earlier session</dd>
          </div>
        )}
        <div>
          <dt>Next deadline</dt>
          <dd>{deadline ? <Countdown to={deadline.at} label={deadline.label} /> : 'None'}</dd>
        </div>
      </dl>
    </li>
  );
}

export function SessionsPage() {
  const sessions = useSessions();
  usePageTitle('Your sessions');
  return (
    <section>
      <div className="page-head">
        <h1>Your sessions</h1>
        <Link className="button" to="/sessions/new">
          New session
        </Link>
      </div>
      {sessions.isPending && <p>Loading your sessions…</p>}
      <ErrorMessage error={sessions.error} prefix="Your sessions could not be loaded." />
      {sessions.data?.length === 0 && (
        <p>No sessions yet. Start one with “New session”, or open the invitation link you were emailed.</p>
      )}
      {sessions.data && sessions.data.length > 0 && (
        <ul className="cards">
          {sessions.data.map((session) => (
            <SessionItem key={session.id} session={session} />
          ))}
        </ul>
      )}
    </section>
  );
}
