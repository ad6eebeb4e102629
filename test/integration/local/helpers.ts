import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/services/aws-json';
import { ensureTable } from '../../../local/services/dynamodb-local';
import type { PollerLogger } from '../../../local/services/stream-poller';

export function dynamoClient(endpoint = inject('dynamoEndpoint')): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** A fresh application table (unique name) in the shared DynamoDB Local. */
export async function freshTable(client: DynamoDBClient): Promise<string> {
  const name = `test-${randomUUID()}`;
  await ensureTable(client, name);
  return name;
}

export function tempDir(prefix = 'backchannel-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Collects poller log lines instead of printing them. */
export function memoryLogger(): PollerLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}
