import { type FormEvent, useId, useState } from 'react';
import type { SessionView, Side } from '../../../api/client';
import { currencySymbol, exampleAmount, parseAmount } from '../../../money/money';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { ErrorMessage } from '../../../ui/ErrorMessage';
import { useAnswer, useConsent, useRequestProposal } from './useProposals';

/** What a computed proposal discloses: shown before anyone asks for one or consents to it. */
export function Disclosure({ gapPercent }: { gapPercent: number }) {
  return (
    <p className="hint">
      What a computed proposal discloses: its amount lies somewhere between the two sides’ numbers (drawn at
      random and rounded, never the midpoint), and if it is refused, that the numbers are more than{' '}
      {gapPercent}% of the claimant’s demand apart.
    </p>
  );
}

/** A side answers the open proposal, after confirming in a dialog. */
function AnswerButtons({ view }: { view: SessionView }) {
  const answer = useAnswer(view.id);
  const [pending, setPending] = useState<boolean | null>(null);
  return (
    <>
      <div className="actions">
        <button type="button" onClick={() => setPending(true)} disabled={answer.isPending}>
          Accept proposal
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => setPending(false)}
          disabled={answer.isPending}
        >
          Reject proposal
        </button>
      </div>
      <ErrorMessage error={answer.error} prefix="Your answer was not recorded." />
      <ConfirmDialog
        open={pending !== null}
        title={pending ? 'Accept this proposal?' : 'Reject this proposal?'}
        busy={answer.isPending}
        onCancel={() => setPending(null)}
        onConfirm={() => pending !== null && answer.mutate(pending, { onSettled: () => setPending(null) })}
      >
        <p>
          {pending
            ? 'Your side says yes. If the other side says yes too, this amount is the deal.'
            : 'Your side says no. The proposal will not become a deal.'}{' '}
          Your side answers once; nobody else learns how, or whether, your side answered.
        </p>
      </ConfirmDialog>
    </>
  );
}

/** The mediator names an amount, in major units of the currency. */
function MediatorForm({ view, digits }: { view: SessionView; digits: number }) {
  const request = useRequestProposal(view.id);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const inputId = useId();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseAmount(text, view.currency, digits);
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem(null);
    request.mutate({ kind: 'mediator', amount: Number(parsed.minor) }, { onSuccess: () => setText('') });
  };
  return (
    <form onSubmit={onSubmit} noValidate>
      <div className="field">
        <label htmlFor={inputId}>Proposal amount</label>
        <div className="money-input">
          <span aria-hidden="true">{currencySymbol(view.currency)}</span>
          <input
            id={inputId}
            type="text"
            inputMode={digits === 0 ? 'numeric' : 'decimal'}
            autoComplete="off"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${inputId}-problem` : undefined}
          />
        </div>
        <p className="hint">
          In {view.currency}, e.g. {exampleAmount(digits)}. Both sides see it and answer yes or no; you never
          learn how they answered.
        </p>
        {problem && (
          <p id={`${inputId}-problem`} role="alert" className="error">
            {problem}
          </p>
        )}
      </div>
      <button type="submit" disabled={request.isPending}>
        Propose
      </button>
      <ErrorMessage error={request.error} prefix="The proposal was not made." />
    </form>
  );
}

/** What the caller may do with proposals now, in step 3. */
export function ProposalActions({
  view,
  side,
  digits,
}: {
  view: SessionView;
  side: Side | null;
  digits: number | undefined;
}) {
  const request = useRequestProposal(view.id);
  const consent = useConsent(view.id);
  const proposal = view.proposal;
  const live = proposal?.state === 'requested' || proposal?.state === 'open';
  if (proposal?.state === 'open') {
    return side && proposal.myAnswer === null ? <AnswerButtons view={view} /> : null;
  }
  if (proposal?.state === 'requested') {
    if (!side) return null;
    if (proposal.requestedBy === side) return <p>Waiting for the other side’s consent.</p>;
    return (
      <div>
        <p>
          The {proposal.requestedBy} asks for a computed proposal. Its amount is computed from both numbers.
        </p>
        <Disclosure gapPercent={view.proposalGapPercent} />
        <div className="actions">
          <button type="button" onClick={() => consent.mutate(true)} disabled={consent.isPending}>
            Consent
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => consent.mutate(false)}
            disabled={consent.isPending}
          >
            Decline
          </button>
        </div>
        <ErrorMessage error={consent.error} prefix="Your consent was not recorded." />
      </div>
    );
  }
  if (live) return null;
  if (!side) {
    return digits === undefined ? (
      <p role="alert">Amounts cannot be entered until the currency's details load.</p>
    ) : (
      <MediatorForm view={view} digits={digits} />
    );
  }
  const bothNumbers = view.sides.claimant.hasNumber && view.sides.respondent.hasNumber;
  return (
    <div>
      <Disclosure gapPercent={view.proposalGapPercent} />
      <button
        type="button"
        onClick={() => request.mutate({ kind: 'computed' })}
        disabled={request.isPending || !bothNumbers}
      >
        Request a proposal
      </button>
      {!bothNumbers && <p className="hint">A computed proposal needs a number from both sides.</p>}
      <ErrorMessage error={request.error} prefix="The proposal was not requested." />
    </div>
  );
}
