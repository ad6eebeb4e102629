/** Baseline for `calendar`: DynamoDB document client. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const clients = [DynamoDBDocumentClient.from(new DynamoDBClient({}))];
export const handler = async () => clients.length;
