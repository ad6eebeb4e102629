/** Baseline for `reconciler`: DynamoDB document client, Scheduler. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const clients = [DynamoDBDocumentClient.from(new DynamoDBClient({})), new SchedulerClient({})];
export const handler = async () => clients.length;
