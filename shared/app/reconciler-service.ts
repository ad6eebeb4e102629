/**
 * The reconciler (SPEC §5): every few minutes it repairs whatever a lost stream record (24 h
 * retention, an exhausted retry), a lost timer or a crash left undone, so nothing is ever lost.
 * It reads the sparse work index `byWork`: active sessions (workPk = ACTIVE) and unsent outbox
 * records (workPk = OUTBOX).
 *
 * For each active session:
 * - **evaluation overdue** (`evaluatedSeq < seq` and the oldest pending move is older than
 *   `evaluationGraceMs`): re-drive match through the stream by setting the `matchDue` marker again
 *   (plus a `redrive` stamp, so the item really changes and the stream emits a record). The
 *   reconciler never opens a number itself: only match and own-number may Decrypt (SPEC §5).
 *   The update is conditional on the revision read, so a session that has moved on is left alone.
 * - **phase change or end overdue**: `finalizeDue` and commit if it produced events (phase-timer's
 *   own code path, conditional on the revision, retried on conflict).
 * - **reminder overdue** (its time passed, its phase still on, not yet written): phase-timer's
 *   reminder path, which writes the deterministic outbox record at most once.
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
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  adjustmentEndsAt,
  effectivePhase,
  finalizeDue,
  initialRoundEndsAt,
  type Phase,
  type Session,
} from '../engine';
import type { Clock, Timer, TimerEvent, TimerRequest } from '../ports';
import { TABLE } from '../table/definition';
import { timerName } from './outbox';
import { type PhaseTimerService, type Reminder, reminderWindow } from './phase-timer-service';
import { fromItem, SESSION_SK, sessionPk } from './session-record';
import type { SessionStore } from './session-store';

export const RECONCILER_ACTOR = { by: 'reconciler' } as const;
const MINUTE = 60_000;

export interface ReconcilerDeps {
  store: SessionStore;
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
  onError?: (item: { pk: string; sk: string }, error: unknown) => void;
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

interface Redrive {
  count: number;
  at: number;
}

/** Re-drive n+1 may happen min(2^n, 60) minutes after re-drive n. */
export function redriveAllowed(previous: Redrive | undefined, now: number): boolean {
  if (!previous) return true;
  const delay = Math.min(2 ** Math.max(previous.count - 1, 0), 60) * MINUTE;
  return now >= previous.at + delay;
}

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');

/**
 * The timers the session's phase still needs at `now`, at times still in the future (what is
 * already due is the reconciler's to do directly). Mirrors the timers outboxFor creates.
 */
/** How far ahead each run re-creates missing timers: several runs (every 5 minutes) before they fire. */
export const TIMER_HORIZON_MS = 30 * MINUTE;

export function timersNeeded(session: Session, now: number): TimerRequest[] {
  const phase: Phase = effectivePhase(session, now);
  const timer = (event: TimerEvent, at: number): TimerRequest => ({
    name: timerName(session.id, event),
    sessionId: session.id,
    event,
    at,
  });
  const timers: TimerRequest[] = [];
  if (phase === 'scheduled' && session.initialRoundStartsAt !== null) {
    timers.push(timer('initial_round_opens', session.initialRoundStartsAt));
  }
  if ((phase === 'scheduled' || phase === 'initial_round') && session.initialRoundClosedSeq === null) {
    const deadline = initialRoundEndsAt(session);
    if (deadline !== null) timers.push(timer('initial_round_deadline', deadline));
    const reminder = reminderWindow(session, 'initial_round_reminder', now);
    if (reminder) timers.push(timer('initial_round_reminder', reminder.from));
  }
  if (phase === 'adjustment') {
    const endsAt = adjustmentEndsAt(session, now);
    if (endsAt !== null) timers.push(timer('session_end', endsAt));
    const reminder = reminderWindow(session, 'adjustment_reminder', now);
    if (reminder) timers.push(timer('adjustment_reminder', reminder.from));
  }
  return timers.filter((t) => t.at > now);
}

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
    const sessions = await this.queryWork('ACTIVE');
    await this.pool(sessions, report, (item) => this.reconcileSession(item, report));
    const cutoff = String(this.deps.clock() - this.outboxGraceMs);
    const outbox = await this.queryWork('OUTBOX', cutoff);
    await this.pool(outbox, report, (item) => this.redriveOutbox(item, report));
    return report;
  }

  private timeIsUp(): boolean {
    return this.deps.stopAt !== undefined && Date.now() >= this.deps.stopAt;
  }

  private async pool(
    items: Record<string, unknown>[],
    report: ReconcileReport,
    work: (item: Record<string, unknown>) => Promise<void>,
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
          this.deps.onError?.({ pk: String(item.pk), sk: String(item.sk) }, error);
        }
      }
    };
    await Promise.all(Array.from({ length: this.deps.concurrency ?? 8 }, worker));
  }

  private async queryWork(workPk: 'ACTIVE' | 'OUTBOX', before?: string): Promise<Record<string, unknown>[]> {
    const { store } = this.deps;
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await store.db.send(
        new QueryCommand({
          TableName: store.tableName,
          IndexName: TABLE.indexes.byWork.name,
          KeyConditionExpression: before ? 'workPk = :pk AND workSk < :before' : 'workPk = :pk',
          ExpressionAttributeValues: { ':pk': workPk, ...(before ? { ':before': before } : {}) },
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  private async reconcileSession(item: Record<string, unknown>, report: ReconcileReport): Promise<void> {
    if (item.sk !== SESSION_SK) return;
    report.sessions++;
    const record = fromItem(item);
    const { session } = record;
    const now = this.deps.clock();

    const oldest = session.pendingMoves[0];
    if (oldest && oldest.at + this.evaluationGraceMs <= now) {
      if (await this.redriveEvaluation(session.id, record.rev, item.redrive as Redrive | undefined, now)) {
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

    // Only timers due soon: a lost timer is re-created before it matters, without a CreateSchedule
    // for every timer of every open session on every run (and a lost timer whose time passed is
    // covered anyway: the run above finalizes overdue phase changes and reminders).
    for (const timer of timersNeeded(session, now).filter((t) => t.at <= now + TIMER_HORIZON_MS)) {
      await this.deps.timer.ensure(timer);
      report.timersEnsured++;
    }
  }

  /** Sets the match marker again (and a stamp, so the stream sees a change). */
  private async redriveEvaluation(
    sessionId: string,
    rev: number,
    previous: Redrive | undefined,
    now: number,
  ): Promise<boolean> {
    if (!redriveAllowed(previous, now)) return false;
    const { store } = this.deps;
    try {
      await store.db.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: { pk: sessionPk(sessionId), sk: SESSION_SK },
          UpdateExpression: 'SET matchDue = :one, redrive = :redrive',
          ConditionExpression: 'rev = :rev AND evaluatedSeq < #seq',
          ExpressionAttributeNames: { '#seq': 'seq' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':rev': rev,
            ':redrive': { count: (previous?.count ?? 0) + 1, at: now },
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false; // evaluated (or changed) in the meantime
      throw error;
    }
  }

  private async redriveOutbox(item: Record<string, unknown>, report: ReconcileReport): Promise<void> {
    const now = this.deps.clock();
    const previous = item.redrive as Redrive | undefined;
    if (item.status !== 'pending' || !redriveAllowed(previous, now)) return;
    const { store } = this.deps;
    try {
      await store.db.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET redrive = :redrive',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':redrive': { count: (previous?.count ?? 0) + 1, at: now },
          },
        }),
      );
      report.outboxRedriven++;
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // sent in the meantime: fine
    }
  }
}
