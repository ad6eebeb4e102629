/**
 * The deadlines calendar builder, read back with an independent parser (ical.js): what a calendar
 * application would show, not only the text written.
 */
import { describe, expect, it } from 'vitest';
import {
  type Deadline,
  deadlinesCalendar,
  EVENT_MINUTES,
  PRODUCT_ID,
} from '../../../../shared/app/calendar/deadlines-ics';
import { parseCalendar } from '../../../support/ics';

const SESSION_ID = 'S3ss10n_Id-0123456789a';
const MADE_AT = Date.parse('2026-02-27T08:15:00Z');
const DEADLINES: Deadline[] = [
  { kind: 'initial_round', at: Date.parse('2026-03-01T12:00:00Z') },
  { kind: 'adjustment', at: Date.parse('2026-03-29T12:00:00Z') },
  { kind: 'proposal', proposal: 2, at: Date.parse('2026-03-08T09:30:00Z') },
];

const lines = (text: string) => text.split('\r\n');

describe('deadlinesCalendar', () => {
  it('writes one event per deadline: UTC start, stable UID, title in the summary, short and transparent', () => {
    // Prepare
    const input = { sessionId: SESSION_ID, title: 'Acme v. Widget', deadlines: DEADLINES, madeAt: MADE_AT };

    // Act
    const text = deadlinesCalendar(input);
    const calendar = parseCalendar(text);

    // Assess
    expect(calendar.version).toBe('2.0');
    expect(calendar.productId).toBe(PRODUCT_ID);
    expect(calendar.events.map((e) => [e.uid, e.start, e.summary])).toEqual([
      [`${SESSION_ID}-initial-round@backchannel`, '2026-03-01T12:00:00Z', 'Step 2 closes — Acme v. Widget'],
      [`${SESSION_ID}-adjustment@backchannel`, '2026-03-29T12:00:00Z', 'Step 3 ends — Acme v. Widget'],
      [
        `${SESSION_ID}-proposal-2@backchannel`,
        '2026-03-08T09:30:00Z',
        'Answers to the proposal due — Acme v. Widget',
      ],
    ]);
    for (const event of calendar.events) {
      expect(event.utc).toBe(true);
      expect(event.durationSeconds).toBe(EVENT_MINUTES * 60);
      expect(event.dtstamp).toBe('2026-02-27T08:15:00Z');
      expect(event.transparent).toBe(true);
      expect(event.description).not.toBe('');
    }
    expect(lines(text)).toContain('DTSTART:20260301T120000Z');
  });

  it('writes a valid calendar with no event when no deadline is known', () => {
    // Act
    const text = deadlinesCalendar({ sessionId: SESSION_ID, title: 'Early', deadlines: [], madeAt: MADE_AT });

    // Assess
    expect(parseCalendar(text).events).toEqual([]);
    expect(lines(text)[0]).toBe('BEGIN:VCALENDAR');
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text).not.toContain('VEVENT');
  });

  it.each([
    ['commas and semicolons', 'Acme, Inc.; et al. v. Widget, LLC'],
    ['a backslash and quotes', 'C:\\claims "quoted" \'single\''],
    ['emoji and accents', 'Café ☕ v. Ünïcode 🚀👩‍⚖️ — über'],
    ['a long title', `${'Long title '.repeat(18)}end`],
    ['text that looks like calendar syntax', 'x\\nEND:VEVENT BEGIN:VALARM'],
  ])('escapes a title with %s so the parser reads it back unchanged', (_, title) => {
    // Act
    const text = deadlinesCalendar({
      sessionId: SESSION_ID,
      title,
      deadlines: DEADLINES.slice(0, 1),
      madeAt: MADE_AT,
    });

    // Assess
    expect(parseCalendar(text).events.map((e) => e.summary)).toEqual([`Step 2 closes — ${title}`]);
    expect(text.match(/^BEGIN:VEVENT$/gm)).toHaveLength(1);
  });

  it('folds lines at 75 octets, never inside a character, with CRLF endings', () => {
    // Prepare: 4-byte emoji, a 3-byte dash and plain text.
    const title = `${'🚀'.repeat(60)} — ${'é'.repeat(50)}`;

    // Act
    const text = deadlinesCalendar({ sessionId: SESSION_ID, title, deadlines: DEADLINES, madeAt: MADE_AT });

    // Assess
    expect(text).not.toMatch(/[^\r]\n/);
    for (const line of lines(text)) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(text).not.toContain('\uFFFD');
    expect(parseCalendar(text).events[0]!.summary).toBe(`Step 2 closes — ${title}`);
  });

  it('puts no digit in a description: nothing but fixed sentences about steps', () => {
    // Act
    const { events } = parseCalendar(
      deadlinesCalendar({ sessionId: SESSION_ID, title: 'T', deadlines: DEADLINES, madeAt: MADE_AT }),
    );

    // Assess: the step names are the only digits.
    for (const event of events) expect(event.description.replace(/step [23]/gi, '')).not.toMatch(/\d/);
  });

  it('gives the same UIDs and the same events for the same deadlines, whenever it is made', () => {
    // Act
    const first = parseCalendar(
      deadlinesCalendar({ sessionId: SESSION_ID, title: 'T', deadlines: DEADLINES, madeAt: MADE_AT }),
    );
    const later = parseCalendar(
      deadlinesCalendar({
        sessionId: SESSION_ID,
        title: 'T',
        deadlines: DEADLINES,
        madeAt: MADE_AT + 86_400_000,
      }),
    );

    // Assess: only DTSTAMP moves.
    const withoutStamp = (c: typeof first) => c.events.map(({ dtstamp: _, ...rest }) => rest);
    expect(withoutStamp(later)).toEqual(withoutStamp(first));
    expect(later.events[0]!.dtstamp).not.toBe(first.events[0]!.dtstamp);
  });
});
