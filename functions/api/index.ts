/**
 * Every HTTP route except the two number routes, a proposal's answer and the rooms: sessions
 * (shared/http/session-routes.ts) and profiles (shared/http/profile-routes.ts). It never touches a number: its only KMS permission is to open
 * a side's answer to a proposal (the context `kind = answer`), for that side's own view.
 */
import { apiHandler } from '../../shared/http/handler';
import { profileRoutes } from '../../shared/http/profile-routes';
import { sessionRoutes } from '../../shared/http/session-routes';
import { businessClock } from '../../shared/runtime/clock';
import {
  fingerprintKey,
  idempotency,
  invitationTokens,
  profileStore,
  sealer,
  sessionStore,
} from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

const profiles = profileStore();

export const handler = apiHandler({
  logger: createLogger('api'),
  clock: businessClock,
  idempotency: idempotency(fingerprintKey()),
  routes: {
    ...profileRoutes({ profiles, clock: businessClock }),
    ...sessionRoutes({
      store: sessionStore(),
      profiles,
      clock: businessClock,
      tokens: invitationTokens(),
      // On AWS its role may decrypt a side's answer to a proposal and nothing else (lib/function-settings.ts).
      answers: sealer(),
    }),
  },
});
