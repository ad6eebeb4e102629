/**
 * The route of the `calendar` function (openapi.yaml, `/sessions/{id}/calendar.ics`): a member's
 * deadlines as an iCalendar download. A function of its own so that the ICS library is loaded
 * only where it is used (bench/results.md, "Cold start"), and with the least access of any:
 * it reads the session item and nothing else (lib/function-settings.ts).
 */
import { type CalendarDeps, sessionCalendar } from '../app/sessions/calendar';
import type { Routes } from './handler';
import { download } from './present';

export function calendarRoutes(deps: CalendarDeps): Routes {
  return {
    'GET /sessions/{id}/calendar.ics': async ({ caller, params }) => {
      const calendar = await sessionCalendar(deps, caller, params.id!);
      // The session id is checked (loadAsMember) before it names the file: letters, digits, - and _.
      return download({
        contentType: 'text/calendar; charset=utf-8',
        fileName: `backchannel-${calendar.sessionId}.ics`,
        text: calendar.text,
      });
    },
  };
}
