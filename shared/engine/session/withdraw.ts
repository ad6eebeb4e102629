/** Withdrawing (docs/rules.md, "Withdraw"). */
import type { Side } from '../types';
import { type DomainEvent, type Result, reject, type Session } from './model';
import { effectivePhase, isEnded } from './phase';
import { voidLiveProposal } from './proposal-state';

/**
 * A side member ends the session without a deal. It takes effect only once every accepted number
 * is evaluated, so it can never cancel a deal already made by an earlier number; the caller
 * waits for evaluation when this returns `evaluation_pending`. Withdrawing twice is harmless.
 */
export function withdraw(session: Session, side: Side, now: number): Result {
  if (session.ended?.reason === 'withdrawn') return { session, events: [] };
  const phase = effectivePhase(session, now);
  if (session.evaluatedSeq < session.seq && !session.outcome && !session.ended) {
    return reject('evaluation_pending', 'Earlier numbers are still being evaluated.');
  }
  if (isEnded(phase)) return reject('session_ended', 'The session has ended.');
  const events: DomainEvent[] = [{ type: 'Withdrawn', side, at: now }];
  const ended: Session = { ...session, ended: { reason: 'withdrawn', at: now }, announcedPhase: 'withdrawn' };
  // A live proposal is void in the same write.
  return { session: voidLiveProposal(ended, events), events };
}
