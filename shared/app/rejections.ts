/**
 * Typed domain rejections: what a use case answers when a command may not happen. They carry a
 * code and a sentence that states the rule (never the value sent, never a hint that a session
 * exists); shared/http maps each code to its HTTP status (openapi.yaml).
 */
import type { RejectionCode as EngineCode, Rejection as EngineRejection } from '../engine';

export type RejectionCode =
  | Exclude<EngineCode, 'nothing_to_evaluate'>
  | 'not_found'
  | 'invitation_not_found'
  | 'invitation_invalid'
  | 'invitation_other_address'
  | 'already_member'
  | 'role_filled'
  | 'too_many_invitations'
  | 'no_number'
  | 'room_not_found'
  | 'room_closed'
  | 'session_not_ended'
  | 'already_started_again'
  | 'idempotency_key_reused';

export class Rejected extends Error {
  override readonly name = 'Rejected';
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
  }
}

/** Unknown session and "not a member" look the same: outsiders never learn a session exists. */
export const sessionNotFound = () => new Rejected('not_found', 'No such session.');
export const forbidden = (message: string) => new Rejected('forbidden', message);
export const invalidInput = (message: string) => new Rejected('invalid_input', message);
export const sessionEnded = () => new Rejected('session_ended', 'The session has ended.');

/** An engine rejection as the use case's. */
export function fromEngine(rejection: EngineRejection): Rejected {
  if (rejection.rejected === 'nothing_to_evaluate') throw new Error('nothing to evaluate is not a rejection');
  return new Rejected(rejection.rejected, rejection.message);
}
