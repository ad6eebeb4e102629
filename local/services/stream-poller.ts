/**
 * The local stand-in for Lambda's DynamoDB event source mappings: reads the table's stream from
 * DynamoDB Local and delivers records to consumers (match, notify) the way an event source
 * mapping does. Three parts, one file each:
 * - reading (stream-shards.ts): the stream and its shards, cached; per consumer and shard a
 *   cursor; records are built as Lambda builds them (eventSourceARN added);
 * - delivery (stream-delivery.ts): filters, batches, partial failures, bisecting retries, the
 *   on-failure list;
 * - checkpoints (stream-checkpoints.ts): per consumer and shard, written after each handled
 *   batch, so a restart resumes right after it (at-least-once, as on AWS).
 *
 * This file runs them: per consumer one pump at a time; shards are read parents first (a child
 * only after its parent is closed and fully processed); `drain()` returns once a full pass found
 * nothing to do; `start()` polls in the background.
 *
 * `stop()` lets a batch in flight end, starts no new one and abandons a failing one without
 * moving its checkpoint: a stop never loses a record, whatever happens to the services around.
 */

import { errorLabel } from './error-label';
import { dynamoDbLocalStreamsApi, type StreamsApi } from './stream-api';
import { type CheckpointFile, Checkpoints, type ConsumerCheckpoint } from './stream-checkpoints';
import { Delivery, type PollerLogger, type StreamConsumer, type StreamFailure } from './stream-delivery';
import { ShardReader } from './stream-shards';

export type { StreamShard, StreamsApi, WireStreamRecord } from './stream-api';
export { dynamoDbLocalStreamsApi } from './stream-api';
export type { CheckpointFile } from './stream-checkpoints';
export type { PollerLogger, StreamConsumer, StreamFailure, StreamHandler } from './stream-delivery';

/** drain() found new work on every pass for `timeoutMs` (records keep arriving). */
export class DrainTimeoutError extends Error {
  override readonly name = 'DrainTimeoutError';
  constructor(timeoutMs: number) {
    super(`stream poller: drain did not settle within ${timeoutMs} ms`);
  }
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

export class StreamPoller {
  private readonly consumers: StreamConsumer[] = [];
  private readonly log: PollerLogger;
  private readonly reader: ShardReader;
  private readonly checkpoints: Checkpoints;
  private readonly delivery: Delivery;
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Bumped whenever records are read or a handler finishes: drain() waits for a quiet pass. */
  private activity = 0;
  private running = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  /** Wakes whatever waits (the idle pause, a retry delay) when stopping. */
  private readonly wakers = new Set<() => void>();
  private lastLoggedError: string | undefined;

  constructor(private readonly options: StreamPollerOptions) {
    if (!options.api && !options.endpoint) throw new Error('StreamPoller needs an endpoint or an api');
    const api = options.api ?? dynamoDbLocalStreamsApi(options.endpoint as string);
    this.log = options.logger ?? consoleLogger;
    this.reader = new ShardReader(api, options.tableName, this.log, { readLimit: options.readLimit });
    this.checkpoints = new Checkpoints(options.tableName, options.checkpointFile);
    this.delivery = new Delivery({
      maxRetries: options.maxRetries,
      retryDelayMs: options.retryDelayMs,
      log: this.log,
      onFailure: options.onFailure,
      stopping: () => this.stopping,
      pause: (ms) => this.pause(ms),
      onInvoked: () => {
        this.activity++;
      },
      flush: () => this.checkpoints.flush(),
    });
    for (const consumer of options.consumers ?? []) this.register(consumer);
  }

  /** The on-failure list: batches that exhausted their retries. */
  get failures(): StreamFailure[] {
    return this.delivery.failures;
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
    this.stopping = false;
    this.loop = this.run();
  }

  /**
   * From now on no batch starts and a failing one is abandoned (not retried, not sent to the
   * on-failure list, its checkpoint not moved). `stop()` does this first; the runtime calls it
   * early in a shutdown, before it waits for the work in flight.
   */
  beginStop(): void {
    this.stopping = true;
    for (const wake of this.wakers) wake();
  }

  /**
   * Stops polling; resolves after in-flight batches ended and the checkpoints are written. The
   * poller may be drained or started again afterwards.
   */
  async stop(): Promise<void> {
    this.beginStop();
    this.running = false;
    try {
      await this.loop;
      await Promise.allSettled([...this.chains.values()]);
      this.checkpoints.flush();
    } finally {
      this.stopping = false;
    }
  }

  /**
   * Resolves once every consumer has handled every record now in the stream, including records
   * that the handlers themselves wrote while draining (a full pass reads nothing new and no
   * handler ran). Works whether or not the background loop runs. Rejects when reading the stream
   * fails three times in a row or when it has not settled within `timeoutMs`.
   */
  async drain({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let failures = 0;
    for (;;) {
      const before = this.activity;
      try {
        await Promise.all(this.consumers.map((consumer) => this.serialized(consumer)));
      } catch (error) {
        // A hiccup (a connection reset under load) is tried again twice; an outage is reported.
        this.reader.reset();
        if (++failures > 2 || this.stopping) throw error;
        await this.pause(100 * failures);
        continue;
      }
      if (this.activity === before || this.stopping) return;
      if (Date.now() > deadline) throw new DrainTimeoutError(timeoutMs);
    }
  }

  /** A copy of the current checkpoints (for diagnostics and tests). */
  checkpointSnapshot(): CheckpointFile {
    return this.checkpoints.snapshot();
  }

  // ---- the loop ---------------------------------------------------------------------------------

  private async run(): Promise<void> {
    while (this.running && !this.stopping) {
      const before = this.activity;
      const results = await Promise.allSettled(this.consumers.map((consumer) => this.serialized(consumer)));
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) {
        // Log a recurring error once, not every poll (DynamoDB Local down, table not created yet).
        const label = errorLabel(failed.reason);
        if (label !== this.lastLoggedError) this.log.error(`polling failed: ${label}`);
        this.lastLoggedError = label;
        this.reader.reset();
      } else {
        this.lastLoggedError = undefined;
      }
      if (!this.running || this.stopping) break;
      if (this.activity === before || failed)
        await this.pause(failed ? 1_000 : (this.options.idleDelayMs ?? 75));
    }
  }

  /** Waits `ms`, or less when the poller stops. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
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

  /** Reads and handles everything currently in the stream for one consumer. */
  private async pump(consumer: StreamConsumer): Promise<void> {
    if (this.stopping) return;
    const streamArn = await this.reader.streamArn();
    const { state, renewed } = this.checkpoints.forConsumer(consumer.name, streamArn);
    if (renewed) {
      this.log.info(`${consumer.name}: the table has a new stream; reading it from the start`);
      this.reader.dropCursors(consumer.name);
    }
    let shards = await this.reader.shards(streamArn);
    this.forgetTrimmed(consumer, state, new Set(shards.map((shard) => shard.ShardId)));

    let progressed = true;
    while (progressed && !this.stopping) {
      progressed = false;
      const present = new Set(shards.map((shard) => shard.ShardId));
      for (const shard of shards) {
        if (this.stopping) break;
        if (state.shards[shard.ShardId]?.finished) continue;
        const parent = shard.ParentShardId;
        if (parent && present.has(parent) && !state.shards[parent]?.finished) continue;
        if (await this.pumpShard(consumer, streamArn, state, shard.ShardId)) progressed = true;
      }
      // A shard read to its end has a child: list the shards again to find it.
      if (progressed) shards = await this.reader.shards(streamArn);
    }
    this.checkpoints.flush();
  }

  /** Checkpointed shards that are gone from the stream (trimmed after 24 h). */
  private forgetTrimmed(consumer: StreamConsumer, state: ConsumerCheckpoint, present: Set<string>): void {
    const cursors = this.reader.cursorsOf(consumer.name);
    for (const shardId of Object.keys(state.shards)) {
      if (present.has(shardId)) continue;
      // Unfinished means records were lost: the reconciler covers that.
      if (!state.shards[shardId]?.finished) {
        this.log.warn(`${consumer.name}: shard ${shardId} disappeared before it was fully read`);
      }
      this.checkpoints.forget(state, shardId);
      cursors.delete(shardId);
    }
  }

  /** Returns true when the shard became finished (its children may start). */
  private async pumpShard(
    consumer: StreamConsumer,
    streamArn: string,
    state: ConsumerCheckpoint,
    shardId: string,
  ): Promise<boolean> {
    const cursor = this.reader.cursor(consumer.name, shardId);
    const where = { streamArn, shardId };
    const advance = (seq: string) => this.checkpoints.advance(state, shardId, seq);
    await this.delivery.deliver(consumer, where, cursor, advance);
    while (!this.stopping && !cursor.exhausted) {
      const read = await this.reader.read(
        consumer,
        streamArn,
        shardId,
        cursor,
        state.shards[shardId]?.sequenceNumber,
      );
      if (read > 0) this.activity++;
      await this.delivery.deliver(consumer, where, cursor, advance);
      if (read === 0) break;
    }
    if (cursor.exhausted && cursor.buffer.length === 0 && !this.stopping) {
      this.checkpoints.finish(state, shardId);
      this.checkpoints.flush();
      this.reader.shardsChanged();
      return true;
    }
    return false;
  }
}
