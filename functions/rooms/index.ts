/**
 * The rooms of a session (shared/http/room-routes.ts): the only function that may use the
 * messages key (GenerateDataKey and Decrypt, bound to {sessionId, room}). It never touches a
 * number: it has no access to the numbers key.
 */
import { apiHandler } from '../../shared/http/handler';
import { roomRoutes } from '../../shared/http/room-routes';
import { businessClock } from '../../shared/runtime/clock';
import { messageSealer, roomStore } from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

export const handler = apiHandler({
  logger: createLogger('rooms'),
  clock: businessClock,
  routes: roomRoutes({ rooms: roomStore(), sealer: messageSealer(), clock: businessClock }),
});
