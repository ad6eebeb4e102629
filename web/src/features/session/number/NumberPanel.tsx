import { type FormEvent, useId, useState } from 'react';
import type { SessionView, Side } from '../../../api/client';
import {
  currencySymbol,
  describeDigits,
  exampleAmount,
  formatMoney,
  parseAmount,
} from '../../../money/money';
import { formatInstant } from '../../../time/countdown';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { ErrorMessage } from '../../../ui/ErrorMessage';
import { useOwnNumber, useSubmitNumber } from './useNumber';

const OPEN_PHASES = new Set(['initial_round', 'adjustment']);

/**
 * A side member's number: the standing one (own side only) and the form to enter or change it.
 * What is typed is checked here first (digits of the currency, range) and nothing is sent until
 * the person confirms the amount in a dialog.
 */
export function NumberPanel({
  view,
  side,
  digits,
}: {
  view: SessionView;
  side: Side;
  digits: number | undefined;
}) {
  const own = useOwnNumber(view.id, view.sides[side].hasNumber && OPEN_PHASES.has(view.phase));
  const submit = useSubmitNumber(view.id);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState<bigint | null>(null);
  const [done, setDone] = useState(false);
  const inputId = useId();
  const open = OPEN_PHASES.has(view.phase);

  if (!open) return null;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    if (digits === undefined) return;
    const parsed = parseAmount(text, view.currency, digits);
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem(null);
    setPending(parsed.minor);
  };
  const confirm = () => {
    if (pending === null) return;
    submit.mutate(Number(pending), {
      onSuccess: () => {
        setPending(null);
        setText('');
        setDone(true);
      },
      onError: () => setPending(null),
    });
  };

  return (
    <section aria-labelledby="number-heading">
      <h2 id="number-heading">Your side's number</h2>
      <p className="hint">
        {side === 'claimant'
          ? 'Your demand: the least your side would accept.'
          : 'Your offer: the most your side would pay.'}{' '}
        It is sealed at once; the other side and the mediator never see it.
      </p>
      {own.data && digits !== undefined && (
        <p>
          Standing number: <strong>{formatMoney(own.data.amount, view.currency, digits)}</strong>, entered{' '}
          {formatInstant(own.data.submittedAt)}.
        </p>
      )}
      {!view.sides[side].hasNumber && <p>Your side has not entered a number yet.</p>}
      <ErrorMessage error={own.error} prefix="Your side's number could not be loaded." />
      {digits === undefined ? (
        <p role="alert">
          Amounts cannot be entered until the currency's details load. Please reload the page.
        </p>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <div className="field">
            <label htmlFor={inputId}>Your number</label>
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
                aria-describedby={`${inputId}-hint${problem ? ` ${inputId}-problem` : ''}`}
              />
            </div>
            <p id={`${inputId}-hint`} className="hint">
              In {view.currency}, {describeDigits(digits)}, e.g. {exampleAmount(digits)}.
            </p>
            {problem && (
              <p id={`${inputId}-problem`} role="alert" className="error">
                {problem}
              </p>
            )}
          </div>
          <button type="submit" disabled={submit.isPending}>
            Submit number
          </button>
        </form>
      )}
      {done && <p aria-live="polite">Your number was submitted.</p>}
      <ErrorMessage error={submit.error} prefix="Your number was not submitted." />
      <ConfirmDialog
        open={pending !== null}
        title="Submit this number?"
        onConfirm={confirm}
        onCancel={() => setPending(null)}
        busy={submit.isPending}
      >
        <p>
          Your side's number will be{' '}
          <strong>
            {pending !== null && digits !== undefined ? formatMoney(pending, view.currency, digits) : ''}
          </strong>
          . It replaces any number your side entered before.
        </p>
      </ConfirmDialog>
    </section>
  );
}
