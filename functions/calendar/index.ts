/**
 * `GET /sessions/{id}/calendar.ics`: a member's deadlines as a calendar (docs/rules.md, "Deadlines
 * in a calendar"). It reads the session item only: no key, no secret, no write.
 */
import { calendarRoutes } from '../../shared/http/calendar-routes';
import { apiHandler } from '../../shared/http/handler';
import { businessClock } from '../../shared/runtime/clock';
import { sessionStore } from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

export const handler = apiHandler({
  logger: createLogger('calendar'),
  clock: businessClock,
  routes: calendarRoutes({ store: sessionStore(), clock: businessClock }),
});
