#!/usr/bin/env node
// Fetches DynamoDB Local (the jar shipped inside the npm package amplify-dynamodb-simulator)
// into .local/dynamodb/ when it is missing. We take only the tarball, not the package's 283
// dependencies, and check its sha512 against the registry's published integrity before use.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const INTEGRITY =
  'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const emulatorDir = join(root, '.local', 'dynamodb');
const jar = join(emulatorDir, 'DynamoDBLocal.jar');

if (existsSync(jar)) process.exit(0);

const work = mkdtempSync(join(tmpdir(), 'ddb-local-'));
try {
  const name = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop();
  const tarball = join(work, name);
  const digest = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (digest !== INTEGRITY) {
    console.error(`DynamoDB Local tarball integrity mismatch: got ${digest}`);
    process.exit(1);
  }
  execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/emulator'], { stdio: 'inherit' });
  mkdirSync(dirname(emulatorDir), { recursive: true });
  rmSync(emulatorDir, { recursive: true, force: true });
  renameSync(join(work, 'package', 'emulator'), emulatorDir);
  console.log(`DynamoDB Local installed in ${emulatorDir}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
