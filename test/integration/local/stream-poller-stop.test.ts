/**
 * The stream poller during a stop (nothing abandoned is lost) and what an idle poll costs (the
 * stream's ARN and shards are cached, not described on every pass).
 */
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, inject, it } from 'vitest';
import {
  dynamoDbLocalStreamsApi,
  StreamPoller,
  type StreamsApi,
} from '../../../local/services/stream-poller';
import { dynamoClient, freshTable, memoryLogger, tempDir } from './helpers';

const client = dynamoClient();

const put = (table: string, pk: string) =>
  client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { S: 'ITEM' } } }));

const keyOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S;

/** The streams API of the shared DynamoDB Local, counting calls by operation. */
function countingApi() {
  const calls: Record<string, number> = {};
  const api = dynamoDbLocalStreamsApi(inject('dynamoEndpoint'));
  const count =
    <K extends keyof StreamsApi>(name: K) =>
    (...args: Parameters<StreamsApi[K]>) => {
      calls[name] = (calls[name] ?? 0) + 1;
      return (api[name] as (...a: Parameters<StreamsApi[K]>) => ReturnType<StreamsApi[K]>)(...args);
    };
  const counted: StreamsApi = {
    latestStreamArn: count('latestStreamArn'),
    describeStream: count('describeStream'),
    getShardIterator: count('getShardIterator'),
    getRecords: count('getRecords'),
  };
  return { api: counted, calls };
}

describe('StreamPoller', () => {
  describe('stopping', () => {
    it('abandons a batch that fails during the stop: not given up on, checkpoint not moved, delivered at the next start', async () => {
      // Prepare: a consumer that would give up at once (no retries); its first call fails only
      // once the stop has begun (the services around are going away).
      const table = await freshTable(client);
      const checkpointFile = join(tempDir('checkpoint-'), 'stream-checkpoints.json');
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered: () => void = () => undefined;
      const inFlight = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const first = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        checkpointFile,
        maxRetries: 0,
        idleDelayMs: 10,
        logger: memoryLogger(),
        consumers: [
          {
            name: 'notify',
            handler: async () => {
              entered();
              await gate;
              throw new Error('SES went away');
            },
          },
        ],
      });
      await put(table, 'K1');
      first.start();
      await inFlight;

      // Act
      const stopped = first.stop();
      release();
      await stopped;
      const handled: string[] = [];
      const next = new StreamPoller({
        endpoint: inject('dynamoEndpoint'),
        tableName: table,
        checkpointFile,
        consumers: [
          {
            name: 'notify',
            handler: async (event) => void handled.push(...(event.Records.map(keyOf) as string[])),
          },
        ],
      });
      await next.drain();

      // Assess
      expect(first.failures).toEqual([]);
      const shards = Object.values(first.checkpointSnapshot().consumers.notify?.shards ?? {});
      expect(shards.every((shard) => shard.sequenceNumber === undefined)).toBe(true);
      expect(handled).toEqual(['K1']);
    });
  });

  describe('what polling costs', () => {
    it('describes the table and its stream once, not on every drain', async () => {
      // Prepare
      const table = await freshTable(client);
      const { api, calls } = countingApi();
      const seen: string[] = [];
      const poller = new StreamPoller({
        api,
        tableName: table,
        consumers: [
          {
            name: 'all',
            handler: async (event) => void seen.push(...(event.Records.map(keyOf) as string[])),
          },
        ],
      });
      await put(table, 'K1');
      await poller.drain();
      const afterFirst = { ...calls };

      // Act: idle drains, then one with a new record.
      for (let i = 0; i < 5; i++) await poller.drain();
      await put(table, 'K2');
      await poller.drain();

      // Assess
      expect(seen).toEqual(['K1', 'K2']);
      expect(afterFirst.latestStreamArn).toBe(1);
      expect(afterFirst.describeStream).toBe(1);
      expect(calls.latestStreamArn).toBe(1);
      expect(calls.describeStream).toBe(1);
      expect(calls.getShardIterator).toBe(1);
    });
  });
});
