/**
 * `POST /sessions/{id}/proposals/current/answer` (docs/rules.md, "Double-blind proposals"): a
 * side answers the open proposal once, yes or no, in secret.
 *
 * Served by the submit-number function, not by api: sealing needs kms:Encrypt, which only
 * submit-number has. Giving api Encrypt as well would let a compromised api seal a "yes" for a
 * side that never gave it and so make a deal; this way the one function that may seal a
 * side's secret input (a number or an answer) stays the only one, and api may only open answers
 * (for `myAnswer` in views), never seal one (SECURITY.md).
 *
 * The answer is sealed at a fixed width under {sessionId, side, proposal, kind: answer}; the
 * session keeps only that the side has answered. The answer that completes both takes the next
 * seq and sets the match marker: match opens both answers and closes the proposal in seq order.
 * Nothing in the response, the stored item or the idempotency record says how the side answered
 * but the caller's own view (`myAnswer`), which is never stored.
 */
import { answerProposal as answerProposalRule } from '../../engine';
import type { AnswerSealer } from '../../ports';
import {
  type CommandDeps,
  decided,
  loadAsMember,
  type PendingReceipt,
  requireSide,
  runCommand,
  type SessionCommand,
} from '../command';
import type { SessionRecord } from '../session-record';
import { type SessionView, sessionView } from '../views';

export interface AnswerDeps extends CommandDeps {
  sealer: AnswerSealer;
}

export function answerProposal(
  deps: AnswerDeps,
  command: SessionCommand<{ accept: boolean }>,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  const { caller, sessionId } = command;
  return runCommand(deps, {
    actor: caller.email,
    load: () => loadAsMember(deps.store, sessionId, caller),
    names: {},
    decide: async ({ record, role }, now, names) => {
      const side = requireSide(role, 'Only a side’s members answer a proposal; the mediator never does.');
      const { accept } = command.input();
      const { session, events } = decided(answerProposalRule(record.session, side, now));
      const proposal = session.proposals.current!.number;
      const sealed = await deps.sealer.sealAnswer(accept, { sessionId, side, proposal });
      const earlier = record.answers?.proposal === proposal ? record.answers.sealed : {};
      const after: SessionRecord = {
        ...record,
        session,
        answers: { proposal, sealed: { ...earlier, [side]: sealed } },
      };
      return {
        after,
        events,
        matchDue: session.seq > record.session.seq,
        result: sessionView(after, role, now, accept, names),
      };
    },
    receipt,
  });
}

/** A view as an idempotency record may keep it: without the caller's answer. */
export function withoutMyAnswer(view: SessionView): SessionView {
  return view.proposal ? { ...view, proposal: { ...view.proposal, myAnswer: null } } : view;
}
