import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoOutboxStore } from '../../../shared/adapters/dynamodb/outbox-store';
import { DynamoProfileStore } from '../../../shared/adapters/dynamodb/profile-store';
import { DependencyError } from '../../../shared/adapters/errors';
import { SchedulerTimer } from '../../../shared/adapters/scheduler-timer';
import { SesMailer } from '../../../shared/adapters/ses-mailer';
import { timerName } from '../../../shared/adapters/timer-name';
import { InvitationTokens } from '../../../shared/app/invitation-token';
import type { OutboxRecord } from '../../../shared/app/outbox';
import { OutboxDispatcher, outboxKeyOf } from '../../../shared/app/outbox-dispatcher';
import { outboxItem } from '../../../shared/table/records';
import { A, B, ENDS_AT, M, NOTICES, record, SESSION_ID } from '../../support/fixtures/outbox-records';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const scheduler = mockClient(SchedulerClient);

const NOW = Date.parse('2026-03-01T10:15:20.250Z');
const TABLE = 'backchannel-test';
const KEY = new Uint8Array(32).fill(9);
const SCHEDULING = {
  groupName: 'backchannel-dev',
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:phase-timer',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler-invoke',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:phase-timer-dlq',
};
const tokens = new InvitationTokens({ get: async () => KEY.slice() });

function dispatcher(options: { names?: boolean } = {}) {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  return new OutboxDispatcher({
    ...(options.names ? { names: new DynamoProfileStore(db, TABLE) } : {}),
    outbox: new DynamoOutboxStore(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
      TABLE,
    ),
    mailer: new SesMailer({
      client: new SESv2Client({ region: 'eu-west-1' }),
      from: 'no-reply@example.com',
      configurationSetName: 'backchannel-dev',
    }),
    timer: new SchedulerTimer({
      client: new SchedulerClient({ region: 'eu-west-1' }),
      ...SCHEDULING,
      now: () => NOW,
    }),
    tokens,
    appUrl: 'https://app.example.com',
    clock: () => NOW,
  });
}

function stored(outbox: OutboxRecord, extra: Record<string, unknown> = {}) {
  ddb.on(GetCommand, { Key: { pk: `SESSION#${SESSION_ID}`, sk: `OUTBOX#${outbox.id}` } }).resolves({
    Item: { ...outboxItem(outbox), ...extra },
  });
}

function session(facts: Record<string, unknown> = {}) {
  ddb.on(GetCommand, { Key: { pk: `SESSION#${SESSION_ID}`, sk: 'SESSION' } }).resolves({
    Item: {
      outcome: null,
      ended: null,
      bonusPercent: 5,
      initialRoundSeconds: 172_800,
      adjustmentSeconds: 2_419_200,
      caseNumber: null,
      phase: 'adjustment',
      invitations: [{ id: 'inv-1', email: B }],
      ...facts,
    },
  });
}

const KEY_OF = (id: string) => ({ sessionId: SESSION_ID, id });

describe('OutboxDispatcher (notify)', () => {
  beforeEach(() => {
    ddb.reset();
    ses.reset();
    scheduler.reset();
    ddb.on(UpdateCommand).resolves({});
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:s' });
    scheduler.on(DeleteScheduleCommand).resolves({});
    session();
  });

  it('creates the timers, cancels the retired ones, sends through the configuration set, then marks it sent', async () => {
    const outbox = record(NOTICES[3]!, {
      timers: [
        {
          name: timerName(SESSION_ID, 'session_end'),
          sessionId: SESSION_ID,
          event: 'session_end',
          at: ENDS_AT,
        },
        {
          name: timerName(SESSION_ID, 'adjustment_reminder'),
          sessionId: SESSION_ID,
          event: 'adjustment_reminder',
          at: ENDS_AT - 3 * 86_400_000 + 30_500,
        },
      ],
      cancelTimers: [
        timerName(SESSION_ID, 'initial_round_deadline'),
        timerName(SESSION_ID, 'initial_round_reminder'),
      ],
    });
    stored(outbox);

    expect(await dispatcher().dispatch(KEY_OF(outbox.id))).toBe('sent');

    expect(scheduler).toReceiveCommandTimes(CreateScheduleCommand, 2);
    expect(scheduler).toReceiveCommandWith(CreateScheduleCommand, {
      Name: `${SESSION_ID}.session_end`,
      GroupName: 'backchannel-dev',
      ScheduleExpression: 'at(2026-03-04T17:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: SCHEDULING.targetArn,
        RoleArn: SCHEDULING.roleArn,
        Input: JSON.stringify({
          sessionId: SESSION_ID,
          event: 'session_end',
          name: `${SESSION_ID}.session_end`,
        }),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: SCHEDULING.deadLetterArn },
      },
    });
    // Seconds are rounded up to the next minute: a schedule never fires early.
    expect(scheduler).toReceiveCommandWith(CreateScheduleCommand, {
      Name: `${SESSION_ID}.adjustment_reminder`,
      ScheduleExpression: 'at(2026-03-01T17:01:00)',
    });
    expect(scheduler).toReceiveCommandWith(DeleteScheduleCommand, {
      Name: `${SESSION_ID}.initial_round_deadline`,
      GroupName: 'backchannel-dev',
    });
    expect(scheduler).toReceiveCommandWith(DeleteScheduleCommand, {
      Name: `${SESSION_ID}.initial_round_reminder`,
    });

    expect(ses).toReceiveCommandExactlyOnceWith(SendEmailCommand, {
      FromEmailAddress: 'no-reply@example.com',
      Destination: { ToAddresses: [A, B, M] },
      ConfigurationSetName: 'backchannel-dev',
    });
    const sent = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(sent.Content?.Simple?.Subject?.Data).toMatch(
      /^No deal yet: step 3 is open until 2026-03-04 17:00 UTC: /,
    );
    expect(sent.Content?.Simple?.Body?.Text?.Data).toContain('https://app.example.com/sessions/');
    expect(sent.Content?.Simple?.Body?.Html?.Data).toContain('<!doctype html>');

    expect(ddb).toReceiveCommandExactlyOnceWith(UpdateCommand, {
      TableName: TABLE,
      Key: { pk: `SESSION#${SESSION_ID}`, sk: `OUTBOX#${outbox.id}` },
      UpdateExpression: 'SET #status = :done, sentAt = :now REMOVE workPk, workSk',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeValues: { ':done': 'sent', ':pending': 'pending', ':now': NOW },
    });
    // The session is read without its sealed numbers.
    const sessionRead = ddb
      .commandCalls(GetCommand)
      .map((c) => c.args[0].input)
      .find((i) => i.Key?.sk === 'SESSION');
    expect(sessionRead?.ProjectionExpression).not.toContain('sealed');
  });

  it('a record already sent is skipped: no email, no timer, no write', async () => {
    const outbox = record(NOTICES[6]!);
    stored(outbox, { status: 'sent' });
    expect(await dispatcher().dispatch(KEY_OF(outbox.id))).toBe('already_done');
    expect(ses).not.toReceiveCommand(SendEmailCommand);
    expect(scheduler).not.toReceiveCommand(CreateScheduleCommand);
    expect(ddb).not.toReceiveCommand(UpdateCommand);
  });

  it('a failed send throws (the record is retried) and is not marked sent', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('Throttled'), { name: 'TooManyRequestsException' }));
    session({ phase: 'initial_round' });
    const outbox = record(NOTICES[1]!);
    stored(outbox);
    await expect(dispatcher().dispatch(KEY_OF(outbox.id))).rejects.toBeInstanceOf(DependencyError);
    expect(ddb).not.toReceiveCommand(UpdateCommand);
  });

  it('a failed timer throws before anything is sent', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(Object.assign(new Error('x'), { name: 'InternalServerException' }));
    const outbox = record(NOTICES[3]!, {
      timers: [
        { name: `${SESSION_ID}.session_end`, sessionId: SESSION_ID, event: 'session_end', at: ENDS_AT },
      ],
    });
    stored(outbox);
    await expect(dispatcher().dispatch(KEY_OF(outbox.id))).rejects.toBeInstanceOf(DependencyError);
    expect(ses).not.toReceiveCommand(SendEmailCommand);
  });

  it('creates no timer for a session that has already ended (a late record), still cancels, and skips the notice that is no longer true', async () => {
    session({ outcome: { amount: '1' }, phase: 'settled' });
    const outbox = record(NOTICES[3]!, {
      timers: [
        { name: `${SESSION_ID}.session_end`, sessionId: SESSION_ID, event: 'session_end', at: ENDS_AT },
      ],
      cancelTimers: [`${SESSION_ID}.initial_round_deadline`],
    });
    stored(outbox);
    expect(await dispatcher().dispatch(KEY_OF(outbox.id))).toBe('skipped');
    expect(scheduler).not.toReceiveCommand(CreateScheduleCommand);
    expect(scheduler).toReceiveCommandTimes(DeleteScheduleCommand, 1);
    expect(ses).not.toReceiveCommand(SendEmailCommand);
    expect(ddb).toReceiveCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':done': 'skipped' }),
    });
  });

  it.each([
    ['step 2 opened, after step 3 opened', 1, 'adjustment'],
    ['step 2 opened, after the deal', 1, 'settled'],
    ['the step-2 reminder, after step 2 closed', 2, 'adjustment'],
    ['step 3 opened, after a withdrawal', 3, 'withdrawn'],
    ['the step-3 reminder, after no deal', 4, 'no_deal'],
  ])('skips a phase notice no longer true: %s', async (_, index, phase) => {
    const ended = ['settled', 'no_deal', 'withdrawn'].includes(phase);
    session({ phase, ...(ended ? { ended: { reason: phase, at: ENDS_AT } } : {}) });
    const outbox = record(NOTICES[index]!);
    stored(outbox);
    expect(await dispatcher().dispatch(KEY_OF(outbox.id))).toBe('skipped');
    expect(ses).not.toReceiveCommand(SendEmailCommand);
  });

  it('sends the deal, no-deal and withdrawn emails after the end (they are what the end is)', async () => {
    session({ phase: 'settled', outcome: { amount: '1' } });
    const outbox = record(NOTICES[5]!);
    stored(outbox);
    expect(await dispatcher().dispatch(KEY_OF(outbox.id))).toBe('sent');
    expect(ses).toReceiveCommandTimes(SendEmailCommand, 1);
  });

  it('the invitation email carries the link with the token derived from the invitation id', async () => {
    const outbox = record(NOTICES[0]!, { id: 'invitation-inv-1' });
    stored(outbox);
    expect(await dispatcher().dispatch(KEY_OF(outbox.id))).toBe('sent');
    const token = await tokens.tokenFor('inv-1');
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Destination?.ToAddresses).toEqual([B]);
    expect(input.Content?.Simple?.Body?.Text?.Data).toContain(
      `https://app.example.com/invite?token=${token}`,
    );
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('greets the invitee by display name and names the inviter, read in one consistent BatchGetItem', async () => {
    // Prepare
    const outbox = record(NOTICES[0]!);
    stored(outbox);
    ddb.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [{ email: B, displayName: 'Bea Quill' }] },
    });

    // Act
    const result = await dispatcher({ names: true }).dispatch(KEY_OF(outbox.id));

    // Assess
    expect(result).toBe('sent');
    const keys = ddb.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems![TABLE]!;
    expect(keys.ConsistentRead).toBe(true);
    expect(keys.Keys).toEqual([
      { pk: `PROFILE#${B}`, sk: 'PROFILE' },
      { pk: 'PROFILE#alice+<b>@example.com', sk: 'PROFILE' },
    ]);
    const text = ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content?.Simple?.Body?.Text?.Data;
    expect(text?.startsWith('Hello Bea Quill,')).toBe(true);
  });

  it('an invitation no longer open (revoked, replaced, used) is not sent and is recorded as skipped', async () => {
    session({ invitations: [] });
    const outbox = record(NOTICES[0]!, { id: 'invitation-inv-1' });
    stored(outbox);
    expect(await dispatcher().dispatch(KEY_OF(outbox.id))).toBe('skipped');
    expect(ses).not.toReceiveCommand(SendEmailCommand);
    expect(ddb).toReceiveCommandWith(UpdateCommand, {
      ExpressionAttributeValues: { ':done': 'skipped', ':pending': 'pending', ':now': NOW },
    });
  });

  it('more than 50 recipients go in chunks of 50, and a retry resumes after the last chunk recorded', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `m${i}@example.com`);
    const outbox = record({ ...NOTICES[7]!, to: many } as (typeof NOTICES)[number]);
    stored(outbox);
    await dispatcher().dispatch(KEY_OF(outbox.id));
    const sends = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses);
    expect(sends).toEqual([many.slice(0, 50), many.slice(50)]);
    expect(ddb).toReceiveCommandWith(UpdateCommand, { UpdateExpression: 'SET sentChunks = :n' });

    ses.resetHistory();
    stored(outbox, { sentChunks: 1 });
    await dispatcher().dispatch(KEY_OF(outbox.id));
    expect(ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses)).toEqual([
      many.slice(50),
    ]);
  });

  it('a record already completed by someone else between read and mark is fine', async () => {
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('c'), { name: 'ConditionalCheckFailedException' }));
    const outbox = record(NOTICES[7]!);
    stored(outbox);
    expect(await dispatcher().dispatch(KEY_OF(outbox.id))).toBe('already_done');
  });

  it('reads outbox keys from stream or index items', () => {
    expect(outboxKeyOf({ pk: 'SESSION#abc', sk: 'OUTBOX#settled' })).toEqual({
      sessionId: 'abc',
      id: 'settled',
    });
    expect(outboxKeyOf({ pk: 'SESSION#abc', sk: 'SESSION' })).toBeNull();
    expect(outboxKeyOf(undefined)).toBeNull();
  });
});
