/** Step 1: `PUT /sessions/{id}/terms` and `POST /sessions/{id}/terms/accept` (docs/rules.md). */
import { acceptTerms as acceptTermsRule, proposeTerms as proposeTermsRule } from '../../engine';
import {
  type CommandDeps,
  decided,
  loadAsMember,
  type PendingReceipt,
  requireSide,
  runCommand,
  type SessionCommand,
} from '../command';
import { type SessionView, sessionView } from '../views';

/** A side member's proposal counts as its side's acceptance; the mediator's accepts nothing. */
export function proposeTerms(
  deps: CommandDeps,
  command: SessionCommand<{ text: string }>,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  return runCommand(deps, {
    actor: command.caller.email,
    load: () => loadAsMember(deps.store, command.sessionId, command.caller),
    decide: ({ record, role }, now) => {
      const { text } = command.input();
      const { session, events } = decided(proposeTermsRule(record.session, role, text, now));
      const after = { ...record, session };
      return { after, events, result: sessionView(after, role, now) };
    },
    receipt,
  });
}

/** A side accepts the current version, or version 0 ("no terms, numbers first"). */
export function acceptTerms(
  deps: CommandDeps,
  command: SessionCommand<{ version: number }>,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  return runCommand(deps, {
    actor: command.caller.email,
    load: () => loadAsMember(deps.store, command.sessionId, command.caller),
    decide: ({ record, role }, now) => {
      const side = requireSide(role, 'Only a side’s members accept terms.');
      const { version } = command.input();
      const { session, events } = decided(acceptTermsRule(record.session, side, version, now));
      const after = { ...record, session };
      return { after, events, result: sessionView(after, role, now) };
    },
    receipt,
  });
}
