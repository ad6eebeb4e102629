/**
 * The local stand-in for Lambda's DynamoDB event source mappings: reads the table's stream from
 * DynamoDB Local and delivers records to consumers (match, notify) the way an event source
 * mapping does.
 *
 * Per consumer (each has its own cursors and checkpoints, like separate event source mappings):
 * - shards are read parents first (a child only after its parent is closed and fully processed);
 *   within a shard, records are delivered in sequence order, in batches of up to `batchSize`;
 * - the consumer's filter patterns (STREAM_FILTERS) are applied first, as Lambda event filtering
 *   does: records that do not match are never delivered, and the checkpoint moves past them;
 * - each record is built as Lambda builds it (eventID, eventName, eventVersion, eventSource,
 *   awsRegion, dynamodb{…}, eventSourceARN);
 * - a batch is complete when the handler returns nothing or an empty `batchItemFailures`. With
 *   failures reported, records before the first failed one are complete and the retry starts at
 *   it; a thrown error fails the whole batch; an invalid itemIdentifier counts as a thrown error.
 *   Each failure halves the next batch (like BisectBatchOnFunctionError) and counts one attempt;
 *   after `maxRetries` retries without progress, the batch (by then usually the one poisonous
 *   record) goes to the on-failure list (`failures`, logged, `onFailure`) and the consumer moves
 *   on, as MaximumRetryAttempts + an on-failure destination do;
 * - the checkpoint (last sequence number handled or filtered out, per consumer and shard) is
 *   written to `checkpointFile` after each handled batch, atomically, so a restart resumes right
 *   after it: nothing skipped, and nothing replayed but a batch that was in flight (at-least-once,
 *   as on AWS).
 *
 * DynamoDB Local facts this relies on (1.25.1): shard iterators expire after 15 minutes, shards
 * roll over every 4 hours (the new shard's ParentShardId is the closed one), records are kept
 * 24 hours, the stream survives restarts with -dbPath, GetRecords returns at most 1000 records
 * and omits NextShardIterator once a closed shard is exhausted.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { AwsJsonError, createAwsJsonClient, type LocalCredentials } from './aws-json';
import { type FilterPattern, matchesFilter } from './event-filter';
import { lambdaContext } from './lambda-context';

// ---- the DynamoDB Streams API, as much as the poller needs ------------------------------------

export interface StreamShard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

/** A record as GetRecords returns it (Lambda adds only `eventSourceARN`). */
export type WireStreamRecord = Omit<DynamoDBRecord, 'eventSourceARN'>;

export interface StreamsApi {
  latestStreamArn(tableName: string): Promise<string | undefined>;
  describeStream(input: { StreamArn: string; ExclusiveStartShardId?: string }): Promise<{
    StreamDescription?: { Shards?: StreamShard[]; LastEvaluatedShardId?: string };
  }>;
  getShardIterator(input: {
    StreamArn: string;
    ShardId: string;
    ShardIteratorType: 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER';
    SequenceNumber?: string;
  }): Promise<{ ShardIterator?: string }>;
  getRecords(input: {
    ShardIterator: string;
    Limit?: number;
  }): Promise<{ Records?: WireStreamRecord[]; NextShardIterator?: string }>;
}

/** The streams API of DynamoDB Local, over signed AWS JSON calls (no streams SDK client needed). */
export function dynamoDbLocalStreamsApi(endpoint: string, credentials?: LocalCredentials): StreamsApi {
  const streams = createAwsJsonClient({ endpoint, targetPrefix: 'DynamoDBStreams_20120810', credentials });
  const dynamodb = createAwsJsonClient({ endpoint, targetPrefix: 'DynamoDB_20120810', credentials });
  return {
    async latestStreamArn(tableName) {
      const { Table } = await dynamodb.call<{ Table?: { LatestStreamArn?: string } }>('DescribeTable', {
        TableName: tableName,
      });
      return Table?.LatestStreamArn;
    },
    describeStream: (input) => streams.call('DescribeStream', input),
    getShardIterator: (input) => streams.call('GetShardIterator', input),
    getRecords: (input) => streams.call('GetRecords', input),
  };
}

// ---- consumers -----------------------------------------------------------------------------------

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
  reason: string;
  at: string;
  records: DynamoDBRecord[];
}

export interface PollerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const consoleLogger: PollerLogger = {
  info: (message) => console.log(`[stream] ${message}`),
  warn: (message) => console.warn(`[stream] ${message}`),
  error: (message) => console.error(`[stream] ${message}`),
};

export interface StreamPollerOptions {
  tableName: string;
  /** DynamoDB Local's endpoint (or pass `api`). */
  endpoint?: string;
  api?: StreamsApi;
  consumers?: StreamConsumer[];
  /** JSON file holding the checkpoints; none → in memory only. */
  checkpointFile?: string;
  /** Pause between polls when nothing happened. Default 75 ms. */
  idleDelayMs?: number;
  /** Retries of a failing batch before it goes to the on-failure list. Default 5. */
  maxRetries?: number;
  /** Delay before retry n is n × retryDelayMs. Default 100 ms. */
  retryDelayMs?: number;
  /** Records per GetRecords call. Default 100 (DynamoDB Local's maximum is 1000). */
  readLimit?: number;
  logger?: PollerLogger;
  onFailure?: (failure: StreamFailure) => void;
}

// ---- checkpoints ----------------------------------------------------------------------------------

interface ShardCheckpoint {
  /** Last sequence number handled or filtered out. */
  sequenceNumber?: string;
  /** Closed and fully processed: its children may run. */
  finished?: boolean;
}

interface ConsumerCheckpoint {
  streamArn: string;
  shards: Record<string, ShardCheckpoint>;
}

interface CheckpointFile {
  version: 1;
  tableName: string;
  consumers: Record<string, ConsumerCheckpoint>;
}

// ---- in-memory cursors -----------------------------------------------------------------------------

interface Entry {
  seq: string;
  record: DynamoDBRecord;
  matched: boolean;
}

interface Cursor {
  iterator?: string;
  /** Last sequence number read into the buffer (where a new iterator must start). */
  lastReadSeq?: string;
  buffer: Entry[];
  /** GetRecords said the shard is closed and has nothing more. */
  exhausted: boolean;
  retry?: { attempts: number; size: number };
}

type Outcome = { ok: true } | { ok: false; failedIndex: number; reason: string };

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
const isAwsError = (error: unknown, type: string) => error instanceof AwsJsonError && error.type === type;

export class StreamPoller {
  private readonly api: StreamsApi;
  private readonly consumers: StreamConsumer[] = [];
  private readonly log: PollerLogger;
  private readonly cursors = new Map<string, Map<string, Cursor>>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private checkpoints: CheckpointFile;
  private dirty = false;
  /** Bumped whenever records are read or a handler finishes: drain() waits for a quiet pass. */
  private activity = 0;
  private running = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private streamArnCache: { arn: string; at: number } | undefined;
  private lastLoggedError: string | undefined;
  /** The on-failure list: batches that exhausted their retries. */
  readonly failures: StreamFailure[] = [];

  constructor(private readonly options: StreamPollerOptions) {
    if (!options.api && !options.endpoint) throw new Error('StreamPoller needs an endpoint or an api');
    this.api = options.api ?? dynamoDbLocalStreamsApi(options.endpoint as string);
    this.log = options.logger ?? consoleLogger;
    this.checkpoints = this.loadCheckpoints();
    for (const consumer of options.consumers ?? []) this.register(consumer);
  }

  register(consumer: StreamConsumer): this {
    if (this.consumers.some((c) => c.name === consumer.name)) {
      throw new Error(`stream consumer ${consumer.name} is already registered`);
    }
    this.consumers.push(consumer);
    return this;
  }

  /** Starts polling in the background (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops polling; resolves after in-flight batches ended and the checkpoints are written. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping = true;
    this.wake?.();
    try {
      await this.loop;
      await Promise.allSettled([...this.chains.values()]);
      this.flush();
    } finally {
      this.stopping = false;
    }
  }

  /**
   * Resolves once every consumer has handled every record now in the stream, including records
   * that the handlers themselves wrote while draining (a full pass reads nothing new and no
   * handler ran). Works whether or not the background loop runs. Rejects on a stream error or
   * when it has not settled within `timeoutMs`.
   */
  async drain({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.streamArnCache = undefined;
    for (;;) {
      const before = this.activity;
      await Promise.all(this.consumers.map((consumer) => this.serialized(consumer)));
      if (this.activity === before) return;
      if (Date.now() > deadline)
        throw new Error(`stream poller: drain did not settle within ${timeoutMs} ms`);
    }
  }

  // ---- the loop ---------------------------------------------------------------------------------

  private async run(): Promise<void> {
    while (this.running) {
      const before = this.activity;
      const results = await Promise.allSettled(this.consumers.map((consumer) => this.serialized(consumer)));
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) {
        // Log a recurring error once, not every poll (DynamoDB Local down, table not created yet).
        const message = errorMessage(failed.reason);
        if (message !== this.lastLoggedError) this.log.error(`polling failed: ${message}`);
        this.lastLoggedError = message;
        this.streamArnCache = undefined;
      } else {
        this.lastLoggedError = undefined;
      }
      if (!this.running) break;
      if (this.activity === before || failed)
        await this.idle(failed ? 1_000 : (this.options.idleDelayMs ?? 75));
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** One pump at a time per consumer (background loop and drain share them). */
  private serialized(consumer: StreamConsumer): Promise<void> {
    const previous = this.chains.get(consumer.name) ?? Promise.resolve();
    const next = previous.then(() => this.pump(consumer));
    this.chains.set(
      consumer.name,
      next.catch(() => undefined),
    );
    return next;
  }

  private async streamArn(): Promise<string> {
    if (this.streamArnCache && Date.now() - this.streamArnCache.at < 2_000) return this.streamArnCache.arn;
    const arn = await this.api.latestStreamArn(this.options.tableName);
    if (!arn) throw new Error(`table ${this.options.tableName} has no stream`);
    this.streamArnCache = { arn, at: Date.now() };
    return arn;
  }

  private async listShards(streamArn: string): Promise<StreamShard[]> {
    const shards: StreamShard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.api.describeStream({
        StreamArn: streamArn,
        ...(start ? { ExclusiveStartShardId: start } : {}),
      });
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  /** Reads and handles everything currently in the stream for one consumer. */
  private async pump(consumer: StreamConsumer): Promise<void> {
    if (this.stopping) return;
    const streamArn = await this.streamArn();
    const state = this.consumerCheckpoint(consumer.name, streamArn);
    const cursors = this.consumerCursors(consumer.name);
    const shards = await this.listShards(streamArn);
    const present = new Set(shards.map((shard) => shard.ShardId));
    for (const shardId of Object.keys(state.shards)) {
      if (present.has(shardId)) continue;
      // Trimmed after 24 h. Unfinished means records were lost: the reconciler covers that.
      if (!state.shards[shardId]?.finished) {
        this.log.warn(`${consumer.name}: shard ${shardId} disappeared before it was fully read`);
      }
      delete state.shards[shardId];
      cursors.delete(shardId);
      this.dirty = true;
    }

    let progressed = true;
    while (progressed && !this.stopping) {
      progressed = false;
      for (const shard of shards) {
        if (this.stopping) break;
        if (state.shards[shard.ShardId]?.finished) continue;
        const parent = shard.ParentShardId;
        if (parent && present.has(parent) && !state.shards[parent]?.finished) continue;
        if (await this.pumpShard(consumer, streamArn, state, shard.ShardId)) progressed = true;
      }
    }
    this.flush();
  }

  /** Returns true when the shard became finished (its children may start). */
  private async pumpShard(
    consumer: StreamConsumer,
    streamArn: string,
    state: ConsumerCheckpoint,
    shardId: string,
  ): Promise<boolean> {
    const cursors = this.consumerCursors(consumer.name);
    let cursor = cursors.get(shardId);
    if (!cursor) {
      cursor = { buffer: [], exhausted: false };
      cursors.set(shardId, cursor);
    }
    await this.handleBuffer(consumer, streamArn, state, shardId, cursor);
    let expiredInARow = 0;
    while (!this.stopping && !cursor.exhausted) {
      cursor.iterator ??= await this.acquireIterator(consumer, streamArn, state, shardId, cursor);
      let response: Awaited<ReturnType<StreamsApi['getRecords']>>;
      try {
        response = await this.api.getRecords({
          ShardIterator: cursor.iterator,
          Limit: this.options.readLimit ?? 100,
        });
        expiredInARow = 0;
      } catch (error) {
        if (isAwsError(error, 'ExpiredIteratorException') && expiredInARow++ === 0) {
          cursor.iterator = undefined;
          continue;
        }
        throw error;
      }
      cursor.iterator = response.NextShardIterator;
      if (!response.NextShardIterator) cursor.exhausted = true;
      const records = response.Records ?? [];
      if (records.length > 0) {
        this.activity++;
        for (const wire of records) {
          const record: DynamoDBRecord = { ...wire, eventSourceARN: streamArn };
          const seq = wire.dynamodb?.SequenceNumber as string;
          cursor.buffer.push({ seq, record, matched: matchesFilter(record, consumer.filters) });
          cursor.lastReadSeq = seq;
        }
      }
      await this.handleBuffer(consumer, streamArn, state, shardId, cursor);
      if (records.length === 0) break;
    }
    if (cursor.exhausted && cursor.buffer.length === 0) {
      state.shards[shardId] = { ...state.shards[shardId], finished: true };
      this.dirty = true;
      this.flush();
      return true;
    }
    return false;
  }

  private async acquireIterator(
    consumer: StreamConsumer,
    streamArn: string,
    state: ConsumerCheckpoint,
    shardId: string,
    cursor: Cursor,
  ): Promise<string> {
    const after = cursor.lastReadSeq ?? state.shards[shardId]?.sequenceNumber;
    if (after) {
      try {
        const { ShardIterator } = await this.api.getShardIterator({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          SequenceNumber: after,
        });
        if (ShardIterator) return ShardIterator;
      } catch (error) {
        if (!isAwsError(error, 'TrimmedDataAccessException')) throw error;
        this.log.warn(
          `${consumer.name}: records after ${after} in ${shardId} were trimmed; reading from the oldest`,
        );
      }
    }
    const { ShardIterator } = await this.api.getShardIterator({
      StreamArn: streamArn,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    });
    if (!ShardIterator) throw new Error(`no shard iterator for ${shardId}`);
    return ShardIterator;
  }

  /** Delivers the buffered records of one shard in batches until the buffer is empty. */
  private async handleBuffer(
    consumer: StreamConsumer,
    streamArn: string,
    state: ConsumerCheckpoint,
    shardId: string,
    cursor: Cursor,
  ): Promise<void> {
    const batchSize = consumer.batchSize ?? 10;
    const maxRetries = consumer.maxRetries ?? this.options.maxRetries ?? 5;
    const buffer = cursor.buffer;
    const consume = (count: number) => {
      const taken = buffer.splice(0, count);
      const last = taken.at(-1);
      if (last) this.advance(state, shardId, last.seq);
      return taken;
    };

    while (buffer.length > 0 && !this.stopping) {
      let skip = 0;
      while (skip < buffer.length && !buffer[skip]?.matched) skip++;
      if (skip > 0) consume(skip);
      if (buffer.length === 0) break;

      // A batch: up to `size` matching records, with the filtered-out ones between them.
      const size = cursor.retry?.size ?? batchSize;
      let length = 0;
      let matched = 0;
      for (const entry of buffer) {
        if (entry.matched && matched === size) break;
        if (entry.matched) matched++;
        length++;
      }
      const batch = buffer.slice(0, length).filter((entry) => entry.matched);
      const outcome = await this.invoke(consumer, batch);
      this.activity++;

      if (outcome.ok) {
        consume(length);
        cursor.retry = undefined;
        this.flush();
        continue;
      }

      // Records before the first failed one are done: progress resets the retry count.
      const failedEntry = batch[outcome.failedIndex] as Entry;
      const failedPosition = buffer.indexOf(failedEntry);
      if (failedPosition > 0) {
        consume(failedPosition);
        cursor.retry = undefined;
        this.flush();
      }
      const retried = batch.slice(outcome.failedIndex);
      const retry = cursor.retry ?? { attempts: 0, size: batchSize };
      retry.attempts++;
      retry.size = Math.max(1, Math.ceil(retried.length / 2));
      cursor.retry = retry;

      if (retry.attempts > maxRetries) {
        const last = retried.at(-1) as Entry;
        const failure: StreamFailure = {
          condition: 'RetryAttemptsExhausted',
          consumer: consumer.name,
          streamArn,
          shardId,
          startSequenceNumber: failedEntry.seq,
          endSequenceNumber: last.seq,
          batchSize: retried.length,
          attempts: retry.attempts,
          reason: outcome.reason,
          at: new Date().toISOString(),
          records: retried.map((entry) => entry.record),
        };
        // Batch coordinates only: records may hold sealed numbers, which never go to a log.
        this.log.warn(
          `${consumer.name}: gave up on ${failure.batchSize} record(s) ${failure.startSequenceNumber}..` +
            `${failure.endSequenceNumber} of ${shardId} after ${failure.attempts} attempts (${failure.reason}); ` +
            'sent to the on-failure list',
        );
        this.failures.push(failure);
        this.options.onFailure?.(failure);
        consume(buffer.indexOf(last) + 1);
        cursor.retry = undefined;
        this.flush();
        continue;
      }
      const delay = (this.options.retryDelayMs ?? 100) * retry.attempts;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
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
          return {
            ok: false,
            failedIndex: 0,
            reason: `invalid batchItemFailures itemIdentifier ${JSON.stringify(id)}`,
          };
        }
        first = Math.min(first, index);
      }
      return { ok: false, failedIndex: first, reason: `batchItemFailures (${failures.length})` };
    } catch (error) {
      return { ok: false, failedIndex: 0, reason: `handler error: ${errorMessage(error)}` };
    }
  }

  // ---- checkpoint bookkeeping -------------------------------------------------------------------

  private consumerCursors(name: string): Map<string, Cursor> {
    let cursors = this.cursors.get(name);
    if (!cursors) {
      cursors = new Map();
      this.cursors.set(name, cursors);
    }
    return cursors;
  }

  private consumerCheckpoint(name: string, streamArn: string): ConsumerCheckpoint {
    const existing = this.checkpoints.consumers[name];
    if (existing?.streamArn === streamArn) return existing;
    if (existing) this.log.info(`${name}: the table has a new stream; reading it from the start`);
    const fresh: ConsumerCheckpoint = { streamArn, shards: {} };
    this.checkpoints.consumers[name] = fresh;
    this.cursors.delete(name);
    this.dirty = true;
    return fresh;
  }

  private advance(state: ConsumerCheckpoint, shardId: string, seq: string) {
    state.shards[shardId] = { ...state.shards[shardId], sequenceNumber: seq };
    this.dirty = true;
  }

  private loadCheckpoints(): CheckpointFile {
    const empty: CheckpointFile = { version: 1, tableName: this.options.tableName, consumers: {} };
    const file = this.options.checkpointFile;
    if (!file) return empty;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty;
      throw error;
    }
    let parsed: CheckpointFile;
    try {
      parsed = JSON.parse(text) as CheckpointFile;
    } catch {
      throw new Error(
        `stream checkpoint file ${file} is not valid JSON: fix or delete it (deleting replays the stream)`,
      );
    }
    if (parsed.version !== 1 || parsed.tableName !== this.options.tableName) return empty;
    return parsed;
  }

  /** Writes the checkpoints if they changed (atomically: temp file + rename). */
  private flush(): void {
    const file = this.options.checkpointFile;
    if (!this.dirty || !file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, `${JSON.stringify(this.checkpoints, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    this.dirty = false;
  }

  /** A copy of the current checkpoints (for diagnostics and tests). */
  checkpointSnapshot(): CheckpointFile {
    return structuredClone(this.checkpoints);
  }
}
