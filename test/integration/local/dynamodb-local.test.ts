import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  ensureTable,
  JAVA_REQUIRED_MESSAGE,
  startDynamoDbLocal,
} from '../../../local/services/dynamodb-local';
import { PortInUseError } from '../../../local/services/process';
import { TABLE } from '../../../shared/table/definition';
import { dynamoClient, tempDir } from './helpers';

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('ensureTable', () => {
  it('creates the table from its definition, ACTIVE, with stream and indexes', async () => {
    // Prepare
    const client = dynamoClient();
    const name = `ensure-${Date.now()}`;

    // Act
    const result = await ensureTable(client, name);

    // Assess
    expect(result.created).toBe(true);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toMatch(/^arn:aws:dynamodb:/);
    expect(Table?.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      Object.values(TABLE.indexes)
        .map((index) => index.name)
        .sort(),
    );
  });

  it('leaves an existing table as it is', async () => {
    // Prepare
    const client = dynamoClient();
    const name = `ensure-again-${Date.now()}`;
    const first = await ensureTable(client, name);

    // Act
    const second = await ensureTable(client, name);

    // Assess
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.table.LatestStreamArn).toBe(first.table.LatestStreamArn);
  });
});

describe('startDynamoDbLocal', () => {
  it('refuses a busy port with a clear error, before starting Java', async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as { port: number }).port;

    // Act
    const attempt = startDynamoDbLocal({ inMemory: true, port });

    // Assess
    await expect(attempt).rejects.toThrow(PortInUseError);
    await expect(attempt).rejects.toThrow(`port ${port} is already in use`);
    blocker.close();
  });

  it('tells how to install Java when it is missing', async () => {
    // Prepare
    const saved = { PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME };
    process.env.PATH = '/nonexistent';
    delete process.env.JAVA_HOME;

    // Act
    const attempt = startDynamoDbLocal({ inMemory: true });

    // Assess
    try {
      await expect(attempt).rejects.toThrow(JAVA_REQUIRED_MESSAGE);
      expect(JAVA_REQUIRED_MESSAGE).toContain('apt-get install openjdk-17-jre-headless');
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.JAVA_HOME !== undefined) process.env.JAVA_HOME = saved.JAVA_HOME;
    }
  });

  it('stores data in dataDir, and stop() leaves no Java process', async () => {
    // Prepare
    const dataDir = join(tempDir('ddb-data-'), 'db');
    const local = await startDynamoDbLocal({ dataDir });

    // Act
    await ensureTable(dynamoClient(local.endpoint), 'persisted');
    await local.stop();

    // Assess
    expect(isAlive(local.pid)).toBe(false);
    // -sharedDb keeps every table in one SQLite file, which a restart on the same folder reopens.
    expect(readdirSync(dataDir)).toEqual(['shared-local-instance.db']);
  });
});
