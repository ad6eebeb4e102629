/** Baseline for `rooms`: DynamoDB document client, KMS (data keys for messages). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const clients = [DynamoDBDocumentClient.from(new DynamoDBClient({})), new KMSClient({})];
export const handler = async () => clients.length;
