/**
 * `GET /sessions/{id}/number`: a side member reads its own side's standing number. The only API
 * function allowed to decrypt, and it opens only the caller's side's number.
 */
import { apiHandler } from '../../shared/http/handler';
import { ownNumberRoutes } from '../../shared/http/number-routes';
import { businessClock } from '../../shared/runtime/clock';
import { sealer, sessionStore } from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

export const handler = apiHandler({
  logger: createLogger('own-number'),
  clock: businessClock,
  routes: ownNumberRoutes({ store: sessionStore(), clock: businessClock, sealer: sealer() }),
});
