/**
 * `PUT /sessions/{id}/number` and `GET /sessions/{id}/number` (docs/rules.md, "Steps 2 and 3"
 * and "Who learns what"). Only these use cases touch the Sealer: the amount is sealed under the
 * seq the engine gives it and never kept anywhere else.
 */
import { effectivePhase, isEnded, submitNumber as submitNumberRule } from '../../engine';
import type { Sealer } from '../../ports';
import {
  type Caller,
  type CommandDeps,
  decided,
  loadAsMember,
  type PendingReceipt,
  requireSide,
  runCommand,
  type SessionCommand,
} from '../command';
import { Rejected } from '../rejections';
import type { SessionRecord } from '../session-record';
import { isoSeconds } from '../views';

export interface NumbersDeps extends CommandDeps {
  sealer: Sealer;
}

export interface NumberAccepted {
  accepted: true;
  submittedAt: string;
}

/** Seals the amount under the next seq and commits the move with the match marker. */
export function submitNumber(
  deps: NumbersDeps,
  command: SessionCommand<{ amount: number }>,
  receipt?: PendingReceipt<NumberAccepted>,
): Promise<NumberAccepted> {
  const { caller, sessionId } = command;
  return runCommand(deps, {
    actor: caller.email,
    load: () => loadAsMember(deps.store, sessionId, caller),
    decide: async ({ record, role }, now) => {
      const side = requireSide(role, 'Only a side’s members submit numbers; the mediator never does.');
      const { amount } = command.input();
      const { session, events } = decided(submitNumberRule(record.session, side, now));
      const seq = session.seq;
      const sealed = await deps.sealer.sealNumber(BigInt(amount), { sessionId, side, seq });
      const after: SessionRecord = {
        ...record,
        session,
        sealed: { ...record.sealed, [String(seq)]: sealed },
        latest: { ...record.latest, [side]: { seq, at: now } },
      };
      return { after, events, matchDue: true, result: { accepted: true, submittedAt: isoSeconds(now)! } };
    },
    receipt,
  });
}

export interface OwnNumber {
  amount: number;
  submittedAt: string;
}

/** The caller's own side's standing number, and nobody else's. */
export async function readOwnNumber(
  deps: NumbersDeps,
  caller: Caller,
  sessionId: string,
): Promise<OwnNumber> {
  const { record, role } = await loadAsMember(deps.store, sessionId, caller);
  const side = requireSide(role, 'Only a side’s members have a number.');
  if (isEnded(effectivePhase(record.session, deps.clock()))) {
    throw new Rejected('session_ended', 'The session has ended; its numbers are deleted.');
  }
  const latest = record.latest[side];
  const sealed = latest ? record.sealed[String(latest.seq)] : undefined;
  if (!latest || !sealed) throw new Rejected('no_number', 'Your side has no number yet.');
  const amount = await deps.sealer.openNumber(sealed, { sessionId, side, seq: latest.seq });
  return { amount: Number(amount), submittedAt: isoSeconds(latest.at)! };
}
