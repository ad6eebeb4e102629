/**
 * globalSetup of the `integration` project: DynamoDB Local (in memory) and the local SES endpoint
 * on free ports, for all integration test files. Tests read the endpoints with
 * `inject('dynamoEndpoint')` / `inject('sesEndpoint')` and create their own uniquely named tables.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/services/dynamodb-local';
import { startSesLocal } from '../../local/services/ses-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const [dynamo, ses] = await Promise.all([startDynamoDbLocal({ inMemory: true }), startSesLocal()]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sesEndpoint', ses.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), ses.stop()]);
  };
}
