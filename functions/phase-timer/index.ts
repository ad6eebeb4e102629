/**
 * phase-timer: the target of the EventBridge Scheduler one-time schedules (locally: invoked by
 * the local runtime when a local timer comes due on the business clock). The event is
 * `{sessionId, event, name}` (TimerInput); the handler trusts its own clock over it and is
 * idempotent (see PhaseTimerService). It returns normally when there is nothing to do (an early,
 * late or repeated timer); it throws only when a dependency failed, so Scheduler retries it.
 *
 * Environment: TABLE_NAME; DYNAMODB_ENDPOINT (local only). It never touches a number (no KMS)
 * and never sends mail (a reminder is an outbox record that notify sends).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { errorFacts, errorName } from '../../shared/adapters/errors';
import type { TimerInput } from '../../shared/adapters/scheduler-timer';
import { type PhaseTimerResult, PhaseTimerService } from '../../shared/app/phase-timer-service';
import { TIMER_EVENTS } from '../../shared/app/timers';
import { businessClock } from '../../shared/runtime/clock';
import { sessionStore } from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

const logger = createLogger('phase-timer');
const service = new PhaseTimerService({ store: sessionStore(), clock: businessClock });

function isTimerInput(event: unknown): event is TimerInput {
  const e = event as Partial<TimerInput> | null;
  return (
    typeof e?.sessionId === 'string' &&
    e.sessionId !== '' &&
    typeof e.event === 'string' &&
    (TIMER_EVENTS as string[]).includes(e.event)
  );
}

async function handleTimer(event: TimerInput, _context?: Context): Promise<PhaseTimerResult> {
  if (!isTimerInput(event)) {
    // Not retryable: a malformed event will never become valid.
    logger.error('invalid timer event');
    return { action: 'skipped', reason: 'invalid_event' };
  }
  try {
    const result = await service.handle(event);
    logger.info('timer handled', { sessionId: event.sessionId, event: event.event, ...result });
    return result;
  } catch (error) {
    logger.error('timer failed', { sessionId: event.sessionId, event: event.event, ...errorFacts(error) });
    throw new Error(`timer ${event.event} of ${event.sessionId} failed: ${errorName(error)}`);
  }
}

export const handler = middy(handleTimer).use(injectLambdaContext(logger));
