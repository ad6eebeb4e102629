import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TIMER_NAME_PATTERN, timerName } from '../../../shared/adapters/timer-name';
import type { TimerEvent } from '../../../shared/ports';

const EVENTS: TimerEvent[] = [
  'initial_round_opens',
  'initial_round_reminder',
  'initial_round_deadline',
  'adjustment_reminder',
  'session_end',
];

const sessionIds = fc
  .integer({ min: 16, max: 64 })
  .chain((length) =>
    fc
      .uint8Array({ minLength: length, maxLength: length })
      .map((bytes) => Buffer.from(bytes).toString('base64url')),
  );

describe('timerName', () => {
  it('is the session id and the event for a 16-byte session id', () => {
    // Prepare
    const sessionId = 'a-_B9xQ2zY8wV7uT6sR5qP';

    // Act
    const name = timerName(sessionId, 'initial_round_deadline');

    // Assess
    expect(name).toBe('a-_B9xQ2zY8wV7uT6sR5qP.initial_round_deadline');
  });

  it('is always 1–64 characters of [0-9a-zA-Z-_.], for session ids of 16 to 64 random bytes', () => {
    // Act / Assess
    fc.assert(
      fc.property(sessionIds, fc.constantFrom(...EVENTS), (sessionId, event) => {
        const name = timerName(sessionId, event);
        expect(name.length).toBeLessThanOrEqual(64);
        expect(name).toMatch(TIMER_NAME_PATTERN);
      }),
    );
  });

  it('is deterministic', () => {
    // Prepare
    const sessionId = randomBytes(48).toString('base64url');

    // Act / Assess
    for (const event of EVENTS) expect(timerName(sessionId, event)).toBe(timerName(sessionId, event));
  });

  it('hashes session ids too long for the direct form, keeping the event readable', () => {
    // Prepare
    const sessionId = randomBytes(32).toString('base64url'); // 43 characters

    // Act
    const name = timerName(sessionId, 'initial_round_reminder');

    // Assess
    expect(name).toMatch(/^h\.[A-Za-z0-9_-]{32}\.initial_round_reminder$/);
  });

  it('hashes a session id with characters outside base64url', () => {
    // Act
    const name = timerName('not base64/url+', 'session_end');

    // Assess
    expect(name).toMatch(/^h\.[A-Za-z0-9_-]{32}\.session_end$/);
  });

  it('gives different names to different sessions and events', () => {
    // Prepare
    const ids = [
      'h',
      ...Array.from({ length: 50 }, (_, index) => randomBytes(16 + index).toString('base64url')),
    ];

    // Act
    const names = ids.flatMap((sessionId) => EVENTS.map((event) => timerName(sessionId, event)));

    // Assess
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses an event outside [a-z_]', () => {
    // Act / Assess
    expect(() => timerName('abc', 'Session.End' as TimerEvent)).toThrow(RangeError);
  });
});

describe('timerName of a proposal’s timer', () => {
  it('appends the proposal’s number, so each proposal of a session has timers of its own', () => {
    // Prepare
    const sessionId = 'a-_B9xQ2zY8wV7uT6sR5qP';

    // Act
    const first = timerName(sessionId, 'proposal_respond_by', 1);
    const second = timerName(sessionId, 'proposal_respond_by', 2);

    // Assess
    expect(first).toBe('a-_B9xQ2zY8wV7uT6sR5qP.proposal_respond_by.p1');
    expect(second).not.toBe(first);
  });

  it('stays a valid, distinct name for long session ids (hashed form)', () => {
    fc.assert(
      fc.property(
        sessionIds,
        fc.constantFrom<TimerEvent>('proposal_respond_by', 'proposal_reminder'),
        fc.integer({ min: 1, max: 9999 }),
        (sessionId, event, proposal) => {
          // Act
          const name = timerName(sessionId, event, proposal);

          // Assess
          expect(name).toMatch(TIMER_NAME_PATTERN);
          expect(name.endsWith(`.${event}.p${proposal}`)).toBe(true);
          expect(name).not.toBe(timerName(sessionId, event));
        },
      ),
    );
  });

  it.each([0, 1.5, 10_000])('refuses proposal number %d', (proposal) => {
    // Act / Assess
    expect(() => timerName('S1', 'proposal_reminder', proposal)).toThrow(RangeError);
  });
});
