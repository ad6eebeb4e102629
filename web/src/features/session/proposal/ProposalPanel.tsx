import type { SessionView } from '../../../api/client';
import { formatMoney } from '../../../money/money';
import { Countdown } from '../../../ui/Countdown';
import { mySide } from '../useSession';
import { ProposalActions } from './ProposalActions';

type Proposal = NonNullable<SessionView['proposal']>;
type ProposalState = Proposal['state'];

/** Each state in plain words (docs/rules.md, "Double-blind proposals"). */
export const PROPOSAL_STATES: Record<ProposalState, string> = {
  requested: 'Requested: waiting for the other side’s consent',
  open: 'Open: each side answers yes or no, in secret',
  accepted: 'Accepted by both sides: this is the deal',
  not_accepted: 'Not accepted',
  refused: 'Refused: the numbers are too far apart',
  declined: 'Declined: the other side did not consent',
  void: 'Void: the session ended first',
};

const KIND_NAMES: Record<Proposal['kind'], string> = {
  mediator: 'Mediator’s proposal',
  computed: 'Computed proposal',
};

function describe(proposal: Proposal): string {
  const by = proposal.requestedBy ? `, asked for by the ${proposal.requestedBy}` : '';
  return `${KIND_NAMES[proposal.kind]}${by}: ${PROPOSAL_STATES[proposal.state]}.`;
}

function answerText(proposal: Proposal, view: SessionView): string | null {
  if (view.myRole === 'mediator') return 'Nobody, you included, learns how or whether a side answered.';
  if (proposal.myAnswer === null) return proposal.state === 'open' ? 'Your side has not answered yet.' : null;
  return `Your side answered ${proposal.myAnswer ? 'yes' : 'no'}. Only your side sees this.`;
}

/**
 * The double-blind proposals of a session: the latest one (its state, amount, deadline and the
 * caller's side's own answer), the earlier ones, and what the caller may do now.
 */
export function ProposalPanel({ view, digits }: { view: SessionView; digits: number | undefined }) {
  const proposal = view.proposal;
  if (view.phase !== 'adjustment' && !proposal) return null;
  const answer = proposal ? answerText(proposal, view) : null;
  return (
    <section aria-labelledby="proposal-heading" className="proposal">
      <h2 id="proposal-heading">Proposal</h2>
      <p className="hint">
        A proposal offers one amount to both sides. Each side answers yes or no, in secret; there is a deal
        only if both say yes. Numbers keep working meanwhile.
      </p>
      {proposal ? (
        <>
          <p aria-live="polite">{describe(proposal)}</p>
          {proposal.amount !== null && digits !== undefined && (
            <p className="proposal-amount">
              Proposed amount: <strong>{formatMoney(proposal.amount, view.currency, digits)}</strong>
            </p>
          )}
          {proposal.state === 'open' && proposal.respondBy && (
            <p>
              <Countdown to={proposal.respondBy} label="Answers close" />
            </p>
          )}
          {answer && <p>{answer}</p>}
          {proposal.history.length > 0 && (
            <>
              <h3>Earlier proposals</h3>
              <ol>
                {proposal.history.map((h, i) => (
                  // The history only grows at its end: the position is a stable key.
                  // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id of their own
                  <li key={i}>
                    {KIND_NAMES[h.kind]}: {PROPOSAL_STATES[h.state].toLowerCase()}
                  </li>
                ))}
              </ol>
            </>
          )}
        </>
      ) : (
        <p>No proposal yet.</p>
      )}
      {view.phase === 'adjustment' && <ProposalActions view={view} side={mySide(view)} digits={digits} />}
    </section>
  );
}
