/**
 * One-time EventBridge Scheduler schedules that invoke phase-timer (docs/deploy.md): `at(...)` in UTC,
 * deterministic names, flexible window off, a retry policy, a dead-letter queue, deleted after
 * completion. Creating a schedule that already exists is a success (idempotent `ensure`);
 * deleting one that is gone is a success too.
 *
 * When it fires. Scheduler invokes one-time schedules with 60-second precision: a schedule set
 * for 12:00 runs between 12:00:00 and 12:00:59, so a seconds-precise `at(12:00:30)` could run
 * before 12:00:30, and phase-timer, which trusts its own clock, would find nothing due yet. We
 * therefore round the time UP to the next whole minute: the invocation is never early, at most
 * about two minutes late. A time in the past (or too close to now) is not sent as such: nothing
 * guarantees that Scheduler accepts and runs a one-time schedule whose time has passed (it may be
 * rejected as invalid or never fire), yet a late `ensure` (the reconciler re-creating a missing
 * schedule, an outbox record processed late) must still fire. We schedule max(at, now + 5 s),
 * rounded up to the minute, so the time sent is always in the future.
 *
 * Retries. Up to 10 retries (Scheduler backs off exponentially) within 1 hour; after that the
 * event goes to the dead-letter queue (alarmed). phase-timer is idempotent, so a retry is
 * harmless, and the reconciler finalizes overdue steps if every attempt fails.
 */
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { Timer, TimerRequest } from '../ports';
import { dependencyFailure, isAwsError } from './errors';
import { TIMER_NAME_PATTERN } from './timer-name';

export const TIMER_MAXIMUM_RETRY_ATTEMPTS = 10;
export const TIMER_MAXIMUM_EVENT_AGE_SECONDS = 3600;
/** The earliest a schedule is set, relative to now (clock skew, request latency). */
export const TIMER_MINIMUM_LEAD_MS = 5_000;
const MINUTE_MS = 60_000;

export interface SchedulerTimerOptions {
  client: SchedulerClient;
  /** The schedule group holding the service's timers. */
  groupName: string;
  /** The phase-timer function's ARN. */
  targetArn: string;
  /** The role Scheduler assumes to invoke the target. */
  roleArn: string;
  /** The SQS queue receiving events that exhausted their retries. */
  deadLetterArn: string;
  /** Real time in epoch ms (Scheduler runs on real time, not the business clock). Default Date.now. */
  now?: () => number;
}

/** The JSON phase-timer receives. */
export interface TimerInput {
  sessionId: string;
  event: TimerRequest['event'];
  name: string;
}

/** The epoch ms actually scheduled for a timer due at `at` when it is `now` (see the file's comment). */
export function scheduledTime(at: number, now: number): number {
  if (!Number.isFinite(at) || !Number.isFinite(now)) throw new RangeError('timer time must be finite');
  const earliest = Math.max(at, now + TIMER_MINIMUM_LEAD_MS);
  return Math.ceil(earliest / MINUTE_MS) * MINUTE_MS;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC. */
export function atExpression(epochMs: number): string {
  return `at(${new Date(epochMs).toISOString().slice(0, 19)})`;
}

export class SchedulerTimer implements Timer {
  private readonly client: SchedulerClient;
  private readonly groupName: string;
  private readonly targetArn: string;
  private readonly roleArn: string;
  private readonly deadLetterArn: string;
  private readonly now: () => number;

  constructor(options: SchedulerTimerOptions) {
    this.client = options.client;
    this.groupName = options.groupName;
    this.targetArn = options.targetArn;
    this.roleArn = options.roleArn;
    this.deadLetterArn = options.deadLetterArn;
    this.now = options.now ?? Date.now;
  }

  async ensure(timer: TimerRequest): Promise<void> {
    assertName(timer.name);
    const input: TimerInput = { sessionId: timer.sessionId, event: timer.event, name: timer.name };
    const command = new CreateScheduleCommand({
      Name: timer.name,
      GroupName: this.groupName,
      ScheduleExpression: atExpression(scheduledTime(timer.at, this.now())),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: this.targetArn,
        RoleArn: this.roleArn,
        Input: JSON.stringify(input),
        RetryPolicy: {
          MaximumRetryAttempts: TIMER_MAXIMUM_RETRY_ATTEMPTS,
          MaximumEventAgeInSeconds: TIMER_MAXIMUM_EVENT_AGE_SECONDS,
        },
        DeadLetterConfig: { Arn: this.deadLetterArn },
      },
    });
    try {
      await this.client.send(command);
    } catch (error) {
      if (isAwsError(error, 'ConflictException')) return; // exists
      throw dependencyFailure('scheduler', 'CreateSchedule', error);
    }
  }

  async cancel(names: string[]): Promise<void> {
    for (const name of names) assertName(name);
    const results = await Promise.allSettled(
      [...new Set(names)].map(async (name) => {
        try {
          await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.groupName }));
        } catch (error) {
          if (isAwsError(error, 'ResourceNotFoundException')) return;
          throw dependencyFailure('scheduler', 'DeleteSchedule', error);
        }
      }),
    );
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }
}

function assertName(name: string): void {
  if (!TIMER_NAME_PATTERN.test(name)) {
    throw new RangeError('timer name must be 1–64 characters of [0-9a-zA-Z-_.]');
  }
}
