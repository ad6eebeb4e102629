/**
 * A session's deadlines as an RFC 5545 calendar (openapi.yaml, `GET /sessions/{id}/calendar.ics`;
 * docs/rules.md, "Deadlines in a calendar"). Pure: deadlines in, text out. `ics` writes the
 * calendar (escaping of `\ ; ,` and line breaks); this file only chooses what goes in it, and
 * folds lines by octets.
 *
 * - Every event starts at its deadline, written in UTC (`DTSTART:20260301T120000Z`), and lasts
 *   `EVENT_MINUTES`: RFC 5545 forbids a DTEND equal to DTSTART and `ics` cannot write `PT0S`, and a
 *   calendar shows a short event better than an instant. It is transparent (never "busy").
 * - Its UID is `<sessionId>-<kind>@backchannel` (kinds: `initial-round`, `adjustment`,
 *   `proposal-<n>`), so importing the file again updates an event instead of adding a copy. A
 *   deadline never moves once it is known, so the SEQUENCE stays 0.
 * - Its input has a title and times, nothing else: no amount can reach the calendar.
 */
import { createEvents, type EventAttributes } from 'ics';

/** One known deadline; `at` is epoch milliseconds. */
export type Deadline =
  | { kind: 'initial_round'; at: number }
  | { kind: 'adjustment'; at: number }
  | { kind: 'proposal'; proposal: number; at: number };

export interface DeadlinesCalendar {
  sessionId: string;
  title: string;
  deadlines: readonly Deadline[];
  /** When the file is made (the business clock): each event's DTSTAMP. */
  madeAt: number;
}

/** How long each event lasts, from its deadline. */
export const EVENT_MINUTES = 30;

export const PRODUCT_ID = '-//Backchannel//Session deadlines//EN';

export function deadlineUid(sessionId: string, deadline: Deadline): string {
  const kind =
    deadline.kind === 'initial_round'
      ? 'initial-round'
      : deadline.kind === 'adjustment'
        ? 'adjustment'
        : `proposal-${deadline.proposal}`;
  return `${sessionId}-${kind}@backchannel`;
}

const SUMMARIES: Record<Deadline['kind'], string> = {
  initial_round: 'Step 2 closes',
  adjustment: 'Step 3 ends',
  proposal: 'Answers to the proposal due',
};

const DESCRIPTIONS: Record<Deadline['kind'], string> = {
  initial_round:
    'The initial round (step 2) closes. A side without a number should enter it before then. ' +
    'Open the session in Backchannel to act.',
  adjustment:
    'Step 3 (adjustment) ends: without a deal by then, the session closes with no deal. ' +
    'Open the session in Backchannel to act.',
  proposal:
    'Each side answers the open proposal, in secret, before then. Open the session in Backchannel to ' +
    'answer.',
};

export function deadlineSummary(title: string, deadline: Deadline): string {
  return `${SUMMARIES[deadline.kind]} — ${title}`;
}

/** `ics` takes DTSTAMP as `timestamp`, which its types do not list. */
type Event = EventAttributes & { timestamp: number };

function eventOf(input: DeadlinesCalendar, deadline: Deadline): Event {
  return {
    uid: deadlineUid(input.sessionId, deadline),
    title: deadlineSummary(input.title, deadline),
    description: DESCRIPTIONS[deadline.kind],
    start: deadline.at,
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: { minutes: EVENT_MINUTES },
    timestamp: input.madeAt,
    transp: 'TRANSPARENT',
    busyStatus: 'FREE',
  };
}

const encoder = new TextEncoder();

/**
 * Folds a content line at 75 octets (RFC 5545, 3.1), never inside a character: `ics` counts
 * characters, so a title of emoji would make lines of 300 octets.
 */
function foldByOctets(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    // Continuation lines begin with a space, which counts.
    if (octets + size > 75) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n');
}

function refold(text: string): string {
  const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n');
  return lines.map((line) => (line === '' ? line : foldByOctets(line))).join('\r\n');
}

/** The calendar, one event per deadline, in the order given (no deadline: no event). */
export function deadlinesCalendar(input: DeadlinesCalendar): string {
  const { error, value } = createEvents(
    input.deadlines.map((deadline) => eventOf(input, deadline)),
    { productId: PRODUCT_ID, method: 'PUBLISH' },
  );
  // A fixed sentence: `ics` validates its input, and its message could quote the title.
  if (error || value === null) throw new Error('the deadlines calendar could not be written');
  return refold(value);
}
