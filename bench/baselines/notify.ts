/** Baseline for `notify`: DynamoDB document client, SES v2, Scheduler, Secrets Manager. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const clients = [
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  new SESv2Client({}),
  new SchedulerClient({}),
  new SecretsManagerClient({}),
];
export const handler = async () => clients.length;
