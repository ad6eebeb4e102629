import type { STREAM_FILTERS, TABLE } from '../shared/table/definition';
import { FUNCTION_NAMES, type FunctionName } from './naming';

/**
 * The functions of the service, one declarative record each: what runs, with how much memory and
 * time, which environment it gets and everything its role may do. The stateless stack builds
 * functions, grants, triggers and alarms from this table; the stateful stack names the readers of
 * each key and secret in their resource policies from it too, so the two cannot disagree.
 * Plain data (no construct), so the benchmarks read memory sizes from it as well.
 */

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem';

export type IndexName = keyof typeof TABLE.indexes;

/**
 * The environment variables the stack knows how to fill (besides STAGE, TABLE_NAME and the
 * logging variables every function gets). The handlers read them with `requiredEnv`.
 */
export type EnvVar =
  | 'KEY_ID'
  | 'FINGERPRINT_SECRET_ARN'
  | 'INVITATION_SECRET_ARN'
  | 'JWT_ISSUER'
  | 'JWT_AUDIENCE'
  | 'SCHEDULE_GROUP'
  | 'SENDER_EMAIL'
  | 'APP_URL'
  | 'SES_CONFIGURATION_SET'
  | 'SCHEDULER_ROLE_ARN'
  | 'PHASE_TIMER_ARN'
  | 'SCHEDULER_DLQ_ARN'
  | 'MESSAGES_KEY_ID';

/** What a role may do with the number key. Both are bound to the encryption context {sessionId, side, seq}. */
export type NumberKeyUse = 'encrypt' | 'decrypt';

/**
 * What a role may do with a side's answer to a proposal, sealed under the number key with the
 * encryption context {sessionId, side, proposal, kind: answer} (docs/rules.md, "Double-blind
 * proposals"). `open` never reaches a number: a number's context has no `kind`.
 */
export type AnswerUse = 'seal' | 'open';

/**
 * What a role may do with the messages key: envelope encryption of room messages, a data key per
 * message (GenerateDataKey) and opening it again (Decrypt), bound to the context {sessionId, room}.
 */
export type MessagesKeyUse = 'envelope';

export type SecretName = 'fingerprint' | 'invitation';

export interface FunctionSettings {
  /** Construct id in the stateless stack: every logical ID of the function derives from it. Never rename. */
  id: string;
  /** The handler module, relative to the repository root (exported as `handler`). */
  entry: string;
  description: string;
  /** MB. Memory buys CPU on Lambda. */
  memorySize: number;
  timeoutSeconds: number;
  environment: readonly EnvVar[];
  /** Item actions on the table (no Scan, no BatchWriteItem, no table management) and the indexes it queries. */
  table: { actions: readonly TableAction[]; indexes: readonly IndexName[] };
  numberKey?: NumberKeyUse;
  answers?: AnswerUse;
  messagesKey?: MessagesKeyUse;
  /** HMAC keys the role may read; each secret's resource policy denies every other role. */
  secrets?: readonly SecretName[];
  /** Creates and deletes phase timers in the stage's schedule group (and passes the Scheduler role to Scheduler). */
  schedulesTimers?: true;
  /** Sends email from the sender address through the stage's configuration set. */
  sendsEmail?: true;
  /** Consumes the table's stream through these filters, this many records a batch. */
  stream?: { filters: keyof typeof STREAM_FILTERS; batchSize: number };
  /** Invoked asynchronously (Scheduler, EventBridge): failed invocations go to a queue. */
  invokedAsync?: true;
  /** Run by an EventBridge rule at this rate, in minutes. */
  everyMinutes?: number;
}

/** Reads and conditional writes of one session: the transactions of the use cases. */
const TRANSACT = ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'] as const;
/** The same, and BatchGetItem (listing sessions, loading several records at once). */
const TRANSACT_AND_BATCH_GET = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'ConditionCheckItem',
] as const;
const JWT = ['JWT_ISSUER', 'JWT_AUDIENCE'] as const;
/** What creating a phase timer needs: its schedule, target, role and dead-letter queue, and the email settings. */
const SCHEDULING = [
  'SENDER_EMAIL',
  'APP_URL',
  'SES_CONFIGURATION_SET',
  'SCHEDULE_GROUP',
  'SCHEDULER_ROLE_ARN',
  'PHASE_TIMER_ARN',
  'SCHEDULER_DLQ_ARN',
] as const;

/**
 * Memory: the HTTP functions get 1024 MB so cold starts and KMS/DynamoDB round trips stay short
 * (a caller must not be able to time anything), the background functions 512 MB. Timeouts: HTTP
 * functions answer well inside API Gateway's 30 s (a withdrawal may wait a couple of seconds for
 * match); stream consumers get room for a batch; the reconciler stays below its 5-minute period.
 * DeleteItem only where a session can end (open invitations die with it) or an idempotency key
 * is released after a 5xx (shared/http/idempotency.ts).
 */
export const FUNCTION_SETTINGS: Record<FunctionName, FunctionSettings> = {
  api: {
    id: 'Api',
    entry: 'functions/api/index.ts',
    description: 'HTTP routes except the two number routes and a proposal answer',
    memorySize: 1024,
    timeoutSeconds: 10,
    // KEY_ID: to open the caller's own side's answer (`myAnswer` in views), and nothing else.
    environment: ['KEY_ID', 'FINGERPRINT_SECRET_ARN', 'INVITATION_SECRET_ARN', ...JWT],
    table: { actions: TRANSACT_AND_BATCH_GET, indexes: ['byUser', 'byInviteToken'] },
    answers: 'open',
    secrets: ['fingerprint', 'invitation'],
  },
  'submit-number': {
    id: 'SubmitNumber',
    entry: 'functions/submit-number/index.ts',
    description: 'PUT /sessions/{id}/number and a proposal answer: seals and records them',
    memorySize: 1024,
    timeoutSeconds: 10,
    environment: ['KEY_ID', 'FINGERPRINT_SECRET_ARN', ...JWT],
    // BatchGetItem: the display names in the view an answer returns.
    table: { actions: TRANSACT_AND_BATCH_GET, indexes: [] },
    numberKey: 'encrypt',
    // The one function that seals a side's secret input: a number or an answer (never api, which
    // could then seal a "yes" nobody gave).
    answers: 'seal',
    secrets: ['fingerprint'],
  },
  'own-number': {
    id: 'OwnNumber',
    entry: 'functions/own-number/index.ts',
    description: "GET /sessions/{id}/number: the caller's own side's number",
    memorySize: 1024,
    timeoutSeconds: 10,
    environment: ['KEY_ID', ...JWT],
    table: { actions: ['GetItem', 'Query'], indexes: [] },
    numberKey: 'decrypt',
  },
  match: {
    id: 'Match',
    entry: 'functions/match/index.ts',
    description: 'Stream: evaluates numbers and proposals in seq order',
    memorySize: 512,
    timeoutSeconds: 60,
    environment: ['KEY_ID'],
    table: { actions: TRANSACT, indexes: [] },
    numberKey: 'decrypt',
    // Closes a proposal from both answers.
    answers: 'open',
    stream: { filters: 'match', batchSize: 10 },
  },
  notify: {
    id: 'Notify',
    entry: 'functions/notify/index.ts',
    description: 'Stream: sends outbox emails, creates phase timers',
    memorySize: 512,
    timeoutSeconds: 60,
    // Invitation links carry a token derived from the invitation key (shared/app/invitation-token.ts).
    environment: [...SCHEDULING, 'INVITATION_SECRET_ARN'],
    table: { actions: ['GetItem', 'BatchGetItem', 'Query', 'UpdateItem'], indexes: [] },
    secrets: ['invitation'],
    schedulesTimers: true,
    sendsEmail: true,
    stream: { filters: 'notify', batchSize: 5 },
  },
  'phase-timer': {
    id: 'PhaseTimer',
    entry: 'functions/phase-timer/index.ts',
    description: 'Scheduler target: finalizes phase changes, sends reminders',
    memorySize: 512,
    timeoutSeconds: 30,
    // No Scheduler access: its one-time schedules delete themselves after completion.
    environment: ['SCHEDULE_GROUP'],
    table: { actions: TRANSACT, indexes: [] },
    invokedAsync: true,
  },
  reconciler: {
    id: 'Reconciler',
    entry: 'functions/reconciler/index.ts',
    description: 'Every 5 minutes: repairs what a lost stream record left undone',
    memorySize: 512,
    timeoutSeconds: 120,
    environment: SCHEDULING,
    table: { actions: TRANSACT_AND_BATCH_GET, indexes: ['byWork'] },
    schedulesTimers: true,
    invokedAsync: true,
    everyMinutes: 5,
  },
  // Rooms: reads membership and room summaries, writes a message with its room's counters in one
  // conditional transaction, records a side's consent to the joint room. No idempotency record
  // to release (no DeleteItem), no index.
  rooms: {
    id: 'Rooms',
    entry: 'functions/rooms/index.ts',
    description: "Rooms: a session's private channels, messages sealed under the messages key",
    memorySize: 1024,
    timeoutSeconds: 10,
    environment: ['MESSAGES_KEY_ID', ...JWT],
    table: {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
      indexes: [],
    },
    messagesKey: 'envelope',
  },
  // The deadlines as a calendar: reads one session item (consistently) and nothing else. Its own
  // function so the ICS library weighs on no other route's cold start.
  calendar: {
    id: 'Calendar',
    entry: 'functions/calendar/index.ts',
    description: "GET /sessions/{id}/calendar.ics: a member's deadlines as a calendar",
    memorySize: 1024,
    timeoutSeconds: 10,
    environment: [...JWT],
    table: { actions: ['GetItem'], indexes: [] },
  },
};

/** The functions whose settings match, in alphabetical order (the order resource policies list them). */
function functionsWhere(predicate: (settings: FunctionSettings) => boolean): FunctionName[] {
  return FUNCTION_NAMES.filter((name) => predicate(FUNCTION_SETTINGS[name])).sort();
}

/** The roles that may decrypt numbers: the number key's policy names them, and only them. */
export const NUMBER_KEY_DECRYPTERS = functionsWhere((s) => s.numberKey === 'decrypt');

/**
 * The roles that may open answers but not numbers (api): the number key's policy lets them decrypt
 * only under the context `kind = answer`.
 */
export const ANSWER_ONLY_OPENERS = functionsWhere((s) => s.answers === 'open' && s.numberKey !== 'decrypt');

/** The roles that may use the messages key: its policy names them, and only them (rooms alone). */
export const MESSAGES_KEY_USERS = functionsWhere((s) => s.messagesKey !== undefined);

/**
 * The roles that may read the fingerprint (HMAC) key: api and submit-number fingerprint mutating
 * requests. The secret's resource policy (stateful stack) denies every other principal.
 */
export const FINGERPRINT_KEY_READERS = functionsWhere((s) => s.secrets?.includes('fingerprint') === true);

/**
 * The roles that may read the invitation key: api derives a token's hash when it invites, notify
 * derives the token for the email. A secret apart from the fingerprint key, so notify (which
 * reads the table) cannot brute-force the fingerprints of `PUT /number` bodies.
 */
export const INVITATION_KEY_READERS = functionsWhere((s) => s.secrets?.includes('invitation') === true);
