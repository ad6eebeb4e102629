/**
 * `PUT /sessions/{id}/number`: takes a number from the internet, seals it and commits the move;
 * `POST /sessions/{id}/proposals/current/answer`: seals a side's answer to a proposal the same way.
 * It may only encrypt: it can never read a number or an answer back.
 */
import { apiHandler } from '../../shared/http/handler';
import { submitNumberRoutes } from '../../shared/http/number-routes';
import { businessClock } from '../../shared/runtime/clock';
import {
  fingerprintKey,
  idempotency,
  profileStore,
  sealer,
  sessionStore,
} from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

export const handler = apiHandler({
  logger: createLogger('submit-number'),
  clock: businessClock,
  idempotency: idempotency(fingerprintKey()),
  routes: submitNumberRoutes({
    store: sessionStore(),
    clock: businessClock,
    sealer: sealer(),
    // Display names for the view an answer returns (a number's answer shows no one).
    profiles: profileStore(),
  }),
});
