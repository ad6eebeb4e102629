/**
 * PLACEHOLDER for the rooms function (the CDK app needs an entry to bundle): until the rooms use
 * cases land, every rooms route answers 404 `room_not_found`, the answer for a room the caller
 * may not see. It touches neither the table nor the messages key.
 */
import { HttpError } from '../../shared/http/errors';
import { apiHandler, type Route } from '../../shared/http/handler';
import { businessClock } from '../../shared/runtime/clock';
import { createLogger } from '../../shared/runtime/logger';

const roomNotFound: Route = async () => {
  throw new HttpError(404, 'room_not_found', 'No such room.');
};

export const handler = apiHandler({
  logger: createLogger('rooms'),
  clock: businessClock,
  routes: {
    'GET /sessions/{id}/rooms': roomNotFound,
    'GET /sessions/{id}/rooms/{room}/messages': roomNotFound,
    'POST /sessions/{id}/rooms/{room}/messages': roomNotFound,
    'POST /sessions/{id}/rooms/joint/consent': roomNotFound,
  },
});
