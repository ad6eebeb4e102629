/**
 * `GET /sessions/{id}/number`: a side member reads its own side's standing number. The only API
 * function allowed to decrypt, and it opens only the caller's side's number.
 */
import { NumbersService } from '../../shared/app/sessions-service';
import { apiHandler } from '../../shared/http/handler';
import { businessClock } from '../../shared/runtime/clock';
import { sealer, sessionStore } from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

const numbers = new NumbersService({ store: sessionStore(), clock: businessClock, sealer: sealer() });

export const handler = apiHandler({
  logger: createLogger('own-number'),
  clock: businessClock,
  routes: {
    'GET /sessions/{id}/number': ({ caller, params }) => numbers.readOwn(caller, params.id!),
  },
});
