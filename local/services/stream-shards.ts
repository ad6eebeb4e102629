/**
 * Reading the table's stream: which stream, which shards, and the next records of a shard into a
 * consumer's buffer.
 *
 * The stream ARN and the shard list are cached: they change only when a shard closes (DynamoDB
 * Local rolls shards over every 4 hours; the new shard's ParentShardId is the closed one), when
 * records are trimmed (after 24 hours) or when the table is re-created. The cache is dropped when
 * a shard is read to its end, on any error, and every `refreshMs` as a safety net; so an idle
 * poll costs one GetRecords per consumer and open shard, not a DescribeTable and DescribeStream.
 *
 * Each consumer has its own cursor per shard (like separate event source mappings): the shard
 * iterator, the last sequence number read, and the records read but not yet delivered.
 *
 * DynamoDB Local facts this relies on (1.25.1): shard iterators expire after 15 minutes, the
 * stream survives restarts with -dbPath, GetRecords returns at most 1000 records and omits
 * NextShardIterator once a closed shard is exhausted.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { AwsJsonError } from './aws-json';
import { type FilterPattern, matchesFilter } from './event-filter';
import { listShards, type StreamShard, type StreamsApi } from './stream-api';
import type { PollerLogger, ShardBuffer } from './stream-delivery';

export interface Cursor extends ShardBuffer {
  iterator?: string;
  /** Last sequence number read into the buffer (where a new iterator must start). */
  lastReadSeq?: string;
  /** GetRecords said the shard is closed and has nothing more. */
  exhausted: boolean;
}

/** The table has no stream (not created with one, or not created yet). */
export class NoStreamError extends Error {
  override readonly name = 'NoStreamError';
  constructor(tableName: string) {
    super(`table ${tableName} has no stream`);
  }
}

const isAwsError = (error: unknown, type: string) => error instanceof AwsJsonError && error.type === type;

export class ShardReader {
  private cached: { streamArn: string; shards?: StreamShard[]; at: number } | undefined;
  private readonly cursors = new Map<string, Map<string, Cursor>>();

  constructor(
    private readonly api: StreamsApi,
    private readonly tableName: string,
    private readonly log: PollerLogger,
    private readonly options: { readLimit?: number; refreshMs?: number } = {},
  ) {}

  /** The table's current stream (cached). */
  async streamArn(): Promise<string> {
    if (this.cached && Date.now() - this.cached.at > (this.options.refreshMs ?? 30_000)) this.forget();
    if (this.cached) return this.cached.streamArn;
    const streamArn = await this.api.latestStreamArn(this.tableName);
    if (!streamArn) throw new NoStreamError(this.tableName);
    this.cached = { streamArn, at: Date.now() };
    return streamArn;
  }

  /** The stream's shards (cached with the ARN). */
  async shards(streamArn: string): Promise<StreamShard[]> {
    if (this.cached?.streamArn === streamArn && this.cached.shards) return this.cached.shards;
    const shards = await listShards(this.api, streamArn);
    if (this.cached?.streamArn === streamArn) this.cached.shards = shards;
    return shards;
  }

  /** The shard list may have changed (a shard was read to its end: its child exists). */
  shardsChanged(): void {
    if (this.cached) this.cached.shards = undefined;
  }

  /**
   * After an error: forget the stream, its shards and every iterator (they are acquired again
   * after the last record read, so nothing is replayed or skipped).
   */
  reset(): void {
    this.forget();
    for (const cursors of this.cursors.values()) {
      for (const cursor of cursors.values()) cursor.iterator = undefined;
    }
  }

  private forget(): void {
    this.cached = undefined;
  }

  /** The consumer's cursors, by shard id. */
  cursorsOf(consumer: string): Map<string, Cursor> {
    let cursors = this.cursors.get(consumer);
    if (!cursors) {
      cursors = new Map();
      this.cursors.set(consumer, cursors);
    }
    return cursors;
  }

  cursor(consumer: string, shardId: string): Cursor {
    const cursors = this.cursorsOf(consumer);
    let cursor = cursors.get(shardId);
    if (!cursor) {
      cursor = { buffer: [], exhausted: false };
      cursors.set(shardId, cursor);
    }
    return cursor;
  }

  /** Forgets a consumer's cursors (its checkpoint moved to a new stream). */
  dropCursors(consumer: string): void {
    this.cursors.delete(consumer);
  }

  /**
   * Reads the shard's next records into the cursor's buffer (marking whether each matches the
   * consumer's filters); `checkpoint` is where reading resumes when there is no cursor yet.
   * Returns how many records were read; sets `exhausted` when a closed shard has no more.
   */
  async read(
    consumer: { name: string; filters?: readonly FilterPattern[] },
    streamArn: string,
    shardId: string,
    cursor: Cursor,
    checkpoint: string | undefined,
  ): Promise<number> {
    let expiredInARow = 0;
    for (;;) {
      cursor.iterator ??= await this.acquireIterator(consumer.name, streamArn, shardId, cursor, checkpoint);
      let response: Awaited<ReturnType<StreamsApi['getRecords']>>;
      try {
        response = await this.api.getRecords({
          ShardIterator: cursor.iterator,
          Limit: this.options.readLimit ?? 100,
        });
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
      for (const wire of records) {
        const record: DynamoDBRecord = { ...wire, eventSourceARN: streamArn };
        const seq = wire.dynamodb?.SequenceNumber as string;
        cursor.buffer.push({ seq, record, matched: matchesFilter(record, consumer.filters) });
        cursor.lastReadSeq = seq;
      }
      return records.length;
    }
  }

  private async acquireIterator(
    consumer: string,
    streamArn: string,
    shardId: string,
    cursor: Cursor,
    checkpoint: string | undefined,
  ): Promise<string> {
    const after = cursor.lastReadSeq ?? checkpoint;
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
          `${consumer}: records after ${after} in ${shardId} were trimmed; reading from the oldest`,
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
}
