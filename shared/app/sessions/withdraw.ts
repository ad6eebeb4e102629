/**
 * `POST /sessions/{id}/withdraw` (docs/rules.md, "Withdraw"): a side member ends the session
 * without a deal. It takes effect only once every accepted number is evaluated, so it waits for
 * them inside the request (a few seconds at most) instead of telling the caller something is
 * pending. Withdrawing twice answers the same view and changes nothing.
 */
import { isRejection, withdraw as withdrawRule } from '../../engine';
import {
  type CommandDeps,
  decided,
  loadAsMember,
  type PendingReceipt,
  requireSide,
  runCommand,
  type SessionCommand,
} from '../command';
import { Rejected } from '../rejections';
import { type SessionView, sessionView } from '../views';

/** How long a withdrawal waits for earlier numbers to be evaluated. */
export const WITHDRAW_WAIT_MS = 3_000;

/** A withdrawal found unevaluated numbers: it waits and decides again (never reaches a caller). */
class EvaluationPending extends Error {
  override readonly name = 'EvaluationPending';
}

export async function withdraw(
  deps: CommandDeps,
  command: SessionCommand<Record<string, never>>,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  const deadline = Date.now() + WITHDRAW_WAIT_MS;
  for (;;) {
    try {
      return await runCommand(deps, {
        actor: command.caller.email,
        load: () => loadAsMember(deps.store, command.sessionId, command.caller),
        names: {},
        decide: ({ record, role }, now, names) => {
          const side = requireSide(
            role,
            'Only a side’s members may withdraw; the mediator cannot end a session.',
          );
          command.input();
          const result = withdrawRule(record.session, side, now);
          if (isRejection(result) && result.rejected === 'evaluation_pending') throw new EvaluationPending();
          const { session, events } = decided(result);
          const after = { ...record, session };
          const view = sessionView(after, role, now, null, names);
          return events.length > 0 ? { after, events, result: view } : { result: view };
        },
        receipt,
      });
    } catch (error) {
      if (!(error instanceof EvaluationPending)) throw error;
      if (Date.now() >= deadline) {
        throw new Rejected('evaluation_pending', 'Earlier numbers are still being evaluated; try again.');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
