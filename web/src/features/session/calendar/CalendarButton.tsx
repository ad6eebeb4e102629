import type { SessionView } from '../../../api/client';
import { ErrorMessage } from '../../../ui/ErrorMessage';
import { useCalendarFile } from './useCalendarFile';

/** The deadlines `calendar.ics` has events for: step 2's close, step 3's end, an open proposal's. */
function hasDeadline(view: Pick<SessionView, 'schedule' | 'proposal'>): boolean {
  const { schedule, proposal } = view;
  return Boolean(
    schedule.initialRoundEndsAt || schedule.endsAt || (proposal?.state === 'open' && proposal.respondBy),
  );
}

/** "Add to calendar": the session's deadlines as an .ics file, once it has any. */
export function CalendarButton({ view }: { view: SessionView }) {
  const calendar = useCalendarFile(view);
  if (!hasDeadline(view)) return null;
  return (
    <div className="actions">
      <button
        type="button"
        className="secondary"
        disabled={calendar.isPending}
        onClick={() => calendar.mutate()}
      >
        Add to calendar
      </button>
      <ErrorMessage error={calendar.error} prefix="The calendar file could not be downloaded." />
    </div>
  );
}
