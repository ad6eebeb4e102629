/**
 * The reconciler (docs/deploy.md): every few minutes it repairs whatever a lost stream record (24 h
 * retention, an exhausted retry), a lost timer or a crash left undone, so nothing is ever lost.
 * It reads the sparse work index `byWork`: active sessions (workPk = ACTIVE) and unsent outbox
 * records (workPk = OUTBOX).
 *
 * For each active session:
 * - **evaluation overdue** (`evaluatedSeq < seq` and the oldest pending move is older than
 *   `evaluationGraceMs`): re-drive match through the stream by setting the `matchDue` marker again
 *   (plus a `redrive` stamp, so the item really changes and the stream emits a record). The
 *   reconciler never opens a number itself: only match and own-number may Decrypt (docs/deploy.md).
 *   The update is conditional on the revision read, so a session that has moved on is left alone.
 * - **phase change or end overdue**: `finalizeDue` and commit if it produced events (phase-timer's
 *   own code path, conditional on the revision, retried on conflict).
 * - **reminder overdue** (its time passed, its phase still on, not yet written): phase-timer's
 *   reminder path, which writes the deterministic outbox record at most once; likewise an open
 *   proposal's reminder.
 * - **timers**: ensures the timers the session's current phase still needs in the future
 *   (step-2 opening, step-2 deadline and reminder, session end and step-3 reminder).
 *   Timer.ensure is idempotent by name, so an existing timer is left as it is and a missing one
 *   is re-created. What is already due is done directly above, not scheduled.
 *
 * For each outbox record still pending `outboxGraceMs` after it was created: re-drive it through
 * the stream (a `redrive` stamp, conditional on `status = pending`), so notify, the only sender,
 * dispatches it. Re-drives back off exponentially per item (1, 2, 4 … up to 60 minutes apart), so
 * a record that keeps failing does not flood the failure queue.
 */
import { effectiveProposals, finalizeDue } from '../engine';
import type { ActiveSession, Clock, PendingOutbox, Redrive, Timer, WorkIndex } from '../ports';
import type { PhaseTimerService } from './phase-timer-service';
import { proposalReminderWindow, type Reminder, reminderWindow, timersFor } from './timers';

export const RECONCILER_ACTOR = { by: 'reconciler' } as const;
const MINUTE = 60_000;

export interface ReconcilerDeps {
  work: WorkIndex;
  timer: Timer;
  phaseTimer: PhaseTimerService;
  clock: Clock;
  /** How long a pending move may wait for match before it is re-driven. Default 60 s. */
  evaluationGraceMs?: number;
  /** How long an outbox record may stay unsent before it is re-driven. Default 60 s. */
  outboxGraceMs?: number;
  /** Sessions handled at once. Default 8. */
  concurrency?: number;
  /** Real-time ms after which no new work starts (the Lambda's deadline minus a margin). */
  stopAt?: number;
  /** Called for each item that failed (the run goes on). */
  onError?: (item: { sessionId: string; outboxId?: string }, error: unknown) => void;
}

export interface ReconcileReport {
  sessions: number;
  evaluationsRedriven: number;
  finalized: number;
  reminders: number;
  timersEnsured: number;
  outboxRedriven: number;
  errors: number;
  /** Stopped early to stay within the time budget. */
  truncated: boolean;
}

/** Re-drive n+1 may happen min(2^n, 60) minutes after re-drive n. */
export function redriveAllowed(previous: Redrive | undefined, now: number): boolean {
  if (!previous) return true;
  const delay = Math.min(2 ** Math.max(previous.count - 1, 0), 60) * MINUTE;
  return now >= previous.at + delay;
}

/** How far ahead each run re-creates missing timers: several runs (every 5 minutes) before they fire. */
export const TIMER_HORIZON_MS = 30 * MINUTE;

export class ReconcilerService {
  private readonly evaluationGraceMs: number;
  private readonly outboxGraceMs: number;

  constructor(private readonly deps: ReconcilerDeps) {
    this.evaluationGraceMs = deps.evaluationGraceMs ?? MINUTE;
    this.outboxGraceMs = deps.outboxGraceMs ?? MINUTE;
  }

  async run(): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      sessions: 0,
      evaluationsRedriven: 0,
      finalized: 0,
      reminders: 0,
      timersEnsured: 0,
      outboxRedriven: 0,
      errors: 0,
      truncated: false,
    };
    const sessions = await this.deps.work.activeSessions();
    await this.pool(
      sessions,
      report,
      (item) => ({ sessionId: item.record.session.id }),
      (item) => this.reconcileSession(item, report),
    );
    const outbox = await this.deps.work.pendingOutbox(this.deps.clock() - this.outboxGraceMs);
    await this.pool(
      outbox,
      report,
      (item) => ({ sessionId: item.key.sessionId, outboxId: item.key.id }),
      (item) => this.redriveOutbox(item, report),
    );
    return report;
  }

  private timeIsUp(): boolean {
    return this.deps.stopAt !== undefined && Date.now() >= this.deps.stopAt;
  }

  private async pool<T>(
    items: T[],
    report: ReconcileReport,
    describe: (item: T) => { sessionId: string; outboxId?: string },
    work: (item: T) => Promise<void>,
  ): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        if (this.timeIsUp()) {
          report.truncated = true;
          return;
        }
        const item = items[next++]!;
        try {
          await work(item);
        } catch (error) {
          report.errors++;
          this.deps.onError?.(describe(item), error);
        }
      }
    };
    await Promise.all(Array.from({ length: this.deps.concurrency ?? 8 }, worker));
  }

  private async reconcileSession({ record, redrive }: ActiveSession, report: ReconcileReport): Promise<void> {
    report.sessions++;
    const { session } = record;
    const now = this.deps.clock();

    const oldest = session.pendingMoves[0];
    if (oldest && oldest.at + this.evaluationGraceMs <= now) {
      if (
        redriveAllowed(redrive, now) &&
        (await this.deps.work.redriveEvaluation(session.id, record.rev, nextRedrive(redrive, now)))
      ) {
        report.evaluationsRedriven++;
      }
    }

    if (finalizeDue(session, now).events.length > 0) {
      const result = await this.deps.phaseTimer.finalize(session.id, RECONCILER_ACTOR);
      if (result.action === 'finalized') report.finalized++;
    }

    for (const reminder of ['initial_round_reminder', 'adjustment_reminder'] as Reminder[]) {
      const window = reminderWindow(session, reminder, now);
      if (window && now >= window.from && now < window.until) {
        const result = await this.deps.phaseTimer.remind(session.id, reminder);
        if (result.action === 'reminder_sent') report.reminders++;
      }
    }
    const proposal = effectiveProposals(session, now).current;
    const proposalWindow = proposal ? proposalReminderWindow(proposal) : null;
    if (proposalWindow && now >= proposalWindow.from && now < proposalWindow.until) {
      const result = await this.deps.phaseTimer.remindProposal(session.id);
      if (result.action === 'reminder_sent') report.reminders++;
    }

    // Only timers due soon: a lost timer is re-created before it matters, without a CreateSchedule
    // for every timer of every open session on every run (and a lost timer whose time passed is
    // covered anyway: the run above finalizes overdue phase changes and reminders).
    for (const timer of timersFor(session, now).filter((t) => t.at <= now + TIMER_HORIZON_MS)) {
      await this.deps.timer.ensure(timer);
      report.timersEnsured++;
    }
  }

  private async redriveOutbox({ key, redrive }: PendingOutbox, report: ReconcileReport): Promise<void> {
    const now = this.deps.clock();
    if (!redriveAllowed(redrive, now)) return;
    // False: sent in the meantime, which is fine.
    if (await this.deps.work.redriveOutbox(key, nextRedrive(redrive, now))) report.outboxRedriven++;
  }
}

const nextRedrive = (previous: Redrive | undefined, now: number): Redrive => ({
  count: (previous?.count ?? 0) + 1,
  at: now,
});
