/**
 * Every HTTP route except the two number routes: sessions, invitations, terms, withdraw.
 * It never touches a number, so it has no KMS permission at all.
 */
import { SessionsService } from '../../shared/app/sessions-service';
import { apiHandler } from '../../shared/http/handler';
import { businessClock } from '../../shared/runtime/clock';
import {
  fingerprintKey,
  idempotency,
  invitationTokens,
  sessionStore,
} from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

/**
 * API Gateway hands path parameters over decoded; an address still percent-encoded (a client that
 * encoded twice) is decoded once more. A stray `%` is left as it is: that address was never
 * invited (404), never a 500.
 */
function decodedOnce(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const service = new SessionsService({
  store: sessionStore(),
  clock: businessClock,
  tokens: invitationTokens(),
});

export const handler = apiHandler({
  logger: createLogger('api'),
  clock: businessClock,
  idempotency: idempotency(fingerprintKey()),
  routes: {
    'POST /sessions': ({ caller, body, guard }) => service.create(caller, body, guard),
    'GET /sessions': ({ caller }) => service.list(caller),
    'GET /sessions/{id}': ({ caller, params }) => service.get(caller, params.id!),
    'POST /sessions/{id}/invitations': ({ caller, params, body, guard }) =>
      service.invite(caller, params.id!, body, guard),
    'DELETE /sessions/{id}/invitations/{email}': ({ caller, params, guard }) =>
      service.revokeInvitation(caller, params.id!, decodedOnce(params.email!), guard),
    'POST /invitations/accept': ({ caller, body, guard }) => service.acceptInvitation(caller, body, guard),
    'PUT /sessions/{id}/terms': ({ caller, params, body, guard }) =>
      service.proposeTerms(caller, params.id!, body, guard),
    'POST /sessions/{id}/terms/accept': ({ caller, params, body, guard }) =>
      service.acceptTerms(caller, params.id!, body, guard),
    'POST /sessions/{id}/withdraw': ({ caller, params, body, guard }) =>
      service.withdraw(caller, params.id!, body, guard),
  },
});
