/**
 * notify: the DynamoDB stream consumer for outbox records (docs/rules.md, "Emails").
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
import type { DynamoDBRecord } from 'aws-lambda';
import { errorFacts, errorName } from '../../shared/adapters/errors';
import type { InvitationTokens } from '../../shared/app/invitation-token';
import { OutboxDispatcher, outboxKeyOf } from '../../shared/app/outbox-dispatcher';
import { businessClock } from '../../shared/runtime/clock';
import {
  appUrl,
  invitationTokens,
  mailer,
  outboxStore,
  profileStore,
  timer,
} from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';
import { streamHandler } from '../../shared/runtime/stream-handler';

const logger = createLogger('notify');
// The token key is loaded on the first invitation only: a deployment without access to it fails
// invitation emails (loudly, retried), never every other email.
let tokens: InvitationTokens | undefined;
const dispatcher = new OutboxDispatcher({
  outbox: outboxStore(),
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
  // Greets recipients by their display name (a read of their profiles, never anything secret).
  names: profileStore(),
});

async function dispatchRecord(record: DynamoDBRecord): Promise<void> {
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
      ...errorFacts(error),
    });
    throw new Error(`dispatch of ${key.id} (${key.sessionId}) failed: ${errorName(error)}`);
  }
}

export const handler = streamHandler(logger, dispatchRecord);
