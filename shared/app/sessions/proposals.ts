/**
 * `POST /sessions/{id}/proposals` and `POST /sessions/{id}/proposals/current/consent`
 * (docs/rules.md, "Double-blind proposals"), served by the api function: neither touches a
 * number or an answer. A consent of `true` takes the next seq and sets the match marker: match
 * alone can open the two numbers a computed proposal is computed from.
 *
 * The order of checks (openapi.yaml): 404 not a member → 403 the role may not (the kind asked for
 * is read before the body is validated, as an invitation's role is) → 400 → 409.
 */
import {
  consentToProposal,
  effectiveProposals,
  type ProposalKind,
  requestProposal as requestProposalRule,
} from '../../engine';
import {
  type CommandDeps,
  decided,
  loadAsMember,
  type PendingReceipt,
  requireSide,
  runCommand,
  type SessionCommand,
  transitionCommand,
} from '../command';
import { forbidden } from '../rejections';
import { type SessionView, sessionView } from '../views';

export interface ProposalRequestInput {
  kind: ProposalKind;
  /** Minor units; the mediator's proposal only. */
  amount?: number;
}

export interface ProposalRequestCommand extends SessionCommand<ProposalRequestInput> {
  /** The body's `kind` as sent, read before the body is validated (for the 403). */
  requestedKind?: string;
}

/** The mediator issues a proposal (open at once), or a side member asks for a computed one. */
export function requestProposal(
  deps: CommandDeps,
  command: ProposalRequestCommand,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  // A new proposal has no answers yet: the plain view is the caller's.
  return transitionCommand(
    deps,
    command,
    (record, role, input, now) => {
      if (command.requestedKind === 'mediator' && role !== 'mediator') {
        throw forbidden('Only the mediator proposes an amount; a side may ask for a computed proposal.');
      }
      if (command.requestedKind === 'computed' && role === 'mediator') {
        throw forbidden('A computed proposal is asked for by a side; the mediator proposes an amount.');
      }
      const { kind, amount } = input();
      return requestProposalRule(
        record.session,
        role,
        { kind, amount: amount === undefined ? null : BigInt(amount) },
        now,
      );
    },
    receipt,
  );
}

/**
 * The side that did not ask consents (or declines) to a computed proposal: `true` takes the next
 * seq, and match computes the proposal in seq order.
 */
export function consentToComputedProposal(
  deps: CommandDeps,
  command: SessionCommand<{ consent: boolean }>,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  return runCommand(deps, {
    actor: command.caller.email,
    load: () => loadAsMember(deps.store, command.sessionId, command.caller),
    names: {},
    decide: ({ record, role }, now, names) => {
      const side = requireSide(role, 'Only the side that did not ask consents to a computed proposal.');
      const current = effectiveProposals(record.session, now).current;
      if (current?.state === 'requested' && current.requestedBy === side) {
        throw forbidden('The side that asked for a computed proposal does not consent to it.');
      }
      const { consent } = command.input();
      const { session, events } = decided(consentToProposal(record.session, side, consent, now));
      const after = { ...record, session };
      // Nobody has answered a proposal that is still requested or was just declined.
      return {
        after,
        events,
        matchDue: session.seq > record.session.seq,
        result: sessionView(after, role, now, null, names),
      };
    },
    receipt,
  });
}
