/**
 * reconciler: runs every 5 minutes (EventBridge rule) and repairs what a lost stream record, a
 * lost timer or a crash left undone (see ReconcilerService). It never opens a number and never
 * sends mail: it re-drives match and notify through the stream, finalizes overdue phase changes,
 * writes overdue reminders and re-creates missing timers. It throws at the end of a run in which
 * some session failed, so the error is counted and alarmed; the next run tries again.
 *
 * Environment: TABLE_NAME; timers: SCHEDULE_GROUP, SCHEDULER_ROLE_ARN, PHASE_TIMER_ARN,
 * SCHEDULER_DLQ_ARN (AWS) or TIMER_MODE=local; DYNAMODB_ENDPOINT (local only).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { errorFacts } from '../../shared/adapters/errors';
import { PhaseTimerService } from '../../shared/app/phase-timer-service';
import { type ReconcileReport, ReconcilerService } from '../../shared/app/reconciler-service';
import { businessClock } from '../../shared/runtime/clock';
import { sessionStore, timer, workIndex } from '../../shared/runtime/dependencies';
import { createLogger } from '../../shared/runtime/logger';

const logger = createLogger('reconciler');
const work = workIndex();
const timers = timer();
const phaseTimer = new PhaseTimerService({ store: sessionStore(), clock: businessClock });

/** Stop starting new work this long before the Lambda's deadline. */
const SAFETY_MARGIN_MS = 15_000;

async function reconcile(_event?: unknown, context?: Context): Promise<ReconcileReport> {
  const remaining = context?.getRemainingTimeInMillis?.();
  const service = new ReconcilerService({
    work,
    timer: timers,
    phaseTimer,
    clock: businessClock,
    onError: (item, error) => logger.error('reconcile failed', { ...item, ...errorFacts(error) }),
    ...(remaining ? { stopAt: Date.now() + remaining - SAFETY_MARGIN_MS } : {}),
  });
  const report = await service.run();
  logger.info('reconciled', { ...report });
  if (report.errors > 0) throw new Error(`reconciler: ${report.errors} item(s) failed; see the next run`);
  return report;
}

export const handler = middy(reconcile).use(injectLambdaContext(logger));
