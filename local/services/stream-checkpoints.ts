/**
 * The stream poller's checkpoints: per consumer and shard, the last sequence number handled or
 * filtered out, and whether a closed shard is fully processed (so its children may run). Kept in
 * memory and written to a JSON file atomically (temp file + rename) when they changed, so a
 * restart resumes right after the last handled record: nothing skipped, nothing replayed but a
 * batch that was in flight.
 *
 * A checkpoint only ever moves past a record that was handled, filtered out, or sent to the
 * on-failure list after its retries; never past a record whose handling was abandoned (a stop).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ShardCheckpoint {
  /** Last sequence number handled or filtered out. */
  sequenceNumber?: string;
  /** Closed and fully processed: its children may run. */
  finished?: boolean;
}

export interface ConsumerCheckpoint {
  streamArn: string;
  shards: Record<string, ShardCheckpoint>;
}

export interface CheckpointFile {
  version: 1;
  tableName: string;
  consumers: Record<string, ConsumerCheckpoint>;
}

export class Checkpoints {
  private data: CheckpointFile;
  private dirty = false;

  constructor(
    private readonly tableName: string,
    /** JSON file holding the checkpoints; none → in memory only. */
    private readonly file?: string,
  ) {
    this.data = this.load();
  }

  /**
   * The consumer's checkpoint on `streamArn`. `renewed` is true when the consumer had one on
   * another stream (the table was re-created): it starts again from the new stream's beginning.
   */
  forConsumer(name: string, streamArn: string): { state: ConsumerCheckpoint; renewed: boolean } {
    const existing = this.data.consumers[name];
    if (existing?.streamArn === streamArn) return { state: existing, renewed: false };
    const state: ConsumerCheckpoint = { streamArn, shards: {} };
    this.data.consumers[name] = state;
    this.dirty = true;
    return { state, renewed: existing !== undefined };
  }

  advance(state: ConsumerCheckpoint, shardId: string, sequenceNumber: string): void {
    state.shards[shardId] = { ...state.shards[shardId], sequenceNumber };
    this.dirty = true;
  }

  finish(state: ConsumerCheckpoint, shardId: string): void {
    state.shards[shardId] = { ...state.shards[shardId], finished: true };
    this.dirty = true;
  }

  forget(state: ConsumerCheckpoint, shardId: string): void {
    delete state.shards[shardId];
    this.dirty = true;
  }

  /** Writes the checkpoints if they changed (atomically: temp file + rename). */
  flush(): void {
    if (!this.dirty || !this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.tmp`, `${JSON.stringify(this.data, null, 2)}\n`);
    renameSync(`${this.file}.tmp`, this.file);
    this.dirty = false;
  }

  /** A copy of the current checkpoints (for diagnostics and tests). */
  snapshot(): CheckpointFile {
    return structuredClone(this.data);
  }

  private load(): CheckpointFile {
    const empty: CheckpointFile = { version: 1, tableName: this.tableName, consumers: {} };
    if (!this.file) return empty;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty;
      throw error;
    }
    let parsed: CheckpointFile;
    try {
      parsed = JSON.parse(text) as CheckpointFile;
    } catch {
      throw new Error(
        `stream checkpoint file ${this.file} is not valid JSON: fix or delete it (deleting replays the stream)`,
      );
    }
    if (parsed.version !== 1 || parsed.tableName !== this.tableName) return empty;
    return parsed;
  }
}
