/**
 * The DynamoDB Streams API, as much as the stream poller needs, and DynamoDB Local's
 * implementation of it over signed AWS JSON calls (no streams SDK client needed).
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { createAwsJsonClient, type LocalCredentials } from './aws-json';

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

/** The streams API of DynamoDB Local, over signed AWS JSON calls. */
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

/** Every shard of the stream (DescribeStream, page by page). */
export async function listShards(api: StreamsApi, streamArn: string): Promise<StreamShard[]> {
  const shards: StreamShard[] = [];
  let start: string | undefined;
  do {
    const { StreamDescription } = await api.describeStream({
      StreamArn: streamArn,
      ...(start ? { ExclusiveStartShardId: start } : {}),
    });
    shards.push(...(StreamDescription?.Shards ?? []));
    start = StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return shards;
}
