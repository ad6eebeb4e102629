import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, inject, it, vi } from 'vitest';
import { type StreamConsumer, StreamPoller } from '../../../local/services/stream-poller';
import { STREAM_FILTERS } from '../../../shared/table/definition';
import { dynamoClient, freshTable, memoryLogger, tempDir } from './helpers';

const client = dynamoClient();

const put = (table: string, pk: string, attributes: Record<string, { S: string } | { N: string }> = {}) =>
  client.send(
    new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { S: 'ITEM' }, ...attributes } }),
  );

/** A consumer that records every event it gets; `respond` decides the result per call. */
function recorder(
  name: string,
  options: Partial<StreamConsumer> & {
    respond?: (
      event: DynamoDBStreamEvent,
      call: number,
    ) => Promise<{ batchItemFailures: { itemIdentifier: string }[] } | undefined>;
  } = {},
) {
  const events: DynamoDBStreamEvent[] = [];
  const consumer: StreamConsumer = {
    name,
    batchSize: options.batchSize,
    filters: options.filters,
    maxRetries: options.maxRetries,
    handler: async (event) => {
      events.push(event);
      return options.respond?.(event, events.length);
    },
  };
  const keys = () => events.flatMap((event) => event.Records.map((r) => r.dynamodb?.Keys?.pk?.S));
  return { consumer, events, keys };
}

const seqOf = (record: DynamoDBRecord | undefined) => record?.dynamodb?.SequenceNumber as string;

describe('StreamPoller', () => {
  describe('delivery and filters', () => {
    it('sends a matchDue write to match, an outbox write to notify, an unrelated write to neither', async () => {
      // Prepare
      const table = await freshTable(client);
      const match = recorder('match', { filters: STREAM_FILTERS.match });
      const notify = recorder('notify', { filters: STREAM_FILTERS.notify });
      const poller = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        consumers: [match.consumer, notify.consumer],
        logger: memoryLogger(),
      });
      await put(table, 'SESSION#1', { type: { S: 'session' } });
      await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: 'SESSION#1' }, sk: { S: 'ITEM' } },
          UpdateExpression: 'SET matchDue = :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
      );
      await put(table, 'OUTBOX#1', { type: { S: 'outbox' }, status: { S: 'pending' } });
      await put(table, 'AUDIT#1', { type: { S: 'audit' } });

      // Act
      await poller.drain();

      // Assess
      expect(match.keys()).toEqual(['SESSION#1']);
      expect(notify.keys()).toEqual(['OUTBOX#1']);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
      const record = match.events[0]?.Records[0];
      expect(record).toMatchObject({
        eventName: 'MODIFY',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        eventSourceARN: Table?.LatestStreamArn,
        dynamodb: {
          Keys: { pk: { S: 'SESSION#1' }, sk: { S: 'ITEM' } },
          NewImage: { matchDue: { N: '1' }, type: { S: 'session' } },
          OldImage: { type: { S: 'session' } },
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      });
      expect(typeof record?.eventID).toBe('string');
      expect(typeof record?.awsRegion).toBe('string');
      expect(typeof record?.dynamodb?.ApproximateCreationDateTime).toBe('number');
      expect(typeof record?.dynamodb?.SizeBytes).toBe('number');
      expect(seqOf(record)).toMatch(/^\d+$/);
    });

    it('delivers in order, in batches of at most batchSize', async () => {
      // Prepare
      const table = await freshTable(client);
      const all = recorder('all', { batchSize: 2 });
      const poller = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        consumers: [all.consumer],
      });
      for (const n of [1, 2, 3, 4, 5]) await put(table, `K${n}`);

      // Act
      await poller.drain();

      // Assess
      expect(all.keys()).toEqual(['K1', 'K2', 'K3', 'K4', 'K5']);
      expect(all.events.map((event) => event.Records.length)).toEqual([2, 2, 1]);
    });
  });

  describe('failures', () => {
    it('retries a partial batch failure from the first failed record', async () => {
      // Prepare
      const table = await freshTable(client);
      const all = recorder('all', {
        batchSize: 5,
        respond: async (event, call) =>
          call === 1 ? { batchItemFailures: [{ itemIdentifier: seqOf(event.Records[2]) }] } : undefined,
      });
      const poller = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        consumers: [all.consumer],
        retryDelayMs: 0,
      });
      for (const n of [1, 2, 3, 4, 5]) await put(table, `K${n}`);

      // Act
      await poller.drain();

      // Assess
      const calls = all.events.map((event) => event.Records.map((r) => r.dynamodb?.Keys?.pk?.S));
      expect(calls[0]).toEqual(['K1', 'K2', 'K3', 'K4', 'K5']);
      expect(calls[1]?.[0]).toBe('K3');
      expect(calls.flat().slice(5)).toEqual(['K3', 'K4', 'K5']);
      expect(poller.failures).toEqual([]);
    });

    it('retries a thrown error, bisecting, then sends only the poisonous record to the on-failure list', async () => {
      // Prepare
      const table = await freshTable(client);
      const logger = memoryLogger();
      const handled: string[] = [];
      const onFailure = vi.fn();
      const poison: StreamConsumer = {
        name: 'poison',
        batchSize: 4,
        maxRetries: 3,
        handler: async (event) => {
          const keys = event.Records.map((r) => r.dynamodb?.Keys?.pk?.S as string);
          if (keys.includes('K2')) throw new Error('cannot handle K2');
          handled.push(...keys);
        },
      };
      const poller = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        consumers: [poison],
        retryDelayMs: 0,
        logger,
        onFailure,
      });
      for (const n of [1, 2, 3, 4, 5]) await put(table, `K${n}`);

      // Act
      await poller.drain();

      // Assess
      expect(handled).toEqual(['K1', 'K3', 'K4', 'K5']);
      expect(poller.failures).toHaveLength(1);
      expect(poller.failures[0]).toMatchObject({
        condition: 'RetryAttemptsExhausted',
        consumer: 'poison',
        batchSize: 1,
        attempts: 4,
        reason: 'handler error: Error',
      });
      // The error's class is kept, never its message (a message may quote a record).
      expect(JSON.stringify(logger.lines)).not.toContain('cannot handle');
      expect(poller.failures[0]?.reason).not.toContain('cannot handle');
      expect(poller.failures[0]?.records.map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(['K2']);
      expect(onFailure).toHaveBeenCalledOnce();
      expect(logger.lines.some((line) => line.startsWith('warn poison: gave up on 1 record(s)'))).toBe(true);
    });

    it('treats an itemIdentifier that is not in the batch as a whole-batch failure', async () => {
      // Prepare
      const table = await freshTable(client);
      const all = recorder('all', {
        respond: async (_event, call) =>
          call === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : undefined,
      });
      const poller = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        consumers: [all.consumer],
        retryDelayMs: 0,
      });
      await put(table, 'K1');
      await put(table, 'K2');

      // Act
      await poller.drain();

      // Assess
      // Whole batch failed → bisected retry: [K1] then [K2].
      expect(all.events.map((event) => event.Records.map((r) => r.dynamodb?.Keys?.pk?.S))).toEqual([
        ['K1', 'K2'],
        ['K1'],
        ['K2'],
      ]);
    });
  });

  describe('checkpoints', () => {
    it('lets a new poller resume after the last handled record: no replay, no skip', async () => {
      // Prepare
      const table = await freshTable(client);
      const checkpointFile = join(tempDir('checkpoint-'), 'stream-checkpoints.json');
      const first = recorder('notify', { filters: STREAM_FILTERS.notify });
      const before = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        consumers: [first.consumer],
        checkpointFile,
      });
      await put(table, 'OUTBOX#1', { type: { S: 'outbox' }, status: { S: 'pending' } });
      await put(table, 'OUTBOX#2', { type: { S: 'outbox' }, status: { S: 'pending' } });
      await before.drain();
      await put(table, 'OTHER#1');
      await put(table, 'OUTBOX#3', { type: { S: 'outbox' }, status: { S: 'pending' } });
      await put(table, 'OUTBOX#4', { type: { S: 'outbox' }, status: { S: 'pending' } });

      // Act
      const second = recorder('notify', { filters: STREAM_FILTERS.notify });
      const after = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        consumers: [second.consumer],
        checkpointFile,
      });
      await after.drain();

      // Assess
      expect(first.keys()).toEqual(['OUTBOX#1', 'OUTBOX#2']);
      expect(second.keys()).toEqual(['OUTBOX#3', 'OUTBOX#4']);
      const saved = JSON.parse(readFileSync(checkpointFile, 'utf8'));
      const shards = Object.values(saved.consumers.notify.shards) as { sequenceNumber: string }[];
      expect(shards.map((shard) => shard.sequenceNumber)).toEqual([
        seqOf(second.events.at(-1)?.Records.at(-1)),
      ]);
    });

    it('keeps a failing batch unrecorded, so the next poller retries it', async () => {
      // Prepare
      const table = await freshTable(client);
      const checkpointFile = join(tempDir('checkpoint-'), 'stream-checkpoints.json');
      const failing = recorder('match', {
        respond: async (event) => {
          const k2 = event.Records.find((r) => r.dynamodb?.Keys?.pk?.S === 'K2');
          return k2 ? { batchItemFailures: [{ itemIdentifier: seqOf(k2) }] } : undefined;
        },
      });
      const crashed = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        consumers: [failing.consumer],
        checkpointFile,
        maxRetries: 1_000,
        retryDelayMs: 5,
        idleDelayMs: 10,
      });
      await put(table, 'K1');
      await put(table, 'K2');
      crashed.start();
      await vi.waitFor(() => expect(failing.events.length).toBeGreaterThanOrEqual(3), {
        timeout: 5_000,
        interval: 10,
      });
      await crashed.stop();

      // Act
      const healthy = recorder('match');
      const restarted = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        consumers: [healthy.consumer],
        checkpointFile,
      });
      await restarted.drain();

      // Assess
      expect(failing.events[0]?.Records.map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(['K1', 'K2']);
      expect(failing.events.slice(1).every((e) => e.Records[0]?.dynamodb?.Keys?.pk?.S === 'K2')).toBe(true);
      expect(healthy.keys()).toEqual(['K2']);
      expect(crashed.failures).toEqual([]);
    });
  });

  describe('drain and the background loop', () => {
    it('drain() also waits for records that handlers write while draining', async () => {
      // Prepare
      const table = await freshTable(client);
      const notify = recorder('notify', { filters: STREAM_FILTERS.notify });
      const match: StreamConsumer = {
        name: 'match',
        filters: STREAM_FILTERS.match,
        handler: async (event) => {
          for (const record of event.Records) {
            const pk = record.dynamodb?.Keys?.pk?.S as string;
            await put(table, `OUTBOX#for-${pk}`, { type: { S: 'outbox' }, status: { S: 'pending' } });
          }
        },
      };
      const poller = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        consumers: [match, notify.consumer],
      });
      await put(table, 'SESSION#1', { matchDue: { N: '1' } });

      // Act
      await poller.drain();

      // Assess
      expect(notify.keys()).toEqual(['OUTBOX#for-SESSION#1']);
    });

    it('start() polls in the background until stop()', async () => {
      // Prepare
      const table = await freshTable(client);
      const all = recorder('all');
      const poller = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        consumers: [all.consumer],
        idleDelayMs: 20,
      });
      poller.start();

      // Act
      await put(table, 'K1');
      await vi.waitFor(() => expect(all.keys()).toEqual(['K1']), { timeout: 5_000, interval: 20 });
      await poller.stop();
      await put(table, 'K2');
      await new Promise((resolve) => setTimeout(resolve, 150));

      // Assess
      expect(all.keys()).toEqual(['K1']);
    });
  });
});
