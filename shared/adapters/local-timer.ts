/**
 * The local stand-in for EventBridge Scheduler (the local runtime, DEVELOPERS.md): one-time timers kept as items of the
 * application table, fired by the local runtime on the business clock (it invokes the phase-timer
 * handler with the same `TimerInput` Scheduler would send, then calls `complete`).
 *
 * Item layout: pk = `TIMER`, sk = the timer's deterministic name (unique by construction, so
 * `ensure` is a conditional put: a second `ensure` of the same name leaves the first as it is,
 * like CreateSchedule's ConflictException), plus `at` (epoch ms, business clock), `sessionId`,
 * `event`, `type = 'timer'`. `due(now)` is one strongly consistent Query of the `TIMER` partition
 * with a filter `at ≤ now`, sorted by (at, name) in memory: locally there are only a handful of
 * pending timers (completed and cancelled ones are deleted), so no index is worth its upkeep.
 * The items carry no `workPk` (the reconciler's work index) and no `status`/`matchDue`, so no
 * stream filter ever selects them.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Timer, TimerRequest } from '../ports';
import { LOCAL_TIMER_PK } from '../table/keys';
import { isAwsError } from './errors';
import type { TimerInput } from './scheduler-timer';
import { TIMER_NAME_PATTERN } from './timer-name';

/** A pending local timer, with the input phase-timer gets when it fires. */
export interface DueTimer extends TimerRequest {
  input: TimerInput;
}

export class LocalTimer implements Timer {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async ensure(timer: TimerRequest): Promise<void> {
    if (!TIMER_NAME_PATTERN.test(timer.name))
      throw new RangeError('timer name must be 1–64 of [0-9a-zA-Z-_.]');
    if (!Number.isFinite(timer.at)) throw new RangeError('timer time must be finite');
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: LOCAL_TIMER_PK,
            sk: timer.name,
            type: 'timer',
            name: timer.name,
            sessionId: timer.sessionId,
            event: timer.event,
            at: timer.at,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return; // exists: left as it is
      throw error;
    }
  }

  async cancel(names: string[]): Promise<void> {
    for (const name of new Set(names)) await this.complete(name);
  }

  /** Timers due at `now` (at ≤ now), earliest first (ties by name). */
  async due(now: number): Promise<DueTimer[]> {
    return (await this.pending()).filter((t) => t.at <= now);
  }

  /** Every pending timer, earliest first. */
  async pending(): Promise<DueTimer[]> {
    const timers: DueTimer[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': LOCAL_TIMER_PK },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const timer: TimerRequest = {
          name: item.name as string,
          sessionId: item.sessionId as string,
          event: item.event as TimerRequest['event'],
          at: item.at as number,
        };
        timers.push({
          ...timer,
          input: { sessionId: timer.sessionId, event: timer.event, name: timer.name },
        });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return timers.sort((a, b) => a.at - b.at || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Removes a timer that fired (or is cancelled); a missing one is fine. */
  async complete(name: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: LOCAL_TIMER_PK, sk: name } }),
    );
  }
}
