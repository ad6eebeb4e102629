import { KMSClient } from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  clientConfig,
  dynamoDbClient,
  dynamoDbDocumentClient,
  kmsClient,
  LOCAL_REGION,
  schedulerClient,
  secretsManagerClient,
  sesClient,
} from '../../../shared/adapters/aws-clients';
import { optionalEnv, requiredEnv } from '../../../shared/adapters/env';
import { DependencyError, dependencyFailure, errorName } from '../../../shared/adapters/errors';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('aws clients', () => {
  it('creates each client once per region and endpoint', () => {
    // Prepare
    vi.stubEnv('AWS_REGION', 'eu-west-1');

    // Act
    const first = kmsClient();
    const second = kmsClient();
    const local = kmsClient({ endpoint: 'http://127.0.0.1:4599' });

    // Assess
    expect(first).toBeInstanceOf(KMSClient);
    expect(second).toBe(first);
    expect(local).not.toBe(first);
    expect(kmsClient({ endpoint: 'http://127.0.0.1:4599' })).toBe(local);
    expect(sesClient()).toBe(sesClient());
    expect(schedulerClient()).toBe(schedulerClient());
    expect(secretsManagerClient()).toBe(secretsManagerClient());
    expect(dynamoDbClient()).toBe(dynamoDbClient());
    expect(dynamoDbDocumentClient()).toBe(dynamoDbDocumentClient());
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION', async () => {
    // Prepare
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', 'ap-southeast-2');

    // Act
    const client = sesClient();

    // Assess
    expect(clientConfig()).toEqual({ region: 'ap-southeast-2' });
    expect(await client.config.region()).toBe('ap-southeast-2');
  });

  it('points a client at a local endpoint with dummy credentials when the environment has none', async () => {
    // Prepare
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', '');
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_PROFILE', '');

    // Act
    const config = clientConfig({ endpoint: 'http://127.0.0.1:8000' });
    const client = dynamoDbClient({ endpoint: 'http://127.0.0.1:8000' });

    // Assess
    expect(config).toEqual({
      region: LOCAL_REGION,
      endpoint: 'http://127.0.0.1:8000',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const endpoint = await client.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(8000);
  });

  it('keeps the environment credentials when there are some', () => {
    // Prepare
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAEXAMPLE');

    // Act
    const config = clientConfig({ endpoint: 'http://127.0.0.1:8005' });

    // Assess
    expect(config).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:8005' });
  });
});

describe('env', () => {
  it('returns a required variable', () => {
    // Prepare
    vi.stubEnv('BACKCHANNEL_TEST_VAR', 'value');

    // Act / Assess
    expect(requiredEnv('BACKCHANNEL_TEST_VAR')).toBe('value');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
  ])('throws a clear error naming a %s variable', (_label, value) => {
    // Prepare
    vi.stubEnv('BACKCHANNEL_TEST_VAR', value);

    // Act / Assess
    expect(() => requiredEnv('BACKCHANNEL_TEST_VAR')).toThrow(
      'Missing required environment variable BACKCHANNEL_TEST_VAR',
    );
    expect(optionalEnv('BACKCHANNEL_TEST_VAR')).toBeUndefined();
  });
});

describe('DependencyError', () => {
  it('keeps only the class name of the failure, never its message or cause', () => {
    // Prepare
    const failure = new Error('amount 7391846250193 rejected');
    failure.name = 'ValidationException';

    // Act
    const error = dependencyFailure('kms', 'Encrypt', failure);

    // Assess
    expect(error).toBeInstanceOf(DependencyError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DependencyError');
    expect(error.message).toBe('kms Encrypt failed: ValidationException');
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain('7391846250193');
  });

  it('does not trust a name that could carry data', () => {
    // Prepare
    const odd = new Error('x');
    odd.name = 'amount 7391846250193';

    // Act / Assess
    expect(errorName(odd)).toBe('UnknownError');
    expect(errorName('a string')).toBe('UnknownError');
    expect(errorName(null)).toBe('UnknownError');
  });

  it('passes an existing DependencyError through', () => {
    // Prepare
    const original = new DependencyError('ses', 'SendEmail', 'Throttling');

    // Act / Assess
    expect(dependencyFailure('other', 'Op', original)).toBe(original);
  });
});
