import { useNavigate } from 'react-router';
import type { SessionView } from '../../../api/client';
import { ErrorMessage } from '../../../ui/ErrorMessage';
import { useNegotiateAgain } from './useNegotiateAgain';

/**
 * After an end without a deal (`no_deal`, `withdrawn`), any member may start the matter's next
 * session; the new session opens on its own page. Not after a deal, not while open.
 */
export function NegotiateAgainPanel({ view }: { view: SessionView }) {
  const again = useNegotiateAgain(view.id);
  const navigate = useNavigate();
  if (view.phase !== 'no_deal' && view.phase !== 'withdrawn') return null;
  return (
    <section aria-labelledby="again-heading">
      <h2 id="again-heading">Try again</h2>
      <p>
        Start a new session of the same matter with the same title, currency and rules. You keep your role,
        everyone else is invited again by email, and this session's terms are proposed to start with.
      </p>
      <button
        type="button"
        disabled={again.isPending}
        onClick={() => again.mutate(undefined, { onSuccess: (next) => navigate(`/sessions/${next.id}`) })}
      >
        Negotiate again
      </button>
      <ErrorMessage error={again.error} prefix="No new session was started." />
    </section>
  );
}
