/**
 * The local runtime's clockwork: the business clock's offset (kept in a file, so it survives a
 * restart), local timers fired on that clock in time order, and the reconciler on a schedule, as
 * on AWS (every 5 minutes there; every minute of real time here, and once at start so a restart
 * catches up: it re-drives what the stream gave up on, so no email is lost).
 *
 * Timer firing, clock moves and reconciler runs never interleave (one mutex). `settle()` and
 * `advanceClock()` return only after every effect now due is done: stream records (match,
 * notify), then due timers one by one, each followed by what it caused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { DueTimer, LocalTimer } from '../shared/adapters/local-timer';
import { businessClock, clockOffset, setClockOffset } from '../shared/runtime/clock';
import { errorLabel } from './services/error-label';
import type { StreamPoller } from './services/stream-poller';

export interface TickerOptions {
  poller: Pick<StreamPoller, 'drain'>;
  timers: Pick<LocalTimer, 'due' | 'complete'>;
  /** Invokes phase-timer for a due timer, as Scheduler would. */
  fireTimer: (timer: DueTimer) => Promise<unknown>;
  /** One reconciler run. */
  reconcile: () => Promise<unknown>;
  /** Where the business clock's offset is kept. */
  clockFile: string;
  /** Default 60 s. */
  reconcileEveryMs?: number;
  /** Pause between ticks. Default 500 ms. */
  tickMs?: number;
}

/** Serializes work that must not interleave (timer firing, clock moves, reconciler runs). */
function mutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Sets the business clock's offset from `file` (0 when there is none). */
export function loadClockOffset(file: string): void {
  try {
    setClockOffset((JSON.parse(readFileSync(file, 'utf8')) as { offsetMs: number }).offsetMs);
  } catch {
    setClockOffset(0);
  }
}

export class Ticker {
  private readonly exclusive = mutex();
  private lastReconcile = 0;
  private ticking = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: TickerOptions) {}

  /** Processes every effect now due (stream records, timers) in time order, then resolves. */
  settle(): Promise<void> {
    return this.exclusive(() => this.fireDue());
  }

  /**
   * Moves the business clock forward. Effects already due before the move come first, at the
   * time they were due (a number accepted before a deadline is evaluated before the clock passes
   * it), then those the move made due. Resolves with the new business time.
   */
  advanceClock(seconds: number): Promise<number> {
    return this.exclusive(async () => {
      await this.fireDue();
      const ms = Math.round(seconds * 1000);
      if (ms === 0) return businessClock(); // only settling: nothing more can be due
      setClockOffset(clockOffset() + ms);
      writeFileSync(this.options.clockFile, JSON.stringify({ offsetMs: clockOffset() }));
      await this.fireDue();
      return businessClock();
    });
  }

  /** Ticks in the background: due effects every `tickMs`, the reconciler when it is due. */
  start(): void {
    if (this.ticking) return;
    this.ticking = true;
    this.loop = this.run();
  }

  /** Stops ticking; resolves once the tick in flight (if any) has ended. */
  async stop(): Promise<void> {
    this.ticking = false;
    this.wake?.();
    await this.loop;
  }

  private async fireDue(): Promise<void> {
    const { poller, timers, fireTimer } = this.options;
    await poller.drain();
    for (;;) {
      const [next] = await timers.due(businessClock());
      if (!next) return;
      await fireTimer(next);
      await timers.complete(next.name);
      await poller.drain();
    }
  }

  private async reconcileIfDue(): Promise<void> {
    if (Date.now() - this.lastReconcile < (this.options.reconcileEveryMs ?? 60_000)) return;
    this.lastReconcile = Date.now();
    await this.exclusive(async () => {
      await this.options.reconcile().catch((error: unknown) => {
        console.error(`[reconciler] ${errorLabel(error)}`);
      });
      await this.fireDue();
    });
  }

  private async run(): Promise<void> {
    while (this.ticking) {
      await this.settle().catch((error: unknown) => console.error(`[timers] ${errorLabel(error)}`));
      if (!this.ticking) break;
      await this.reconcileIfDue().catch((error: unknown) =>
        console.error(`[reconciler] ${errorLabel(error)}`),
      );
      if (!this.ticking) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.options.tickMs ?? 500);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
    }
  }
}
