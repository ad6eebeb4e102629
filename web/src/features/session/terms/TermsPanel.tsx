import { type FormEvent, useId } from 'react';
import type { SessionView, Side } from '../../../api/client';
import { ErrorMessage } from '../../../ui/ErrorMessage';
import { useAcceptTerms, useProposeTerms } from './useTerms';

function acceptance(version: number | null): string {
  if (version === null) return 'has not accepted anything yet';
  if (version === 0) return 'chose no terms: numbers first';
  return `accepted version ${version}`;
}

/** Step 1: the current terms text, each side's acceptance, and (in step 1) propose, accept, skip. */
export function TermsPanel({ view, side }: { view: SessionView; side: Side | null }) {
  const propose = useProposeTerms(view.id);
  const accept = useAcceptTerms(view.id);
  const textId = useId();
  const { terms } = view;
  const open = view.phase === 'setup';
  const mine = side ? terms.acceptedVersion[side] : null;

  const onPropose = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const text = String(new FormData(form).get('text') ?? '');
    propose.mutate(text, { onSuccess: () => form.reset() });
  };

  return (
    <section aria-labelledby="terms-heading">
      <h2 id="terms-heading">Terms</h2>
      {terms.version === 0 ? (
        <p>No terms text has been proposed.</p>
      ) : (
        <figure className="terms">
          <figcaption>Version {terms.version} (current)</figcaption>
          <blockquote>{terms.text}</blockquote>
        </figure>
      )}
      <ul>
        <li>Claimant side {acceptance(terms.acceptedVersion.claimant)}.</li>
        <li>Respondent side {acceptance(terms.acceptedVersion.respondent)}.</li>
      </ul>
      {open ? (
        <>
          {side && (
            <div className="actions">
              <button
                type="button"
                disabled={accept.isPending || terms.version === 0 || mine === terms.version}
                onClick={() => accept.mutate(terms.version)}
              >
                Accept terms
              </button>
              <button
                type="button"
                disabled={accept.isPending || mine === 0}
                onClick={() => accept.mutate(0)}
              >
                Skip terms
              </button>
            </div>
          )}
          <p className="hint">
            {!side
              ? 'As mediator you may propose a text; only the sides accept.'
              : terms.version === 0
                ? 'No text to accept yet: propose one, or skip terms to go straight to the numbers.'
                : `“Accept terms” accepts version ${terms.version} for your side; “Skip terms” chooses no terms, numbers first.`}{' '}
            The numbers open once both sides choose the same.
          </p>
          <ErrorMessage error={accept.error} prefix="Your choice was not recorded." />
          <form onSubmit={onPropose}>
            <div className="field">
              <label htmlFor={textId}>Terms text</label>
              <textarea id={textId} name="text" rows={5} required maxLength={20000} />
            </div>
            <button type="submit" disabled={propose.isPending}>
              Propose terms
            </button>
          </form>
          <ErrorMessage error={propose.error} prefix="The terms were not proposed." />
        </>
      ) : (
        <p className="muted">Step 1 is closed: the terms can no longer change.</p>
      )}
    </section>
  );
}
