/**
 * Every HTTP route except the two number routes and the rooms (shared/http/session-routes.ts).
 * It never touches a number, so it has no KMS permission at all.
 */
import { apiHandler } from '../../shared/http/handler';
import { sessionRoutes } from '../../shared/http/session-routes';
import { businessClock } from '../../shared/runtime/clock';
import {
  fingerprintKey,
  idempotency,
  invitationTokens,
  sessionStore,
} from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

export const handler = apiHandler({
  logger: createLogger('api'),
  clock: businessClock,
  idempotency: idempotency(fingerprintKey()),
  routes: sessionRoutes({ store: sessionStore(), clock: businessClock, tokens: invitationTokens() }),
});
