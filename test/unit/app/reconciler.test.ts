import { describe, expect, it } from 'vitest';
import { redriveAllowed } from '../../../shared/app/reconciler-service';
import { reminderWindow, timersFor } from '../../../shared/app/timers';
import { finalizeDue } from '../../../shared/engine';
import { sessionWith, T0 } from '../../support/fixtures/session-record';

const ID = 'c2Vzc2lvbi1pZC0tX18tMDE';
const H = 3600_000;
const D = 24 * H;

const events = (timers: { event: string; at: number }[]) => timers.map((t) => [t.event, t.at]);

describe('timersFor', () => {
  it('step 2: the deadline and the reminder 12 h before it', () => {
    const { session } = sessionWith(ID);
    expect(events(timersFor(session, T0 + 1000))).toEqual([
      ['initial_round_deadline', T0 + 48 * H],
      ['initial_round_reminder', T0 + 36 * H],
    ]);
    // After the reminder's time only the deadline is left to schedule (the reminder is done directly).
    expect(events(timersFor(session, T0 + 37 * H))).toEqual([['initial_round_deadline', T0 + 48 * H]]);
  });

  it('a step 2 of 24 h or less has no reminder', () => {
    const { session } = sessionWith(ID, [], { initialRoundSeconds: 24 * 3600 });
    expect(events(timersFor(session, T0))).toEqual([['initial_round_deadline', T0 + 24 * H]]);
  });

  it('step 3: the end and the reminder 3 days before it; step 2 timers no longer', () => {
    const record = sessionWith(ID, [
      { side: 'claimant', at: T0 + 1000 },
      { side: 'respondent', at: T0 + 2000 },
    ]);
    // Evaluate nothing: the pair is still pending, the phase still shows step 2, but it closed early.
    expect(events(timersFor(record.session, T0 + 3000))).toEqual([]);
    const closed = { ...record.session, evaluatedSeq: 2, pendingMoves: [] };
    const endsAt = T0 + 2000 + 28 * D;
    expect(events(timersFor(closed, T0 + 3000))).toEqual([
      ['session_end', endsAt],
      ['adjustment_reminder', endsAt - 3 * D],
    ]);
  });

  it('an ended session needs none', () => {
    const { session } = sessionWith(ID);
    const ended = finalizeDue(session, T0 + 48 * H + 28 * D).session;
    expect(timersFor(ended, T0 + 48 * H + 28 * D)).toEqual([]);
  });
});

describe('reminderWindow', () => {
  it('spans from the reminder time to the deadline', () => {
    const { session } = sessionWith(ID);
    expect(reminderWindow(session, 'initial_round_reminder', T0)).toEqual({
      from: T0 + 36 * H,
      until: T0 + 48 * H,
    });
    expect(reminderWindow(session, 'adjustment_reminder', T0)).toBeNull();
  });
});

describe('redriveAllowed', () => {
  it('backs off 1, 2, 4 … minutes up to an hour', () => {
    expect(redriveAllowed(undefined, 0)).toBe(true);
    expect(redriveAllowed({ count: 1, at: 0 }, 59_999)).toBe(false);
    expect(redriveAllowed({ count: 1, at: 0 }, 60_000)).toBe(true);
    expect(redriveAllowed({ count: 3, at: 0 }, 4 * 60_000 - 1)).toBe(false);
    expect(redriveAllowed({ count: 3, at: 0 }, 4 * 60_000)).toBe(true);
    expect(redriveAllowed({ count: 30, at: 0 }, 60 * 60_000)).toBe(true);
  });
});
