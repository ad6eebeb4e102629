import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  InternalServerException,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
// Registers the matchers under both names (toReceive…/toHaveReceived…) and declares their types.
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../shared/adapters/errors';
import {
  atExpression,
  SchedulerTimer,
  scheduledTime,
  TIMER_MAXIMUM_EVENT_AGE_SECONDS,
  TIMER_MAXIMUM_RETRY_ATTEMPTS,
} from '../../../shared/adapters/scheduler-timer';
import { timerName } from '../../../shared/adapters/timer-name';
import type { TimerRequest } from '../../../shared/ports';

const scheduler = mockClient(SchedulerClient);
const NOW = Date.parse('2026-03-01T10:15:20.250Z');
const OPTIONS = {
  groupName: 'backchannel-dev',
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:phase-timer',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler-invoke',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:phase-timer-dlq',
};
const SESSION_ID = 'c2Vzc2lvbi1pZC0tX18tMDE';

function timer(): SchedulerTimer {
  return new SchedulerTimer({
    client: new SchedulerClient({ region: 'eu-west-1' }),
    ...OPTIONS,
    now: () => NOW,
  });
}

function request(at: number, event: TimerRequest['event'] = 'initial_round_deadline'): TimerRequest {
  return { name: timerName(SESSION_ID, event), sessionId: SESSION_ID, event, at };
}

describe('SchedulerTimer', () => {
  beforeEach(() => {
    scheduler.reset();
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    scheduler.on(DeleteScheduleCommand).resolves({});
  });

  describe('ensure', () => {
    it('creates a one-time UTC schedule: window off, retries, DLQ, deleted after completion', async () => {
      // Prepare
      const due = request(Date.parse('2026-03-04T17:00:00.000Z'));

      // Act
      await timer().ensure(due);

      // Assess
      expect(scheduler).toReceiveCommandExactlyOnceWith(CreateScheduleCommand, {
        Name: `${SESSION_ID}.initial_round_deadline`,
        GroupName: OPTIONS.groupName,
        ScheduleExpression: 'at(2026-03-04T17:00:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Target: {
          Arn: OPTIONS.targetArn,
          RoleArn: OPTIONS.roleArn,
          Input: JSON.stringify({ sessionId: SESSION_ID, event: 'initial_round_deadline', name: due.name }),
          RetryPolicy: {
            MaximumRetryAttempts: TIMER_MAXIMUM_RETRY_ATTEMPTS,
            MaximumEventAgeInSeconds: TIMER_MAXIMUM_EVENT_AGE_SECONDS,
          },
          DeadLetterConfig: { Arn: OPTIONS.deadLetterArn },
        },
      });
      expect(TIMER_MAXIMUM_RETRY_ATTEMPTS).toBe(10);
      expect(TIMER_MAXIMUM_EVENT_AGE_SECONDS).toBe(3600);
    });

    it('writes the time in UTC whatever the offset it was computed in', async () => {
      // Prepare: 09:30 in New York (UTC-5 in winter) is 14:30 UTC
      const due = request(Date.parse('2026-11-16T09:30:00-05:00'), 'session_end');

      // Act
      await timer().ensure(due);

      // Assess
      expect(scheduler).toReceiveCommandWith(CreateScheduleCommand, {
        ScheduleExpression: 'at(2026-11-16T14:30:00)',
        ScheduleExpressionTimezone: 'UTC',
      });
    });

    it('rounds a time within a minute up to the next whole minute, so it never fires early', async () => {
      // Prepare
      const due = request(Date.parse('2026-03-04T17:00:00.001Z'));

      // Act
      await timer().ensure(due);

      // Assess
      expect(scheduler).toReceiveCommandWith(CreateScheduleCommand, {
        ScheduleExpression: 'at(2026-03-04T17:01:00)',
      });
    });

    it('schedules a past time shortly after now instead', async () => {
      // Prepare: now is 10:15:20.250; now + 5 s rounds up to 10:16:00
      const due = request(NOW - 3_600_000);

      // Act
      await timer().ensure(due);

      // Assess
      expect(scheduler).toReceiveCommandWith(CreateScheduleCommand, {
        ScheduleExpression: 'at(2026-03-01T10:16:00)',
      });
    });

    it('treats an existing schedule of the same name as success', async () => {
      // Prepare
      scheduler.on(CreateScheduleCommand).rejects(
        new ConflictException({
          message: 'Schedule already exists.',
          Message: 'Schedule already exists.',
          $metadata: {},
        }),
      );

      // Act / Assess
      await expect(timer().ensure(request(NOW + 86_400_000))).resolves.toBeUndefined();
      expect(scheduler).toReceiveCommandTimes(CreateScheduleCommand, 1);
    });

    it.each([
      ['ValidationException', new ValidationException({ message: 'bad', Message: 'bad', $metadata: {} })],
      [
        'InternalServerException',
        new InternalServerException({ message: 'oops', Message: 'oops', $metadata: {} }),
      ],
    ])('maps %s to a DependencyError', async (reason, failure) => {
      // Prepare
      scheduler.on(CreateScheduleCommand).rejects(failure);

      // Act / Assess
      await expect(timer().ensure(request(NOW + 60_000))).rejects.toMatchObject({
        name: 'DependencyError',
        dependency: 'scheduler',
        operation: 'CreateSchedule',
        reason,
      });
    });

    it('refuses an invalid name without calling Scheduler', async () => {
      // Prepare
      const bad = { ...request(NOW + 60_000), name: 'has spaces and/slashes' };

      // Act / Assess
      await expect(timer().ensure(bad)).rejects.toThrow(RangeError);
      await expect(timer().ensure({ ...bad, name: 'x'.repeat(65) })).rejects.toThrow(RangeError);
      expect(scheduler).not.toReceiveAnyCommand();
    });
  });

  describe('cancel', () => {
    it('deletes each named schedule from the group', async () => {
      // Prepare
      const names = [timerName(SESSION_ID, 'adjustment_reminder'), timerName(SESSION_ID, 'session_end')];

      // Act
      await timer().cancel(names);

      // Assess
      expect(scheduler).toReceiveCommandTimes(DeleteScheduleCommand, 2);
      expect(scheduler).toReceiveCommandWith(DeleteScheduleCommand, {
        Name: names[0],
        GroupName: OPTIONS.groupName,
      });
      expect(scheduler).toReceiveCommandWith(DeleteScheduleCommand, {
        Name: names[1],
        GroupName: OPTIONS.groupName,
      });
    });

    it('ignores schedules that are already gone', async () => {
      // Prepare
      scheduler.on(DeleteScheduleCommand).rejects(
        new ResourceNotFoundException({
          message: 'Schedule not found.',
          Message: 'Schedule not found.',
          $metadata: {},
        }),
      );

      // Act / Assess
      await expect(timer().cancel([timerName(SESSION_ID, 'session_end')])).resolves.toBeUndefined();
    });

    it('still deletes the others when one fails, then reports a DependencyError', async () => {
      // Prepare
      const failing = timerName(SESSION_ID, 'initial_round_opens');
      const other = timerName(SESSION_ID, 'session_end');
      scheduler
        .on(DeleteScheduleCommand, { Name: failing })
        .rejects(new InternalServerException({ message: 'oops', Message: 'oops', $metadata: {} }));

      // Act
      const result = timer().cancel([failing, other]);

      // Assess
      await expect(result).rejects.toBeInstanceOf(DependencyError);
      expect(scheduler).toReceiveCommandWith(DeleteScheduleCommand, { Name: other });
    });

    it('does nothing for an empty list', async () => {
      // Act
      await timer().cancel([]);

      // Assess
      expect(scheduler).not.toReceiveAnyCommand();
    });
  });
});

describe('scheduledTime', () => {
  it('keeps a future whole minute as it is', () => {
    // Prepare
    const at = Date.parse('2026-03-01T11:00:00Z');

    // Act / Assess
    expect(scheduledTime(at, NOW)).toBe(at);
  });

  it('is never before `at` and never before now + 5 s, and always a whole minute', () => {
    // Prepare
    const samples = [NOW - 1, NOW, NOW + 4_999, NOW + 5_000, NOW + 39_750, NOW + 39_751, NOW + 123_456_789];

    for (const at of samples) {
      // Act
      const scheduled = scheduledTime(at, NOW);

      // Assess
      expect(scheduled).toBeGreaterThanOrEqual(at);
      expect(scheduled).toBeGreaterThanOrEqual(NOW + 5_000);
      expect(scheduled % 60_000).toBe(0);
      expect(scheduled - Math.max(at, NOW + 5_000)).toBeLessThan(60_000);
    }
  });

  it('formats at() in UTC to the second', () => {
    // Act / Assess
    expect(atExpression(Date.parse('2026-12-31T23:59:00Z'))).toBe('at(2026-12-31T23:59:00)');
  });
});
