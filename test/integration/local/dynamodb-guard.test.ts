/**
 * DynamoDB Local never outlives the process that started it, and listens on the loopback only
 * (local/services/dynamodb-local.ts, dynamodb-launcher.ts, child-guard.mjs).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ensureTable, startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import { isAlive, sleep } from '../../../local/services/process';
import { dynamoClient, tempDir } from './helpers';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const HOLDER = fileURLToPath(new URL('./fixtures/hold-dynamodb.ts', import.meta.url));

/** Starts DynamoDB Local from another process; resolves with that process and DynamoDB Local's pid. */
async function holder(dataDir: string): Promise<{ process: ChildProcess; pid: number; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dataDir], {
    cwd: repoRoot,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = /ready (\d+) (\d+)/.exec(seen);
      if (match) resolve({ process: child, pid: Number(match[1]), port: Number(match[2]) });
    });
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}: ${seen}`)));
  });
}

async function gone(pid: number, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  return !isAlive(pid);
}

/** Whether a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

// Each test starts DynamoDB Local once or twice: slow on a busy machine.
describe('DynamoDB Local as a child', { timeout: 120_000 }, () => {
  it('dies with the process that started it, even when that process is SIGKILLed', async () => {
    // Prepare
    const dataDir = join(tempDir('ddb-guard-'), 'db');
    const { process: owner, pid } = await holder(dataDir);

    // Act
    owner.kill('SIGKILL');

    // Assess
    expect(await gone(pid)).toBe(true);
  });

  it('stops a DynamoDB Local left running on the same folder before it starts there', async () => {
    // Prepare: the guard killed on its own (nothing can stop DynamoDB Local now), then its owner.
    const dataDir = join(tempDir('ddb-leftover-'), 'db');
    const { process: owner, pid, port } = await holder(dataDir);
    await ensureTable(dynamoClient(`http://127.0.0.1:${port}`), 'kept');
    const { guardPid } = JSON.parse(readFileSync(join(dataDir, 'dynamodb-local.pid'), 'utf8')) as {
      guardPid: number;
    };
    process.kill(guardPid, 'SIGKILL');
    owner.kill('SIGKILL');
    await sleep(300);
    const orphaned = isAlive(pid);

    // Act
    const next = await startDynamoDbLocal({ dataDir });
    const tables = await dynamoClient(next.endpoint)
      .send(new ListTablesCommand({}))
      .finally(() => next.stop());

    // Assess
    expect(orphaned).toBe(true);
    expect(isAlive(pid)).toBe(false);
    expect(tables.TableNames).toEqual(['kept']);
  });

  it('listens on 127.0.0.1 only: another address of this machine is refused', async () => {
    // Prepare
    const local = await startDynamoDbLocal({ inMemory: true });

    // Act
    const [loopback, other] = await Promise.all([
      accepts('127.0.0.1', local.port),
      accepts('127.0.0.2', local.port),
    ]);
    await local.stop();

    // Assess
    expect(loopback).toBe(true);
    expect(other).toBe(false);
  });
});
