import type { SessionView } from '../../../api/client';
import { ROLE_NAMES } from '../../../domain/phase';
import { formatMoney } from '../../../money/money';
import { formatInstant } from '../../../time/countdown';

type Outcome = NonNullable<SessionView['outcome']>;

const REACHED_IN: Record<Outcome['reachedIn'], string> = {
  initial_round: 'in the first round',
  adjustment: 'in the adjustment period',
  proposal: 'by a double-blind proposal',
};

function explainBonus(outcome: Outcome, view: SessionView, digits: number): string {
  const base = formatMoney(outcome.baseAmount, view.currency, digits);
  if (outcome.bonusSide === null) {
    if (outcome.reachedIn === 'proposal')
      return 'Both sides accepted the proposal: its amount is the deal, with no bonus.';
    return outcome.reachedIn === 'initial_round'
      ? `No bonus: the deal was reached in the first round, so the amount is the base amount, ${base}.`
      : `No bonus applies: the amount is the base amount, ${base}.`;
  }
  const side = ROLE_NAMES[outcome.bonusSide].toLowerCase();
  const effect =
    outcome.bonusSide === 'claimant'
      ? `the claimant receives ${view.bonusPercent}% more than the base`
      : `the respondent pays ${view.bonusPercent}% less than the base`;
  return `Base amount ${base}. The ${side}'s number was already waiting when the other side's change created the overlap, so the ${side} gets the ${view.bonusPercent}% bonus: ${effect}.`;
}

/** The outcome of a settled session: the amount, its base and the bonus, explained. */
export function DealPanel({ view, digits }: { view: SessionView; digits: number | undefined }) {
  const outcome = view.outcome;
  if (!outcome) return null;
  return (
    <section aria-labelledby="deal-heading" className="deal">
      <h2 id="deal-heading">Deal</h2>
      {digits === undefined ? (
        <p>The amount cannot be shown until the currency's details load.</p>
      ) : (
        <>
          <p className="deal-amount">{formatMoney(outcome.amount, view.currency, digits)}</p>
          <p>{explainBonus(outcome, view, digits)}</p>
        </>
      )}
      <p className="muted">
        Reached {REACHED_IN[outcome.reachedIn]} on {formatInstant(outcome.settledAt)}.
      </p>
    </section>
  );
}
