/**
 * The HMAC key for fingerprints of request bodies (idempotency, docs/rules.md, "Who learns what"): a secret, never a
 * constant. In AWS it is a Secrets Manager secret, read once per module instance (Lambda
 * execution environment); locally a 32-byte file created with mode 0600 on first use.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { FingerprintKey } from '../ports';
import { DependencyError, dependencyFailure } from './errors';
import { readOrCreateKeyFile } from './key-file';

export const FINGERPRINT_KEY_MIN_BYTES = 32;
const FILE_KEY_BYTES = 32;

/**
 * The key bytes of a secret string (surrounding whitespace ignored): its base64 decoding when it is
 * canonical base64 (re-encoding gives it back, so no bit is dropped) of at least 32 bytes (e.g.
 * `openssl rand -base64 48`), else its UTF-8 bytes (e.g. a generated password). At least 32
 * bytes either way, else null.
 */
export function keyFromSecretString(secret: string): Uint8Array | null {
  const trimmed = secret.trim();
  const decoded = Buffer.from(trimmed, 'base64');
  if (decoded.byteLength >= FINGERPRINT_KEY_MIN_BYTES && decoded.toString('base64') === trimmed) {
    return new Uint8Array(decoded);
  }
  const raw = Buffer.from(trimmed, 'utf8');
  return raw.byteLength >= FINGERPRINT_KEY_MIN_BYTES ? new Uint8Array(raw) : null;
}

export interface SecretsManagerFingerprintKeyOptions {
  client: SecretsManagerClient;
  /** The secret's name or ARN. */
  secretId: string;
}

export class SecretsManagerFingerprintKey implements FingerprintKey {
  private readonly client: SecretsManagerClient;
  private readonly secretId: string;
  private cached: Promise<Uint8Array> | undefined;

  constructor(options: SecretsManagerFingerprintKeyOptions) {
    this.client = options.client;
    this.secretId = options.secretId;
  }

  /**
   * One GetSecretValue for the life of this instance (concurrent calls share it; a failure is not
   * cached). Each call returns its own copy of the key.
   */
  get(): Promise<Uint8Array> {
    if (this.cached === undefined) {
      this.cached = this.load();
      this.cached.catch(() => {
        this.cached = undefined;
      });
    }
    return this.cached.then((key) => key.slice());
  }

  private async load(): Promise<Uint8Array> {
    let secretString: string | undefined;
    let secretBinary: Uint8Array | undefined;
    try {
      const output = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
      secretString = output.SecretString;
      secretBinary = output.SecretBinary;
    } catch (error) {
      throw dependencyFailure('secrets-manager', 'GetSecretValue', error);
    }
    const key =
      secretString !== undefined
        ? keyFromSecretString(secretString)
        : secretBinary !== undefined && secretBinary.byteLength >= FINGERPRINT_KEY_MIN_BYTES
          ? new Uint8Array(secretBinary)
          : null;
    if (key === null) throw new DependencyError('secrets-manager', 'GetSecretValue', 'SecretTooShort');
    return key;
  }
}

/** Local runtime: 32 random bytes in `path`, created with mode 0600 (folder included) on first use. */
export class FileFingerprintKey implements FingerprintKey {
  private cached: Promise<Uint8Array> | undefined;

  constructor(private readonly path: string) {}

  get(): Promise<Uint8Array> {
    if (this.cached === undefined) {
      this.cached = readOrCreateKeyFile(this.path, FILE_KEY_BYTES);
      this.cached.catch(() => {
        this.cached = undefined;
      });
    }
    return this.cached.then((key) => key.slice());
  }
}
