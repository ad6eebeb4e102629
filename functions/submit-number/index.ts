/**
 * `PUT /sessions/{id}/number`: takes a number from the internet, seals it and commits the move.
 * It may only encrypt: it can never read a number back.
 */
import { NumbersService } from '../../shared/app/sessions-service';
import { apiHandler } from '../../shared/http/handler';
import { businessClock } from '../../shared/runtime/clock';
import { fingerprintKey, idempotency, sealer, sessionStore } from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

const numbers = new NumbersService({ store: sessionStore(), clock: businessClock, sealer: sealer() });

export const handler = apiHandler({
  logger: createLogger('submit-number'),
  clock: businessClock,
  idempotency: idempotency(fingerprintKey()),
  routes: {
    'PUT /sessions/{id}/number': ({ caller, params, body, guard }) =>
      numbers.submit(caller, params.id!, body, guard),
  },
});
