import { Link, useNavigate, useSearchParams } from 'react-router';
import type { InvitationPreview } from '../../api/client';
import { ApiError } from '../../api/errors';
import { formatDuration, ROLE_NAMES } from '../../domain/phase';
import { formatInstant } from '../../time/countdown';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { usePageTitle } from '../../ui/usePageTitle';
import { useAcceptInvitation, useInvitationPreview } from './useInvitation';

function Rules({ preview }: { preview: InvitationPreview }) {
  return (
    <section aria-labelledby="rules-heading">
      <h2 id="rules-heading">The rules you accept by joining</h2>
      <ul>
        <li>
          Each side enters, in secret, the number it would really settle for. Nobody else — not the other
          side, not the mediator — ever sees it. There is a deal only when the numbers meet or overlap.
        </li>
        <li>
          First round: {formatDuration(preview.initialRoundSeconds)}. If it closes without a deal, an
          adjustment period of {formatDuration(preview.adjustmentSeconds)} follows, in which either side may
          change its number at any time.
        </li>
        <li>
          {preview.bonusPercent > 0
            ? `Bonus: ${preview.bonusPercent}%. In the adjustment period, the side whose number was already waiting when the other side's change creates the overlap gets ${preview.bonusPercent}%: the respondent pays ${preview.bonusPercent}% less, or the claimant receives ${preview.bonusPercent}% more. So the final amount may lie up to ${preview.bonusPercent}% outside the two numbers.`
            : 'No bonus: the final amount always lies between the two numbers.'}
        </li>
        {preview.proposalGapPercent !== null && (
          <li>
            A computed proposal is refused when the numbers are more than {preview.proposalGapPercent}% apart.
          </li>
        )}
        <li>
          {preview.startsAt
            ? `The numbers open no earlier than ${formatInstant(preview.startsAt)}.`
            : 'The numbers open as soon as both sides settle the terms.'}
        </li>
      </ul>
    </section>
  );
}

export function InvitationPage() {
  usePageTitle('Invitation');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const preview = useInvitationPreview(token);
  const accept = useAcceptInvitation();
  const p = preview.data;
  // The preview route may not exist yet on an older server (404 from the router): accepting
  // still works, so offer it with a sentence instead of the details.
  const previewMissing = preview.error instanceof ApiError && preview.error.status === 404;

  return (
    <section className="narrow">
      <h1>{p ? `Invitation: ${p.title}` : 'Invitation'}</h1>
      {!token && <p role="alert">This link has no invitation token. Open the link from your email again.</p>}
      {preview.isLoading && <p>Loading the invitation…</p>}
      {previewMissing ? (
        <p>The invitation's details cannot be shown by this server. You can still accept it.</p>
      ) : (
        <ErrorMessage error={preview.error} />
      )}
      {p && (
        <>
          <dl className="facts">
            <div>
              <dt>Session</dt>
              <dd>{p.title}</dd>
            </div>
            {p.caseNumber && (
              <div>
                <dt>Case number</dt>
                <dd>{p.caseNumber}</dd>
              </div>
            )}
            <div>
              <dt>Your role</dt>
              <dd>{ROLE_NAMES[p.role]}</dd>
            </div>
            <div>
              <dt>Invited by</dt>
              <dd>
                {p.invitedBy.displayName
                  ? `${p.invitedBy.displayName} (${p.invitedBy.email})`
                  : p.invitedBy.email}
              </dd>
            </div>
            <div>
              <dt>Currency</dt>
              <dd>{p.currency}</dd>
            </div>
            <div>
              <dt>Link valid until</dt>
              <dd>{formatInstant(p.expiresAt)}</dd>
            </div>
          </dl>
          <Rules preview={p} />
        </>
      )}
      {token && (p || previewMissing) && (
        <div className="actions">
          <button
            type="button"
            disabled={accept.isPending}
            onClick={() => accept.mutate(token, { onSuccess: (view) => navigate(`/sessions/${view.id}`) })}
          >
            Accept invitation
          </button>
          <Link to="/">Not now</Link>
        </div>
      )}
      <ErrorMessage error={accept.error} prefix="The invitation was not accepted." />
    </section>
  );
}
