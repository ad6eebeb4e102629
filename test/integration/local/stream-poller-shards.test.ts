/**
 * Shard lineage and iterator expiry, which DynamoDB Local only produces after hours (it rolls
 * shards over every 4 h and expires iterators after 15 min): a scripted StreamsApi stands in.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { AwsJsonError } from '../../../local/services/aws-json';
import {
  StreamPoller,
  type StreamShard,
  type StreamsApi,
  type WireStreamRecord,
} from '../../../local/services/stream-poller';
import { memoryLogger, tempDir } from './helpers';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000';

function wire(seq: number, pk: string): WireStreamRecord {
  const sequenceNumber = String(seq).padStart(21, '0');
  return {
    eventID: `id-${seq}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: 1_700_000_000,
      Keys: { pk: { S: pk } },
      NewImage: { pk: { S: pk } },
      SequenceNumber: sequenceNumber,
      SizeBytes: 10,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** Shards listed child first, to show the poller orders by lineage, not by listing order. */
function scriptedStream() {
  const shards: (StreamShard & { records: WireStreamRecord[]; closed: boolean })[] = [
    { ShardId: 'shard-B', ParentShardId: 'shard-A', records: [wire(3, 'B1'), wire(4, 'B2')], closed: false },
    { ShardId: 'shard-A', records: [wire(1, 'A1'), wire(2, 'A2')], closed: true },
  ];
  const control = { expireNextRead: false, calls: [] as string[] };
  const find = (id: string) => shards.find((shard) => shard.ShardId === id) as (typeof shards)[number];
  const api: StreamsApi = {
    latestStreamArn: async () => ARN,
    describeStream: async () => ({
      StreamDescription: { Shards: shards.map(({ ShardId, ParentShardId }) => ({ ShardId, ParentShardId })) },
    }),
    getShardIterator: async ({ ShardId, ShardIteratorType, SequenceNumber }) => {
      control.calls.push(`iterator ${ShardId} ${ShardIteratorType} ${SequenceNumber ?? ''}`.trim());
      const shard = find(ShardId);
      const position =
        ShardIteratorType === 'AFTER_SEQUENCE_NUMBER'
          ? shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === SequenceNumber) + 1
          : 0;
      return { ShardIterator: `${ShardId}|${position}` };
    },
    getRecords: async ({ ShardIterator }) => {
      if (control.expireNextRead) {
        control.expireNextRead = false;
        throw new AwsJsonError('ExpiredIteratorException', 'Iterator expired', 400);
      }
      const [shardId, at] = ShardIterator.split('|') as [string, string];
      const shard = find(shardId);
      const records = shard.records.slice(Number(at));
      const next = Number(at) + records.length;
      const done = shard.closed && next >= shard.records.length;
      return { Records: records, ...(done ? {} : { NextShardIterator: `${shardId}|${next}` }) };
    },
  };
  return { api, shards, control, find };
}

describe('StreamPoller with shard lineage', () => {
  it('reads a parent shard to its end before its child', async () => {
    // Prepare
    const { api } = scriptedStream();
    const events: DynamoDBStreamEvent[] = [];
    const poller = new StreamPoller({
      api,
      tableName: 't',
      consumers: [{ name: 'all', handler: async (event) => void events.push(event) }],
    });

    // Act
    await poller.drain();

    // Assess
    const keys = events.flatMap((event) => event.Records.map((r) => r.dynamodb?.Keys?.pk?.S));
    expect(keys).toEqual(['A1', 'A2', 'B1', 'B2']);
    expect(events.every((event) => event.Records.every((r) => r.eventSourceARN === ARN))).toBe(true);
    expect(poller.checkpointSnapshot().consumers.all?.shards['shard-A']).toEqual({
      sequenceNumber: '000000000000000000002',
      finished: true,
    });
  });

  it('renews an expired iterator after the last record read, without replay or skip', async () => {
    // Prepare
    const { api, control, find } = scriptedStream();
    const keys: string[] = [];
    const poller = new StreamPoller({
      api,
      tableName: 't',
      consumers: [
        {
          name: 'all',
          handler: async (event) =>
            void keys.push(...event.Records.map((r) => r.dynamodb?.Keys?.pk?.S as string)),
        },
      ],
    });
    await poller.drain();
    find('shard-B').records.push(wire(5, 'B3'));
    control.expireNextRead = true;

    // Act
    await poller.drain();

    // Assess
    expect(keys).toEqual(['A1', 'A2', 'B1', 'B2', 'B3']);
    expect(control.calls.at(-1)).toBe('iterator shard-B AFTER_SEQUENCE_NUMBER 000000000000000000004');
  });

  it('finds a child shard that appears when its parent closes, though the shard list is cached', async () => {
    // Prepare: at first only shard A, open; the poller reads it and caches the listing.
    const { api, shards } = scriptedStream();
    const child = shards.splice(0, 1)[0] as (typeof shards)[number];
    const parent = shards[0] as (typeof shards)[number];
    parent.closed = false;
    const keys: string[] = [];
    const poller = new StreamPoller({
      api,
      tableName: 't',
      consumers: [
        {
          name: 'all',
          handler: async (event) =>
            void keys.push(...event.Records.map((r) => r.dynamodb?.Keys?.pk?.S as string)),
        },
      ],
    });
    await poller.drain();

    // Act: A rolls over: it closes, and its child B appears with records.
    parent.closed = true;
    shards.push(child);
    await poller.drain();

    // Assess
    expect(keys).toEqual(['A1', 'A2', 'B1', 'B2']);
    expect(poller.checkpointSnapshot().consumers.all?.shards['shard-A']?.finished).toBe(true);
  });

  it('forgets a checkpointed shard that was trimmed away unread, with a warning', async () => {
    // Prepare
    const { api } = scriptedStream();
    const logger = memoryLogger();
    const checkpointFile = join(tempDir('checkpoint-'), 'checkpoints.json');
    const stale = {
      all: { streamArn: ARN, shards: { 'shard-Z': { sequenceNumber: '000000000000000000009' } } },
    };
    writeFileSync(checkpointFile, JSON.stringify({ version: 1, tableName: 't', consumers: stale }));
    const poller = new StreamPoller({
      api,
      tableName: 't',
      logger,
      checkpointFile,
      consumers: [{ name: 'all', handler: async () => undefined }],
    });

    // Act
    await poller.drain();

    // Assess
    expect(Object.keys(poller.checkpointSnapshot().consumers.all?.shards ?? {}).sort()).toEqual([
      'shard-A',
      'shard-B',
    ]);
    expect(logger.lines).toEqual(['warn all: shard shard-Z disappeared before it was fully read']);
  });
});
