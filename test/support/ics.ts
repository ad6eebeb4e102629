/**
 * Reads a calendar back with an independent parser (ical.js), so tests compare what a calendar
 * application would see, not the text the server wrote.
 */
import ICAL from 'ical.js';

export interface ParsedEvent {
  uid: string;
  summary: string;
  description: string;
  /** DTSTART as ISO 8601 to the second (`2026-03-01T12:00:00Z`). */
  start: string;
  /** Whether DTSTART was written in UTC (`…Z`). */
  utc: boolean;
  durationSeconds: number;
  dtstamp: string;
  transparent: boolean;
}

export interface ParsedCalendar {
  version: string;
  productId: string;
  events: ParsedEvent[];
}

const isoSeconds = (time: InstanceType<typeof ICAL.Time>) =>
  time
    .toJSDate()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');

export function parseCalendar(text: string): ParsedCalendar {
  const calendar = new ICAL.Component(ICAL.parse(text));
  if (calendar.name !== 'vcalendar') throw new Error(`not a calendar: ${calendar.name}`);
  const events = calendar.getAllSubcomponents('vevent').map((component): ParsedEvent => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      start: isoSeconds(event.startDate),
      utc: event.startDate.zone === ICAL.Timezone.utcTimezone,
      durationSeconds: event.duration.toSeconds(),
      dtstamp: isoSeconds(component.getFirstPropertyValue('dtstamp') as InstanceType<typeof ICAL.Time>),
      transparent: component.getFirstPropertyValue('transp') === 'TRANSPARENT',
    };
  });
  return {
    version: String(calendar.getFirstPropertyValue('version')),
    productId: String(calendar.getFirstPropertyValue('prodid')),
    events,
  };
}
