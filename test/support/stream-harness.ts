/**
 * DynamoDB Local's real stream feeding the real stream handlers (match, notify), as Lambda's event
 * source mappings would: the local StreamPoller reads the shards, applies the same filters
 * (STREAM_FILTERS, Lambda's filter semantics), builds the records exactly as Lambda does, batches
 * them (match 10, notify 5, as the CDK stack), honours partial batch failures, bisects and gives up
 * after bounded retries (the on-failure list).
 *
 * On top of that, fault injection for at-least-once delivery tests:
 * - `faults.duplicate`: every batch is delivered twice (a retried invocation);
 * - `faults.drop`: batches for these consumers are acknowledged without running the handler
 *   (records lost: trimmed after 24 h, or retries exhausted) and kept in `dropped()`;
 * - `redeliver(consumer, records)`: delivers records again later, e.g. an old image after newer
 *   ones (a stale or reordered record).
 */
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaContext } from '../../local/services/lambda-context';
import { type StreamFailure, type StreamHandler, StreamPoller } from '../../local/services/stream-poller';
import { STREAM_FILTERS } from '../../shared/table/definition';

export type ConsumerName = 'match' | 'notify';

export type LambdaStreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamHarnessOptions {
  endpoint: string;
  tableName: string;
  handlers: Record<ConsumerName, LambdaStreamHandler>;
  /** Retries of a failing batch before it goes to the on-failure list. Default 5 (as the stack). */
  maxRetries?: number;
  /** Delay before retry n is n × retryDelayMs. Default 50 ms. */
  retryDelayMs?: number;
}

export interface Faults {
  duplicate: boolean;
  drop: Set<ConsumerName>;
}

export interface StreamHarness {
  poller: StreamPoller;
  faults: Faults;
  /** Delivers every record now in the stream, and every record the handlers write meanwhile. */
  drain(): Promise<void>;
  /** Records handed to a consumer's handler so far (each once, even when duplicated), in order. */
  delivered(consumer: ConsumerName): DynamoDBRecord[];
  /** Records acknowledged without running the handler (faults.drop). */
  dropped(consumer: ConsumerName): DynamoDBRecord[];
  /** Invocations of each consumer's real handler. */
  invocations(consumer: ConsumerName): number;
  /** Delivers `records` again, in one batch, to the consumer's real handler. */
  redeliver(consumer: ConsumerName, records: DynamoDBRecord[]): Promise<DynamoDBBatchResponse | undefined>;
  /** The on-failure list (batches that exhausted their retries). */
  failures(): StreamFailure[];
  /** Changes how many retries a failing batch gets before the on-failure list (all consumers). */
  setMaxRetries(retries: number): void;
  stop(): Promise<void>;
}

const BATCH_SIZES: Record<ConsumerName, number> = { match: 10, notify: 5 };

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function createStreamHarness(options: StreamHarnessOptions): StreamHarness {
  const faults: Faults = { duplicate: false, drop: new Set() };
  const delivered: Record<ConsumerName, DynamoDBRecord[]> = { match: [], notify: [] };
  const dropped: Record<ConsumerName, DynamoDBRecord[]> = { match: [], notify: [] };
  const invocations: Record<ConsumerName, number> = { match: 0, notify: 0 };

  const invoke = async (name: ConsumerName, records: DynamoDBRecord[]) => {
    invocations[name]++;
    return options.handlers[name]({ Records: structuredClone(records) }, lambdaContext(name));
  };

  const consumer = (name: ConsumerName): StreamHandler => {
    return async (event) => {
      if (faults.drop.has(name)) {
        dropped[name].push(...event.Records);
        return { batchItemFailures: [] };
      }
      delivered[name].push(...event.Records);
      const first = await invoke(name, event.Records);
      if (!faults.duplicate) return first;
      const second = await invoke(name, event.Records);
      // A record counts as handled once either delivery handled it; report what both failed.
      const failedFirst = new Set((first?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      const failedBoth = (second?.batchItemFailures ?? []).filter((f) => failedFirst.has(f.itemIdentifier));
      return { batchItemFailures: failedBoth };
    };
  };

  const consumers = (['match', 'notify'] as const).map((name) => ({
    name,
    filters: STREAM_FILTERS[name],
    handler: consumer(name),
    batchSize: BATCH_SIZES[name],
    maxRetries: options.maxRetries ?? 5,
  }));
  const poller = new StreamPoller({
    tableName: options.tableName,
    endpoint: options.endpoint,
    maxRetries: options.maxRetries ?? 5,
    retryDelayMs: options.retryDelayMs ?? 50,
    idleDelayMs: 20,
    logger: silent,
    consumers,
  });

  return {
    poller,
    faults,
    drain: () => poller.drain({ timeoutMs: 60_000 }),
    delivered: (name) => [...delivered[name]],
    dropped: (name) => [...dropped[name]],
    invocations: (name) => invocations[name],
    redeliver: (name, records) => invoke(name, records),
    failures: () => [...poller.failures],
    setMaxRetries(retries) {
      // The poller reads a consumer's maxRetries on every batch.
      for (const c of consumers) c.maxRetries = retries;
    },
    stop: () => poller.stop(),
  };
}
