/**
 * match: the DynamoDB stream consumer that evaluates numbers (SPEC §2.2, §5).
 *
 * The event source mapping's filter (STREAM_FILTERS.match) delivers only session images carrying
 * `matchDue = 1`, which number writes set and match's own writes clear. A record only names the
 * session to look at: the Evaluator reads the session fresh, so duplicate, retried, stale or
 * reordered records change nothing. Records are processed one at a time; a failure is reported
 * as a partial batch failure (the mapping retries from it, bisects, then sends it to the
 * on-failure queue, and the reconciler repairs the session).
 *
 * Environment: TABLE_NAME; KEY_ID (AWS, kms:Decrypt) or LOCAL_SEALER_KEY_FILE (local);
 * DYNAMODB_ENDPOINT (local only).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { errorName } from '../../shared/adapters/errors';
import { Evaluator } from '../../shared/app/evaluator';
import { cryptoRandom } from '../../shared/engine/crypto-random';
import { businessClock } from '../../shared/runtime/clock';
import { sealer, sessionStore } from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

const logger = createLogger('match');
const evaluator = new Evaluator({
  store: sessionStore(),
  sealer: sealer(),
  random: cryptoRandom,
  clock: businessClock,
});

const SESSION_PK = /^SESSION#(.+)$/;

/** The session a stream record is about: from its keys (present in every record, image or not). */
export function sessionIdOfStreamRecord(record: DynamoDBRecord): string | null {
  const keys = record.dynamodb?.Keys;
  const pk = keys?.pk?.S;
  if (keys?.sk?.S !== 'SESSION' || !pk) return null;
  return SESSION_PK.exec(pk)?.[1] ?? null;
}

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  const sessionId = sessionIdOfStreamRecord(record);
  if (!sessionId) {
    logger.warn('stream record is not a session item; skipped', { eventID: record.eventID });
    return;
  }
  try {
    const result = await evaluator.evaluate(sessionId);
    logger.info('session evaluated', { sessionId, evaluated: result.evaluated, events: result.events });
  } catch (error) {
    // Only the error's class name: nothing a dependency says may reach a log line.
    logger.error('evaluation failed', { sessionId, error: errorName(error) });
    throw new Error(`evaluation of ${sessionId} failed: ${errorName(error)}`);
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) =>
  // A processor per invocation: its state must never be shared by two concurrent invocations
  // (the local runtime and tests may invoke the module concurrently).
  processPartialResponse(event, recordHandler, new BatchProcessor(EventType.DynamoDBStreams), {
    context,
    processInParallel: false,
  });
