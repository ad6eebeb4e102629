/**
 * The composition root: builds adapters once per module (per Lambda container) from the
 * environment. The same code runs on AWS and locally; only the environment differs:
 *
 * | variable | AWS | local runtime |
 * |---|---|---|
 * | TABLE_NAME | the table | the local table |
 * | DYNAMODB_ENDPOINT | — | DynamoDB Local |
 * | KEY_ID | the KMS key | — |
 * | LOCAL_SEALER_KEY_FILE | — | AES-256-GCM key file |
 * | MESSAGES_KEY_ID | the messages key (rooms only) | — |
 * | LOCAL_MESSAGES_KEY_FILE | — | AES-256-GCM key file wrapping rooms' data keys (not the sealer's) |
 * | FINGERPRINT_SECRET_ARN | Secrets Manager secret (idempotency fingerprints; api, submit-number) | — |
 * | FINGERPRINT_KEY_FILE | — | HMAC key file |
 * | INVITATION_SECRET_ARN | Secrets Manager secret (invitation tokens; api, notify) | — |
 * | INVITATION_KEY_FILE | — | HMAC key file (not the fingerprint key file) |
 * | SES_ENDPOINT | — | local SES v2 endpoint |
 * | SENDER_EMAIL | verified sender | any address |
 * | SES_CONFIGURATION_SET | the configuration set | — (optional) |
 * | APP_URL | the web app | the local app |
 * | TIMER_MODE | — | `local` (timers as table items, fired by the local runtime) |
 * | SCHEDULE_GROUP, SCHEDULER_ROLE_ARN, PHASE_TIMER_ARN, SCHEDULER_DLQ_ARN | Scheduler | — |
 */

import {
  dynamoDbDocumentClient,
  kmsClient,
  schedulerClient,
  secretsManagerClient,
  sesClient,
} from '../adapters/aws-clients';
import { DynamoOutboxStore } from '../adapters/dynamodb/outbox-store';
import { DynamoProfileStore } from '../adapters/dynamodb/profile-store';
import { DynamoRoomStore } from '../adapters/dynamodb/room-store';
import { DynamoSessionStore } from '../adapters/dynamodb/session-store';
import { DynamoWorkIndex } from '../adapters/dynamodb/work-index';
import { optionalEnv, requiredEnv } from '../adapters/env';
import { dependencyFailure } from '../adapters/errors';
import { FileFingerprintKey, SecretsManagerFingerprintKey } from '../adapters/fingerprint-key';
import { KmsDataKeys } from '../adapters/kms-data-keys';
import { KmsSealer } from '../adapters/kms-sealer';
import { LocalDataKeys } from '../adapters/local-data-keys';
import { LocalSealer } from '../adapters/local-sealer';
import { LocalTimer } from '../adapters/local-timer';
import { EnvelopeSealer } from '../adapters/message-envelope';
import { SchedulerTimer } from '../adapters/scheduler-timer';
import { SesMailer } from '../adapters/ses-mailer';
import { InvitationTokens } from '../app/invitation-token';
import { Idempotency } from '../http/idempotency';
import type {
  AnswerOpener,
  AnswerSealer,
  FingerprintKey,
  Mailer,
  MessageSealer,
  OutboxStore,
  ProfileStore,
  RoomStore,
  Sealer,
  SessionStore,
  Timer,
  WorkIndex,
} from '../ports';

export function documentClient() {
  const endpoint = optionalEnv('DYNAMODB_ENDPOINT');
  return dynamoDbDocumentClient(endpoint ? { endpoint } : {});
}

export function sessionStore(): SessionStore {
  return new DynamoSessionStore(documentClient(), requiredEnv('TABLE_NAME'));
}

export function profileStore(): ProfileStore {
  return new DynamoProfileStore(documentClient(), requiredEnv('TABLE_NAME'));
}

export function outboxStore(): OutboxStore {
  return new DynamoOutboxStore(documentClient(), requiredEnv('TABLE_NAME'));
}

export function workIndex(): WorkIndex {
  return new DynamoWorkIndex(documentClient(), requiredEnv('TABLE_NAME'));
}

export function fingerprintKey(): FingerprintKey {
  const file = optionalEnv('FINGERPRINT_KEY_FILE');
  if (file) return new FileFingerprintKey(file);
  return new SecretsManagerFingerprintKey({
    client: secretsManagerClient(),
    secretId: requiredEnv('FINGERPRINT_SECRET_ARN'),
  });
}

export function idempotency(key: FingerprintKey): Idempotency {
  return new Idempotency(documentClient(), requiredEnv('TABLE_NAME'), key);
}

/**
 * The key invitation tokens are derived from. A secret of its own, not the fingerprint key:
 * notify needs it, and with the fingerprint key notify could brute-force the fingerprints of
 * `PUT /number` bodies in idempotency records.
 */
export function invitationKey(): FingerprintKey {
  const file = optionalEnv('INVITATION_KEY_FILE');
  if (file) return new FileFingerprintKey(file);
  return new SecretsManagerFingerprintKey({
    client: secretsManagerClient(),
    secretId: requiredEnv('INVITATION_SECRET_ARN'),
  });
}

export function invitationTokens(): InvitationTokens {
  return new InvitationTokens(invitationKey());
}

/**
 * The sealer of numbers and proposal answers: KMS on AWS, AES-256-GCM with a local key file
 * locally. Loaded lazily, once. What a function may really do with it is its role's business
 * (lib/function-settings.ts): api may open answers only, submit-number may only seal.
 */
export function sealer(): Sealer & AnswerSealer & AnswerOpener {
  const file = optionalEnv('LOCAL_SEALER_KEY_FILE');
  if (!file) return new KmsSealer({ client: kmsClient(), keyId: requiredEnv('KEY_ID') });
  let local: Promise<LocalSealer> | undefined;
  const get = () => {
    // An unreadable key file is a failed dependency (503, safe to retry), like KMS failing, and
    // the failure is not cached: the next request reads the file again.
    local ??= LocalSealer.fromKeyFile(file).catch((error: unknown) => {
      local = undefined;
      throw dependencyFailure('local-sealer', 'LoadKey', error);
    });
    return local;
  };
  return {
    sealNumber: async (amount, context) => (await get()).sealNumber(amount, context),
    openNumber: async (sealed, context) => (await get()).openNumber(sealed, context),
    sealAnswer: async (accept, context) => (await get()).sealAnswer(accept, context),
    openAnswer: async (sealed, context) => (await get()).openAnswer(sealed, context),
  };
}

export function roomStore(): RoomStore {
  return new DynamoRoomStore(documentClient(), requiredEnv('TABLE_NAME'));
}

/**
 * Room messages' sealer: data keys under the messages key (KMS) on AWS, under a local key file of
 * its own locally (never the numbers' sealer key). The local key is loaded lazily, once; a
 * failure to read it is a failed dependency (503) and is not cached.
 */
export function messageSealer(): MessageSealer {
  const file = optionalEnv('LOCAL_MESSAGES_KEY_FILE');
  if (!file) {
    return new EnvelopeSealer(
      new KmsDataKeys({ client: kmsClient(), keyId: requiredEnv('MESSAGES_KEY_ID') }),
    );
  }
  let local: Promise<LocalDataKeys> | undefined;
  const get = () => {
    local ??= LocalDataKeys.fromKeyFile(file).catch((error: unknown) => {
      local = undefined;
      throw dependencyFailure('local-messages-key', 'LoadKey', error);
    });
    return local;
  };
  return new EnvelopeSealer({
    dependency: 'local-messages-key',
    generate: async (context) => (await get()).generate(context),
    unwrap: async (wrapped, context) => (await get()).unwrap(wrapped, context),
  });
}

/** SES v2: the real service on AWS, the local SES endpoint when SES_ENDPOINT is set. */
export function mailer(): Mailer {
  const endpoint = optionalEnv('SES_ENDPOINT');
  const configurationSetName = optionalEnv('SES_CONFIGURATION_SET');
  return new SesMailer({
    client: sesClient(endpoint ? { endpoint } : {}),
    from: requiredEnv('SENDER_EMAIL'),
    ...(configurationSetName ? { configurationSetName } : {}),
  });
}

/** True when timers are table items fired by the local runtime (TIMER_MODE=local). */
export const localTimers = (): boolean => optionalEnv('TIMER_MODE') === 'local';

/** Local timers in the table, or EventBridge Scheduler one-time schedules invoking phase-timer. */
export function timer(): Timer {
  if (localTimers()) return localTimer();
  return new SchedulerTimer({
    client: schedulerClient(),
    groupName: requiredEnv('SCHEDULE_GROUP'),
    targetArn: requiredEnv('PHASE_TIMER_ARN'),
    roleArn: requiredEnv('SCHEDULER_ROLE_ARN'),
    deadLetterArn: requiredEnv('SCHEDULER_DLQ_ARN'),
  });
}

/** The local timer store (the local runtime reads due timers from it). */
export function localTimer(): LocalTimer {
  return new LocalTimer(documentClient(), requiredEnv('TABLE_NAME'));
}

/** The web app's base URL (links in emails), without a trailing slash. */
export function appUrl(): string {
  return requiredEnv('APP_URL').replace(/\/+$/, '');
}
