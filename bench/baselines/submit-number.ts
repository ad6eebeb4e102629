/** Baseline for `submit-number`: DynamoDB document client, KMS, Secrets Manager. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const clients = [
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  new KMSClient({}),
  new SecretsManagerClient({}),
];
export const handler = async () => clients.length;
