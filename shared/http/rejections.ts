/** The HTTP status of each domain rejection (openapi.yaml lists them per route). */
import { Rejected, type RejectionCode } from '../app/rejections';
import { HttpError } from './errors';

const STATUS: Record<RejectionCode, number> = {
  not_found: 404,
  invitation_not_found: 404,
  no_number: 404,
  room_not_found: 404,
  forbidden: 403,
  invitation_other_address: 403,
  invalid_input: 400,
  round_not_open: 409,
  session_ended: 409,
  terms_closed: 409,
  terms_changed: 409,
  proposal_unavailable: 409,
  no_proposal: 409,
  already_answered: 409,
  already_member: 409,
  role_filled: 409,
  room_closed: 409,
  session_not_ended: 409,
  already_started_again: 409,
  invitation_invalid: 410,
  idempotency_key_reused: 422,
  too_many_invitations: 429,
  // A withdrawal that waited for earlier numbers too long: nothing changed, safe to retry.
  evaluation_pending: 503,
};

/** A rejection as the HTTP error a client sees; any other error is returned as it is. */
export function asHttpError(error: unknown): unknown {
  if (!(error instanceof Rejected)) return error;
  if (error.code === 'evaluation_pending') {
    return new HttpError(
      503,
      'service_unavailable',
      'A dependency failed. Nothing was changed; it is safe to retry.',
    );
  }
  return new HttpError(STATUS[error.code], error.code, error.message);
}
