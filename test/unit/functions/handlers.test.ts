/**
 * The stream and timer handlers as Lambda invokes them, with every AWS call mocked: partial batch
 * failures, records that are not theirs, malformed timer events.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../local/services/lambda-context';
import { outboxItem } from '../../../shared/table/records';
import { NOTICES, record, SESSION_ID } from '../../support/fixtures/outbox-records';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const scheduler = mockClient(SchedulerClient);

type Handler = (event: { Records: DynamoDBRecord[] }, context: Context) => Promise<unknown>;
let notify: Handler;
let match: Handler;
let sessionIdOfStreamRecord: (r: DynamoDBRecord) => string | null;
let phaseTimer: (event: unknown) => Promise<unknown>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-unit-'));
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    TABLE_NAME: 'table',
    SENDER_EMAIL: 'no-reply@example.com',
    APP_URL: 'https://app.example.com',
    SES_CONFIGURATION_SET: 'backchannel-dev',
    FINGERPRINT_KEY_FILE: join(dir, 'fingerprint.key'),
    INVITATION_KEY_FILE: join(dir, 'invitation.key'),
    LOCAL_SEALER_KEY_FILE: join(dir, 'sealer.key'),
    SCHEDULE_GROUP: 'backchannel-dev',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
    PHASE_TIMER_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:phase-timer',
    SCHEDULER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:123456789012:dlq',
    LOG_LEVEL: 'SILENT',
  });
  delete process.env.TIMER_MODE;
  notify = (await import('../../../functions/notify/index')).handler as unknown as Handler;
  const matchModule = await import('../../../functions/match/index');
  match = matchModule.handler as unknown as Handler;
  sessionIdOfStreamRecord = matchModule.sessionIdOfStreamRecord;
  const timerHandler = (await import('../../../functions/phase-timer/index')).handler as unknown as (
    e: unknown,
    c: Context,
  ) => Promise<unknown>;
  phaseTimer = (event) => timerHandler(event, lambdaContext('phase-timer'));
});

function streamRecord(pk: string, sk: string, sequenceNumber: string): DynamoDBRecord {
  return {
    eventID: `e-${sequenceNumber}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    eventSourceARN: 'arn:aws:dynamodb:eu-west-1:123456789012:table/table/stream/2026',
    dynamodb: {
      Keys: { pk: { S: pk }, sk: { S: sk } },
      SequenceNumber: sequenceNumber,
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

describe('notify handler', () => {
  beforeEach(() => {
    ddb.reset();
    ses.reset();
    scheduler.reset();
    ddb.on(UpdateCommand).resolves({});
    // Greetings: nobody here has a display name.
    ddb.on(BatchGetCommand).resolves({ Responses: {} });
    ddb.on(GetCommand, { Key: { pk: `SESSION#${SESSION_ID}`, sk: 'SESSION' } }).resolves({
      Item: { outcome: null, ended: null, bonusPercent: 5, invitations: [] },
    });
    for (const i of [6, 7]) {
      const outbox = record(NOTICES[i]!, { cancelTimers: [`${SESSION_ID}.session_end`] });
      ddb.on(GetCommand, { Key: { pk: `SESSION#${SESSION_ID}`, sk: `OUTBOX#${outbox.id}` } }).resolves({
        Item: outboxItem(outbox),
      });
    }
    scheduler.on(CreateScheduleCommand).resolves({});
    scheduler.on(DeleteScheduleCommand).resolves({});
  });

  it('reports a failed send as a partial batch failure and goes on with the next record', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }))
      .resolves({});
    const response = await notify(
      {
        Records: [
          streamRecord(`SESSION#${SESSION_ID}`, 'OUTBOX#no-deal', '100'),
          streamRecord(`SESSION#${SESSION_ID}`, 'OUTBOX#withdrawn', '101'),
          streamRecord(`SESSION#${SESSION_ID}`, 'SESSION', '102'), // not an outbox record: ignored
        ],
      },
      lambdaContext('notify'),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
    expect(ses).toReceiveCommandTimes(SendEmailCommand, 2);
    expect(ses).toReceiveCommandWith(SendEmailCommand, { ConfigurationSetName: 'backchannel-dev' });
    // Only the second one is marked sent.
    expect(ddb).toReceiveCommandTimes(UpdateCommand, 1);
    expect(ddb).toReceiveCommandWith(UpdateCommand, {
      Key: { pk: `SESSION#${SESSION_ID}`, sk: 'OUTBOX#withdrawn' },
    });
    // The ended session's timers are deleted from the Scheduler group.
    expect(scheduler).toReceiveCommandWith(DeleteScheduleCommand, {
      GroupName: 'backchannel-dev',
      Name: `${SESSION_ID}.session_end`,
    });
  });

  it('a batch where every record fails throws (the whole batch is retried)', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    await expect(
      notify(
        { Records: [streamRecord(`SESSION#${SESSION_ID}`, 'OUTBOX#no-deal', '100')] },
        lambdaContext('notify'),
      ),
    ).rejects.toThrow();
  });
});

describe('match handler', () => {
  beforeEach(() => {
    ddb.reset();
  });

  it('takes the session id from the record keys', () => {
    expect(sessionIdOfStreamRecord(streamRecord('SESSION#abc', 'SESSION', '1'))).toBe('abc');
    expect(sessionIdOfStreamRecord(streamRecord('SESSION#abc', 'OUTBOX#x', '1'))).toBeNull();
    expect(sessionIdOfStreamRecord(streamRecord('TIMER', 'x', '1'))).toBeNull();
  });

  it('a session that does not exist (any more) is no failure; a read failure is a partial batch failure', async () => {
    ddb.on(GetCommand, { Key: { pk: 'SESSION#gone', sk: 'SESSION' } }).resolves({});
    ddb
      .on(GetCommand, { Key: { pk: 'SESSION#broken', sk: 'SESSION' } })
      .rejects(Object.assign(new Error('7391846250193'), { name: 'ProvisionedThroughputExceededException' }));
    const response = await match(
      {
        Records: [
          streamRecord('SESSION#gone', 'SESSION', '1'),
          streamRecord('SESSION#broken', 'SESSION', '2'),
        ],
      },
      lambdaContext('match'),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
  });
});

describe('phase-timer handler', () => {
  it('a malformed event is dropped, not retried', async () => {
    expect(await phaseTimer({ sessionId: 'x', event: 'bogus' })).toEqual({
      action: 'skipped',
      reason: 'invalid_event',
    });
    expect(await phaseTimer(null)).toEqual({ action: 'skipped', reason: 'invalid_event' });
  });

  it('a session that is gone is skipped', async () => {
    ddb.reset();
    ddb.on(GetCommand).resolves({});
    expect(await phaseTimer({ sessionId: 'gone', event: 'session_end', name: 'gone.session_end' })).toEqual({
      action: 'skipped',
      reason: 'no_session',
    });
  });
});
