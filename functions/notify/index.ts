/**
 * notify: the DynamoDB stream consumer for outbox records (SPEC §4, §5).
 *
 * The event source mapping's filter (STREAM_FILTERS.notify) delivers outbox items while their
 * status is `pending`. Each record is dispatched on its own (timers, email, conditional mark as
 * sent); a failure is reported as a partial batch failure, so the mapping retries it (bisecting,
 * bounded) and finally sends it to the on-failure queue, and the reconciler re-drives it later.
 *
 * Environment: TABLE_NAME; SENDER_EMAIL; APP_URL; SES_CONFIGURATION_SET (optional);
 * INVITATION_SECRET_ARN (AWS) or INVITATION_KEY_FILE (local): the key invitation tokens are
 * derived from, a secret of its own that api and notify alone may read; timers: SCHEDULE_GROUP,
 * SCHEDULER_ROLE_ARN, PHASE_TIMER_ARN, SCHEDULER_DLQ_ARN (AWS) or TIMER_MODE=local; local only:
 * DYNAMODB_ENDPOINT, SES_ENDPOINT.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { requiredEnv } from '../../shared/adapters/env';
import { errorName } from '../../shared/adapters/errors';
import type { InvitationTokens } from '../../shared/app/invitation-token';
import { OutboxDispatcher, outboxKeyOf } from '../../shared/app/outbox-dispatcher';
import { businessClock } from '../../shared/runtime/clock';
import { appUrl, documentClient, invitationTokens, mailer, timer } from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

const logger = createLogger('notify');
// The token key is loaded on the first invitation only: a deployment without access to it fails
// invitation emails (loudly, retried), never every other email.
let tokens: InvitationTokens | undefined;
const dispatcher = new OutboxDispatcher({
  db: documentClient(),
  tableName: requiredEnv('TABLE_NAME'),
  mailer: mailer(),
  timer: timer(),
  tokens: {
    tokenFor: (invitationId) => {
      tokens ??= invitationTokens();
      return tokens.tokenFor(invitationId);
    },
  },
  appUrl: appUrl(),
  clock: businessClock,
});

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  const keys = record.dynamodb?.Keys;
  const key = outboxKeyOf({ pk: keys?.pk?.S, sk: keys?.sk?.S });
  if (!key) {
    logger.warn('stream record is not an outbox item; skipped', { eventID: record.eventID });
    return;
  }
  try {
    const result = await dispatcher.dispatch(key);
    logger.info('outbox record dispatched', { sessionId: key.sessionId, outboxId: key.id, result });
  } catch (error) {
    logger.error('outbox dispatch failed', {
      sessionId: key.sessionId,
      outboxId: key.id,
      error: errorName(error),
    });
    throw new Error(`dispatch of ${key.id} (${key.sessionId}) failed: ${errorName(error)}`);
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, new BatchProcessor(EventType.DynamoDBStreams), {
    context,
    processInParallel: false,
  });
