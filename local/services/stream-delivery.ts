/**
 * Delivery of one shard's buffered records to one consumer, as a Lambda event source mapping
 * delivers them:
 * - records the consumer's filters do not match are never delivered; the checkpoint moves past
 *   them;
 * - a batch holds up to `batchSize` matching records, in sequence order;
 * - a batch is complete when the handler returns nothing or an empty `batchItemFailures`. With
 *   failures reported, records before the first failed one are complete and the retry starts at
 *   it; a thrown error fails the whole batch; an invalid itemIdentifier counts as a thrown error;
 * - each failure halves the next batch (like BisectBatchOnFunctionError) and counts one attempt;
 *   after `maxRetries` retries without progress, the batch (by then usually the one poisonous
 *   record) goes to the on-failure list (`failures`, logged, `onFailure`) and the consumer moves
 *   on, as MaximumRetryAttempts + an on-failure destination do.
 *
 * While the poller stops, a batch in flight runs to its end; if it fails, it is abandoned: no
 * attempt counted, nothing sent to the on-failure list, the checkpoint left before it, so the
 * next start delivers it again at once (at-least-once, as on AWS).
 */
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { errorLabel } from './error-label';
import type { FilterPattern } from './event-filter';
import { lambdaContext } from './lambda-context';

/** Nothing (or an empty batchItemFailures) means the whole batch succeeded, as for Lambda. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler may return nothing, like DynamoDBStreamHandler
type HandlerResult = DynamoDBBatchResponse | undefined | void;

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<HandlerResult>;

export interface StreamConsumer {
  /** Unique; keys the checkpoint (`match`, `notify`). */
  name: string;
  /** The consumer's STREAM_FILTERS entry; none → every record. */
  filters?: readonly FilterPattern[];
  handler: StreamHandler;
  /** Default 10. */
  batchSize?: number;
  /** Overrides the poller's maxRetries for this consumer. */
  maxRetries?: number;
}

/** An entry of the on-failure list (what Lambda sends to an on-failure destination, plus the records). */
export interface StreamFailure {
  condition: 'RetryAttemptsExhausted';
  consumer: string;
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize: number;
  /** Invocations of this batch (first try + retries). */
  attempts: number;
  /** The failure's kind and error class, never its message (a message may quote a record). */
  reason: string;
  at: string;
  records: DynamoDBRecord[];
}

export interface PollerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A record read from a shard, waiting in the shard's buffer. */
export interface Entry {
  seq: string;
  record: DynamoDBRecord;
  /** Matches the consumer's filters. */
  matched: boolean;
}

/** One shard's records for one consumer: what is buffered and where a retry stands. */
export interface ShardBuffer {
  buffer: Entry[];
  retry?: { attempts: number; size: number };
}

export interface DeliveryOptions {
  /** Retries of a failing batch before it goes to the on-failure list. Default 5. */
  maxRetries?: number;
  /** Delay before retry n is n × retryDelayMs. Default 100 ms. */
  retryDelayMs?: number;
  log: PollerLogger;
  onFailure?: (failure: StreamFailure) => void;
  /** True once the poller stops: no new batch starts, a failed one is abandoned. */
  stopping: () => boolean;
  /** Waits `ms`, or less when the poller stops. */
  pause: (ms: number) => Promise<void>;
  /** Called after each invocation (drain() waits for a pass without any). */
  onInvoked: () => void;
  /** Makes what the checkpoint passed durable. */
  flush: () => void;
}

type Outcome = { ok: true } | { ok: false; failedIndex: number; reason: string };

export class Delivery {
  /** The on-failure list: batches that exhausted their retries. */
  readonly failures: StreamFailure[] = [];

  constructor(private readonly options: DeliveryOptions) {}

  /**
   * Delivers the buffered records in batches until the buffer is empty (or the poller stops);
   * `advance(seq)` moves the checkpoint past a record that is done.
   */
  async deliver(
    consumer: StreamConsumer,
    where: { streamArn: string; shardId: string },
    shard: ShardBuffer,
    advance: (seq: string) => void,
  ): Promise<void> {
    const { stopping, flush } = this.options;
    const batchSize = consumer.batchSize ?? 10;
    const maxRetries = consumer.maxRetries ?? this.options.maxRetries ?? 5;
    const buffer = shard.buffer;
    const consume = (count: number) => {
      const last = buffer.splice(0, count).at(-1);
      if (last) advance(last.seq);
    };

    while (buffer.length > 0 && !stopping()) {
      let skip = 0;
      while (skip < buffer.length && !buffer[skip]?.matched) skip++;
      if (skip > 0) consume(skip);
      if (buffer.length === 0) break;

      // A batch: up to `size` matching records, with the filtered-out ones between them.
      const size = shard.retry?.size ?? batchSize;
      let length = 0;
      let matched = 0;
      for (const entry of buffer) {
        if (entry.matched && matched === size) break;
        if (entry.matched) matched++;
        length++;
      }
      const batch = buffer.slice(0, length).filter((entry) => entry.matched);
      const outcome = await this.invoke(consumer, batch);
      this.options.onInvoked();

      if (outcome.ok) {
        consume(length);
        shard.retry = undefined;
        flush();
        continue;
      }

      // Records before the first failed one are done: progress resets the retry count.
      const failedEntry = batch[outcome.failedIndex] as Entry;
      const failedPosition = buffer.indexOf(failedEntry);
      if (failedPosition > 0) {
        consume(failedPosition);
        shard.retry = undefined;
        flush();
      }
      // Stopping: the failure may be the stop itself (a dependency going away). Abandon the rest
      // of the batch without counting an attempt; the checkpoint stays before it.
      if (stopping()) return;

      const retried = batch.slice(outcome.failedIndex);
      const retry = shard.retry ?? { attempts: 0, size: batchSize };
      retry.attempts++;
      retry.size = Math.max(1, Math.ceil(retried.length / 2));
      shard.retry = retry;

      if (retry.attempts > maxRetries) {
        this.giveUp(consumer, where, failedEntry, retried, retry.attempts, outcome.reason);
        consume(buffer.indexOf(retried.at(-1) as Entry) + 1);
        shard.retry = undefined;
        flush();
        continue;
      }
      const delay = (this.options.retryDelayMs ?? 100) * retry.attempts;
      if (delay > 0) await this.options.pause(delay);
    }
  }

  private giveUp(
    consumer: StreamConsumer,
    where: { streamArn: string; shardId: string },
    first: Entry,
    retried: Entry[],
    attempts: number,
    reason: string,
  ): void {
    const failure: StreamFailure = {
      condition: 'RetryAttemptsExhausted',
      consumer: consumer.name,
      streamArn: where.streamArn,
      shardId: where.shardId,
      startSequenceNumber: first.seq,
      endSequenceNumber: (retried.at(-1) as Entry).seq,
      batchSize: retried.length,
      attempts,
      reason,
      at: new Date().toISOString(),
      records: retried.map((entry) => entry.record),
    };
    // Batch coordinates only: records may hold sealed numbers, which never go to a log.
    this.options.log.warn(
      `${consumer.name}: gave up on ${failure.batchSize} record(s) ${failure.startSequenceNumber}..` +
        `${failure.endSequenceNumber} of ${where.shardId} after ${failure.attempts} attempts (${failure.reason}); ` +
        'sent to the on-failure list',
    );
    this.failures.push(failure);
    this.options.onFailure?.(failure);
  }

  private async invoke(consumer: StreamConsumer, batch: Entry[]): Promise<Outcome> {
    // A copy per invocation: a handler that mutates its event must not change a retry.
    const records = structuredClone(batch.map((entry) => entry.record));
    try {
      const result = await consumer.handler({ Records: records }, lambdaContext(consumer.name));
      const failures = result?.batchItemFailures;
      if (!failures || failures.length === 0) return { ok: true };
      let first = Number.POSITIVE_INFINITY;
      for (const failure of failures) {
        const id = failure?.itemIdentifier;
        const index = typeof id === 'string' && id !== '' ? batch.findIndex((entry) => entry.seq === id) : -1;
        if (index < 0) {
          // The identifier is not a sequence number of the batch: say so without quoting it.
          return { ok: false, failedIndex: 0, reason: 'invalid batchItemFailures itemIdentifier' };
        }
        first = Math.min(first, index);
      }
      return { ok: false, failedIndex: first, reason: `batchItemFailures (${failures.length})` };
    } catch (error) {
      return { ok: false, failedIndex: 0, reason: `handler error: ${errorLabel(error)}` };
    }
  }
}
