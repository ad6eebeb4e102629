/**
 * The outbox records of a proposal's events (docs/rules.md, "Double-blind proposals" and
 * "Emails"): one per event, with a deterministic id per proposal, written in the same transaction
 * as the change. No notice ever holds a submitted number or how anyone answered; the proposal's
 * amount is not a submitted number (everyone in the session sees it once the proposal is open).
 */
import { type DomainEvent, otherSide, SIDES, type Side } from '../engine';
import type { OutboxRecord } from './outbox';
import type { SessionRecord } from './session-record';
import { proposalTimerNames, proposalTimersFor } from './timers';

export type ProposalNotice =
  | { template: 'proposal_requested'; to: string[]; requestedBy: Side; gapPercent: number }
  | { template: 'proposal_opened'; to: string[]; kind: string; amount: string; respondBy: number }
  | { template: 'proposal_refused'; to: string[]; gapPercent: number }
  | { template: 'proposal_declined'; to: string[] }
  | { template: 'proposal_not_accepted'; to: string[]; amount: string }
  | { template: 'proposal_reminder'; to: string[]; amount: string; respondBy: number };

type Base = Pick<OutboxRecord, 'sessionId' | 'title' | 'currency' | 'createdAt'>;

const everyone = (record: SessionRecord) => record.members.map((m) => m.email);
const membersOf = (record: SessionRecord, side: Side) =>
  record.members.filter((m) => m.role === side).map((m) => m.email);

/** `proposal-2-opened`: one record per proposal and event, so a retry writes no second one. */
export const proposalOutboxId = (proposal: number, what: string) => `proposal-${proposal}-${what}`;

/** The outbox records a proposal event implies (none for the others). */
export function proposalOutbox(record: SessionRecord, event: DomainEvent, base: Base): OutboxRecord[] {
  const { session } = record;
  const one = (
    proposal: number,
    what: string,
    notice: ProposalNotice | null,
    cancel = false,
  ): OutboxRecord[] => [
    {
      ...base,
      id: proposalOutboxId(proposal, what),
      notice,
      timers: what === 'opened' ? proposalTimersFor(session, base.createdAt) : [],
      cancelTimers: cancel ? proposalTimerNames(session.id, proposal) : [],
    },
  ];
  const amount = () => session.proposals.current?.amount?.toString() ?? '';
  switch (event.type) {
    case 'ProposalRequested':
      return one(event.proposal, 'requested', {
        template: 'proposal_requested',
        to: membersOf(record, otherSide(event.side)),
        requestedBy: event.side,
        gapPercent: session.proposalGapPercent,
      });
    case 'ProposalOpened':
      return one(event.proposal, 'opened', {
        template: 'proposal_opened',
        to: everyone(record),
        kind: event.kind,
        amount: event.amount.toString(),
        respondBy: event.respondBy,
      });
    case 'ProposalRefused':
      return one(event.proposal, 'refused', {
        template: 'proposal_refused',
        to: everyone(record),
        gapPercent: session.proposalGapPercent,
      });
    case 'ProposalDeclined':
      return one(event.proposal, 'declined', { template: 'proposal_declined', to: everyone(record) });
    case 'ProposalClosed':
      // Accepted is the deal: the deal email (Settled) says it; this record only retires the timers.
      return one(
        event.proposal,
        'closed',
        event.state === 'accepted'
          ? null
          : { template: 'proposal_not_accepted', to: everyone(record), amount: amount() },
        true,
      );
    case 'ProposalVoided':
      // The session's end email says it ended; only the proposal's timers are left to retire.
      return one(event.proposal, 'void', null, true);
    default:
      return [];
  }
}

/**
 * The reminders 24 h before `respondBy`: one record per side that has not answered, to that side's
 * members only, so no recipient list tells one side whether the other has answered.
 */
export function proposalReminderRecords(record: SessionRecord, now: number): OutboxRecord[] {
  const { session } = record;
  const proposal = session.proposals.current;
  if (proposal?.state !== 'open' || proposal.amount === null || proposal.respondBy === null) return [];
  return SIDES.filter((side) => !proposal.answered[side])
    .map((side) => ({ side, to: membersOf(record, side) }))
    .filter(({ to }) => to.length > 0)
    .map(({ side, to }) => ({
      id: proposalOutboxId(proposal.number, `reminder-${side}`),
      sessionId: session.id,
      title: session.title,
      currency: session.currency,
      createdAt: now,
      notice: {
        template: 'proposal_reminder',
        to,
        amount: proposal.amount!.toString(),
        respondBy: proposal.respondBy!,
      },
      timers: [],
      cancelTimers: [],
    }));
}
