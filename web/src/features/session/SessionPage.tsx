import { useParams } from 'react-router';
import { useCurrencyDigits } from '../../money/useCurrencies';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { usePageTitle } from '../../ui/usePageTitle';
import { NegotiateAgainPanel } from './again/NegotiateAgainPanel';
import { CalendarButton } from './calendar/CalendarButton';
import { DealPanel } from './deal/DealPanel';
import { MatterPanel } from './matter/MatterPanel';
import { MembersPanel } from './members/MembersPanel';
import { NumberPanel } from './number/NumberPanel';
import { PhaseStatus } from './phase/PhaseStatus';
import { ProposalPanel } from './proposal/ProposalPanel';
import { RoomsPanel } from './rooms/RoomsPanel';
import { TermsPanel } from './terms/TermsPanel';
import { mySide, useSession } from './useSession';
import { WithdrawPanel } from './withdraw/WithdrawPanel';

/**
 * One session as the caller sees it, re-read every few seconds. Keyed by the id, so that going
 * to another session of the matter starts with fresh panels (no draft carried over).
 */
export function SessionPage() {
  const { id = '' } = useParams();
  return <SessionScreen key={id} id={id} />;
}

function SessionScreen({ id }: { id: string }) {
  const session = useSession(id);
  const view = session.data;
  const currency = useCurrencyDigits(view?.currency);
  usePageTitle(view?.title ?? 'Session');

  if (!view) {
    return (
      <section>
        <h1>Session</h1>
        {session.isPending && <p>Loading the session…</p>}
        <ErrorMessage error={session.error} />
      </section>
    );
  }
  const side = mySide(view);
  return (
    <article className="session">
      <header>
        <h1>{view.title}</h1>
        <p className="muted">
          {view.caseNumber ? `Case ${view.caseNumber} · ` : ''}
          {view.currency} · you are{' '}
          {view.myRole === 'mediator' ? 'the mediator' : `on the ${view.myRole} side`}
        </p>
      </header>
      <PhaseStatus view={view} />
      <CalendarButton view={view} />
      {session.error && <ErrorMessage error={session.error} prefix="The page could not refresh." />}
      {currency.error && (
        <p role="alert">The currency's details could not be loaded, so amounts cannot be shown or entered.</p>
      )}
      <DealPanel view={view} digits={currency.digits} />
      <NegotiateAgainPanel view={view} />
      {side && <NumberPanel view={view} side={side} digits={currency.digits} />}
      <ProposalPanel view={view} digits={currency.digits} />
      <TermsPanel view={view} side={side} />
      <RoomsPanel view={view} />
      <MembersPanel view={view} />
      <MatterPanel view={view} />
      <WithdrawPanel view={view} />
    </article>
  );
}
