/**
 * match: the DynamoDB stream consumer that evaluates numbers (docs/rules.md, "Order decides").
 *
 * The event source mapping's filter (STREAM_FILTERS.match) delivers only session images carrying
 * `matchDue = 1`, which number writes set and match's own writes clear. A record only names the
 * session to look at: the Evaluator reads the session fresh, so duplicate, retried, stale or
 * reordered records change nothing. A failure is reported as a partial batch failure (the mapping
 * retries from it, bisects, then sends it to the on-failure queue, and the reconciler repairs the
 * session).
 *
 * Environment: TABLE_NAME; KEY_ID (AWS, kms:Decrypt) or LOCAL_SEALER_KEY_FILE (local);
 * DYNAMODB_ENDPOINT (local only).
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { errorFacts, errorName } from '../../shared/adapters/errors';
import { Evaluator } from '../../shared/app/evaluator';
import { cryptoRandom } from '../../shared/engine/crypto-random';
import { businessClock } from '../../shared/runtime/clock';
import { sealer, sessionStore } from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';
import { streamHandler } from '../../shared/runtime/stream-handler';
import { SESSION_SK, sessionIdOf } from '../../shared/table/keys';

const logger = createLogger('match');
const evaluator = new Evaluator({
  store: sessionStore(),
  sealer: sealer(),
  random: cryptoRandom,
  clock: businessClock,
});

/** The session a stream record is about: from its keys (present in every record, image or not). */
export function sessionIdOfStreamRecord(record: DynamoDBRecord): string | null {
  const keys = record.dynamodb?.Keys;
  return keys?.sk?.S === SESSION_SK ? sessionIdOf(keys?.pk?.S) : null;
}

async function evaluateRecord(record: DynamoDBRecord): Promise<void> {
  const sessionId = sessionIdOfStreamRecord(record);
  if (!sessionId) {
    logger.warn('stream record is not a session item; skipped', { eventID: record.eventID });
    return;
  }
  try {
    const result = await evaluator.evaluate(sessionId);
    logger.info('session evaluated', { sessionId, evaluated: result.evaluated, events: result.events });
  } catch (error) {
    logger.error('evaluation failed', { sessionId, ...errorFacts(error) });
    throw new Error(`evaluation of ${sessionId} failed: ${errorName(error)}`);
  }
}

export const handler = streamHandler(logger, evaluateRecord);
