import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetSecretValueCommand,
  InternalServiceError,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
// Registers the matchers under both names (toReceive…/toHaveReceived…) and declares their types.
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../shared/adapters/errors';
import {
  FileFingerprintKey,
  keyFromSecretString,
  SecretsManagerFingerprintKey,
} from '../../../shared/adapters/fingerprint-key';

const secrets = mockClient(SecretsManagerClient);
const SECRET_ID = 'backchannel/dev/fingerprint-key';

function key(): SecretsManagerFingerprintKey {
  return new SecretsManagerFingerprintKey({
    client: new SecretsManagerClient({ region: 'eu-west-1' }),
    secretId: SECRET_ID,
  });
}

describe('SecretsManagerFingerprintKey', () => {
  beforeEach(() => {
    secrets.reset();
  });

  it('reads the secret once for two gets', async () => {
    // Prepare
    const bytes = randomBytes(48);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: bytes.toString('base64') });
    const fingerprintKey = key();

    // Act
    const first = await fingerprintKey.get();
    const second = await fingerprintKey.get();

    // Assess
    expect(first).toEqual(new Uint8Array(bytes));
    expect(second).toEqual(first);
    expect(secrets).toReceiveCommandExactlyOnceWith(GetSecretValueCommand, { SecretId: SECRET_ID });
  });

  it('shares one call between concurrent gets', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: randomBytes(32).toString('base64') });
    const fingerprintKey = key();

    // Act
    await Promise.all([fingerprintKey.get(), fingerprintKey.get(), fingerprintKey.get()]);

    // Assess
    expect(secrets).toReceiveCommandTimes(GetSecretValueCommand, 1);
  });

  it('hands out copies: a caller wiping its key does not wipe the cache', async () => {
    // Prepare
    const bytes = randomBytes(32);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: bytes.toString('base64') });
    const fingerprintKey = key();

    // Act
    (await fingerprintKey.get()).fill(0);

    // Assess
    expect(await fingerprintKey.get()).toEqual(new Uint8Array(bytes));
  });

  it('uses the UTF-8 bytes of a secret that is not base64 (a generated password)', async () => {
    // Prepare
    const password = 'Xq3!vR9#pL2@mN8$kT5%wY1^zB6&cD4*';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: password });

    // Act
    const bytes = await key().get();

    // Assess
    expect(Buffer.from(bytes).toString('utf8')).toBe(password);
  });

  it('uses SecretBinary when there is no SecretString', async () => {
    // Prepare
    const bytes = randomBytes(32);
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array(bytes) });

    // Act / Assess
    expect(await key().get()).toEqual(new Uint8Array(bytes));
  });

  it('refuses a secret shorter than 32 bytes', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'too-short' });

    // Act / Assess
    await expect(key().get()).rejects.toMatchObject({ name: 'DependencyError', reason: 'SecretTooShort' });
  });

  it('maps a Secrets Manager error to a DependencyError and tries again on the next get', async () => {
    // Prepare
    const bytes = randomBytes(32);
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new InternalServiceError({ message: 'oops', $metadata: {} }))
      .resolves({ SecretString: bytes.toString('base64') });
    const fingerprintKey = key();

    // Act
    const failure = fingerprintKey.get();
    await expect(failure).rejects.toBeInstanceOf(DependencyError);
    const retried = await fingerprintKey.get();

    // Assess
    expect(retried).toEqual(new Uint8Array(bytes));
    expect(secrets).toReceiveCommandTimes(GetSecretValueCommand, 2);
  });
});

describe('keyFromSecretString', () => {
  it.each([
    ['padded base64 of 32 bytes', randomBytes(32).toString('base64'), 32],
    ['unpadded base64 of 48 bytes', randomBytes(48).toString('base64'), 48],
    ['base64 with a trailing newline', `${randomBytes(33).toString('base64')}\n`, 33],
  ])('decodes %s', (_label, secret, length) => {
    // Act
    const bytes = keyFromSecretString(secret);

    // Assess
    expect(bytes?.byteLength).toBe(length);
  });

  it('keeps non-canonical base64 as raw bytes (no bit is dropped)', () => {
    // Prepare: 43 characters decode to 32 bytes but lose 2 bits
    const secret = 'A'.repeat(42).concat('B');

    // Act
    const bytes = keyFromSecretString(secret);

    // Assess
    expect(Buffer.from(bytes!).toString('utf8')).toBe(secret);
  });

  it('is null below 32 bytes', () => {
    // Act / Assess
    expect(keyFromSecretString(randomBytes(16).toString('base64'))).toBeNull();
    expect(keyFromSecretString('short')).toBeNull();
  });
});

describe('FileFingerprintKey', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'backchannel-fingerprint-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('creates 32 random bytes with mode 0600 on first use and reuses them', async () => {
    // Prepare
    const path = join(folder, 'keys', 'fingerprint.key');

    // Act
    const first = await new FileFingerprintKey(path).get();
    const afterRestart = await new FileFingerprintKey(path).get();

    // Assess
    expect(first.byteLength).toBe(32);
    expect(afterRestart).toEqual(first);
    expect(new Uint8Array(await readFile(path))).toEqual(first);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
