/**
 * The proposals part of a session (docs/rules.md, "Double-blind proposals"): its empty state and
 * the two changes that other writes make to it: a session end voids a live proposal in the same
 * write, and `respondBy` closes an open one that did not get both answers. Kept apart from
 * proposals.ts so that phase, numbers and withdraw can use it without a circular import.
 */
import type { DomainEvent, Proposal, Proposals, Session } from './model';

export const noProposals = (): Proposals => ({
  current: null,
  history: [],
  mediatorCount: 0,
  requested: { claimant: false, respondent: false },
});

/** A proposal still in play: `requested` (waiting for consent or for match) or `open`. */
export const isLive = (proposal: Proposal | null): proposal is Proposal =>
  proposal?.state === 'requested' || proposal?.state === 'open';

export const withCurrent = (session: Session, current: Proposal): Session => ({
  ...session,
  proposals: { ...session.proposals, current },
});

/** A session end (a deal by numbers, the end of step 3, a withdrawal) voids a live proposal. */
export function voidLiveProposal(session: Session, events: DomainEvent[]): Session {
  const current = session.proposals.current;
  if (!isLive(current)) return session;
  events.push({ type: 'ProposalVoided', proposal: current.number });
  return withCurrent(session, { ...current, state: 'void' });
}

/**
 * At `respondBy` an open proposal without both answers is `not_accepted` (rejected or
 * unanswered: nobody learns which), and only once every accepted write is evaluated, so a deal
 * by an earlier number, or a proposal whose second answer came in time, still wins. When
 * `respondBy` is the end of step 3 itself, the end comes first and voids it.
 */
export function closeUnansweredIfDue(
  session: Session,
  events: DomainEvent[],
  endsAt: number | null,
  now: number,
): Session {
  const current = session.proposals.current;
  if (current?.state !== 'open') return session;
  // An open proposal exists only in step 3, whose end is known.
  const respondBy = current.respondBy!;
  if (now < respondBy || respondBy >= endsAt! || session.evaluatedSeq < session.seq) return session;
  events.push({ type: 'ProposalClosed', proposal: current.number, state: 'not_accepted' });
  return withCurrent(session, { ...current, state: 'not_accepted' });
}
