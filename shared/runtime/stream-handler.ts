/**
 * A DynamoDB stream consumer's Lambda handler: records processed one at a time (order matters
 * within a shard), each failure reported as a partial batch failure so the event source mapping
 * retries from it, and the Lambda context (request id, cold start) on every log line.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export function streamHandler(logger: Logger, handleRecord: (record: DynamoDBRecord) => Promise<void>) {
  return middy(
    async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
      // A processor per invocation: its state must never be shared by two concurrent invocations
      // (the local runtime and tests may invoke the module concurrently).
      processPartialResponse(event, handleRecord, new BatchProcessor(EventType.DynamoDBStreams), {
        context,
        processInParallel: false,
      }),
  ).use(injectLambdaContext(logger));
}
