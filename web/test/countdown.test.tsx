import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatRemaining } from '../src/time/countdown';
import { observeServerDate } from '../src/time/server-clock';
import { Countdown } from '../src/ui/Countdown';

describe('formatRemaining', () => {
  it('says days and hours, hours and minutes, minutes and seconds, then now', () => {
    // Act
    const texts = [
      formatRemaining(2 * 86_400_000 + 3 * 3_600_000 + 59_000),
      formatRemaining(86_400_000),
      formatRemaining(3 * 3_600_000 + 4 * 60_000),
      formatRemaining(4 * 60_000 + 5_000),
      formatRemaining(5_999),
      formatRemaining(0),
      formatRemaining(-1_000),
    ];

    // Assess
    expect(texts).toEqual(['2 days 3 h', '1 day 0 h', '3 h 04 min', '4 min 05 s', '5 s', 'now', 'now']);
  });
});

describe('Countdown', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-01T09:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks every second until the deadline, then says now', () => {
    // Prepare
    render(<Countdown to="2026-03-01T09:01:05Z" label="First round closes" />);
    const time = () => screen.getByText(/^(in |now)/).textContent;
    const first = time();

    // Act
    act(() => vi.advanceTimersByTime(1_000));
    const second = time();
    act(() => vi.advanceTimersByTime(64_000));
    const last = time();

    // Assess
    expect(first).toBe('in 1 min 05 s');
    expect(second).toBe('in 1 min 04 s');
    expect(last).toBe('now');
  });

  it("follows the server's clock from the Date header, not the browser's", () => {
    // Prepare: the server (the local business clock) is one day ahead of this browser.
    observeServerDate(new Date('2026-03-02T09:00:00Z').toUTCString(), Date.now());

    // Act
    render(<Countdown to="2026-03-02T10:00:00Z" label="Adjustment ends" />);

    // Assess
    expect(screen.getByText(/^in /).textContent).toBe('in 1 h 00 min');
  });
});
