/**
 * The append-only records of a session's partition (docs/data-model.md): audit entries (an
 * event's type and ids, never a number) and outbox records (what must reach the outside world).
 */
import type { OutboxRecord } from '../app/outbox';
import type { DomainEvent } from '../engine';
import { auditSk, outboxSk, outboxWorkSk, sessionPk, WORK } from './keys';

type Item = Record<string, unknown>;

/** What an audit entry keeps of an event: its type and ids, never an amount (none exists here). */
function auditDetail(event: DomainEvent): Item {
  switch (event.type) {
    case 'NumberAccepted':
      return { side: event.side, seq: event.seq, step: event.step };
    case 'MoveEvaluated':
      return { seq: event.seq };
    case 'Settled':
      return { reachedIn: event.outcome.reachedIn, bonusSide: event.outcome.bonusSide };
    case 'TermsProposed':
      return { version: event.version, by: event.by };
    case 'TermsAccepted':
      return { side: event.side, version: event.version };
    case 'MemberJoined':
      return { role: event.role };
    case 'Withdrawn':
      return { side: event.side };
    // A proposal's events keep its number, the side and the seq: never its amount, never an answer.
    case 'ProposalRequested':
    case 'ProposalDeclined':
      return { proposal: event.proposal, side: event.side };
    case 'ProposalConsented':
      return { proposal: event.proposal, side: event.side, seq: event.seq };
    case 'ProposalAnswered':
      return {
        proposal: event.proposal,
        side: event.side,
        ...(event.seq === null ? {} : { seq: event.seq }),
      };
    case 'ProposalOpened':
      return { proposal: event.proposal, kind: event.kind, respondBy: event.respondBy };
    case 'ProposalClosed':
      return { proposal: event.proposal, state: event.state };
    case 'ProposalRefused':
    case 'ProposalVoided':
      return { proposal: event.proposal };
    default:
      return {};
  }
}

export function auditItem(
  sessionId: string,
  event: DomainEvent,
  position: { at: number; rev: number; index: number },
  actor: { by: string; role?: string },
): Item {
  return {
    pk: sessionPk(sessionId),
    sk: auditSk(position.at, position.rev, position.index),
    type: 'audit',
    event: event.type,
    ...auditDetail(event),
    actor: actor.by,
    ...(actor.role ? { actorRole: actor.role } : {}),
    at: position.at,
  };
}

export function outboxItem(record: OutboxRecord): Item {
  return {
    pk: sessionPk(record.sessionId),
    sk: outboxSk(record.id),
    type: 'outbox',
    status: 'pending',
    workPk: WORK.pendingOutbox,
    workSk: outboxWorkSk(record.createdAt, record.sessionId, record.id),
    ...record,
  };
}

/** The OutboxRecord fields of a stored outbox item. */
export function fromOutboxItem(item: Item): OutboxRecord {
  return {
    id: item.id as string,
    sessionId: item.sessionId as string,
    title: item.title as string,
    currency: item.currency as string,
    notice: (item.notice as OutboxRecord['notice'] | undefined) ?? null,
    timers: (item.timers as OutboxRecord['timers'] | undefined) ?? [],
    cancelTimers: (item.cancelTimers as string[] | undefined) ?? [],
    createdAt: item.createdAt as number,
  };
}
