/**
 * `POST /sessions/{id}/again` (openapi.yaml; docs/rules.md, "Across the life of a case"): after a
 * session ended without a deal, a member starts the matter's next session with the same settings.
 * The caller joins with the same role, every other member is invited again to theirs (the usual
 * single-use invitations and emails), and the old terms text is proposed as version 1 by the
 * caller. The old session records the new one in the same transaction, conditional on its
 * revision: one session is negotiated again at most once, whoever asks first.
 */
import { effectivePhase, proposeTerms, type Role } from '../../engine';
import { decided, loadAsMember, type PendingReceipt, runCommand, type SessionCommand } from '../command';
import { Rejected } from '../rejections';
import type { SessionRecord } from '../session-record';
import { type SessionView, sessionView } from '../views';
import { type CreateSessionDeps, type CreateSessionInput, newSession, newSessionId } from './create-session';

/** The old session's settings, with the caller in the same role. */
function againInput(record: SessionRecord, role: Role): CreateSessionInput {
  const { session } = record;
  return {
    title: session.title,
    caseNumber: session.caseNumber,
    currency: session.currency,
    myRole: role,
    invite: {},
    initialRoundSeconds: session.initialRoundSeconds,
    adjustmentSeconds: session.adjustmentSeconds,
    bonusPercent: session.bonusPercent,
    proposalGapPercent: session.proposalGapPercent,
  };
}

export function negotiateAgain(
  deps: CreateSessionDeps,
  command: SessionCommand<Record<string, never>>,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  const id = (deps.newId ?? newSessionId)();
  return runCommand(deps, {
    actor: command.caller.email,
    load: () => loadAsMember(deps.store, command.sessionId, command.caller),
    names: {},
    decide: async ({ record, role }, now, names) => {
      command.input();
      const phase = effectivePhase(record.session, now);
      if (phase !== 'no_deal' && phase !== 'withdrawn') {
        throw new Rejected(
          'session_not_ended',
          'Only a session that ended without a deal (no deal, or withdrawn) can be negotiated again.',
        );
      }
      if (record.nextSessionId !== null) {
        throw new Rejected(
          'already_started_again',
          'This session was already negotiated again; its members were invited to the new session.',
        );
      }
      const started = await newSession(
        deps.tokens,
        command.caller,
        againInput(record, role),
        { id, matterId: record.matterId, previousSessionId: record.session.id },
        now,
        // Every other member, to the same role, in the order they joined.
        record.members
          .filter((m) => m.email !== command.caller.email)
          .map((m) => ({ email: m.email, role: m.role, renewal: true })),
      );
      let after = started.record;
      const events = [...started.events];
      const text = record.session.terms.text;
      if (text !== null) {
        // A side member's proposal counts as its side's acceptance of version 1.
        const proposed = decided(proposeTerms(after.session, role, text, now));
        after = { ...after, session: proposed.session };
        events.push(...proposed.events);
      }
      return {
        after,
        events,
        outbox: started.outbox,
        previous: record,
        result: sessionView(after, role, now, null, names),
      };
    },
    receipt,
  });
}
