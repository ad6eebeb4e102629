/** Step 1: `PUT /sessions/{id}/terms` and `POST /sessions/{id}/terms/accept` (docs/rules.md, "Phases"). */
import { acceptTerms as acceptTermsRule, proposeTerms as proposeTermsRule } from '../../engine';
import {
  type CommandDeps,
  type PendingReceipt,
  requireSide,
  type SessionCommand,
  transitionCommand,
} from '../command';
import type { SessionView } from '../views';

/** A side member's proposal counts as its side's acceptance; the mediator's accepts nothing. */
export function proposeTerms(
  deps: CommandDeps,
  command: SessionCommand<{ text: string }>,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  return transitionCommand(
    deps,
    command,
    (record, role, input, now) => proposeTermsRule(record.session, role, input().text, now),
    receipt,
  );
}

/** A side accepts the current version, or version 0 ("no terms, numbers first"). */
export function acceptTerms(
  deps: CommandDeps,
  command: SessionCommand<{ version: number }>,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  return transitionCommand(
    deps,
    command,
    (record, role, input, now) => {
      const side = requireSide(role, 'Only a side’s members accept terms.');
      return acceptTermsRule(record.session, side, input().version, now);
    },
    receipt,
  );
}
