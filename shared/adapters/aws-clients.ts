/**
 * One SDK client per service (per region and endpoint) for the life of the module: Lambda reuses
 * them across invocations. Region comes from AWS_REGION (set by Lambda) or AWS_DEFAULT_REGION. An
 * `endpoint` override points a client at a local twin (DynamoDB Local, the local SES v2 endpoint);
 * with an override and no credentials in the environment the client gets dummy static credentials,
 * so the local runtime never walks the credential chain (and never waits for instance metadata).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { optionalEnv } from './env';

export interface AwsClientOptions {
  /** e.g. `http://127.0.0.1:8000` for DynamoDB Local. */
  endpoint?: string;
  /** Overrides AWS_REGION / AWS_DEFAULT_REGION. */
  region?: string;
}

/** The region used when an endpoint override is given and the environment names none. */
export const LOCAL_REGION = 'us-east-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

interface ClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The constructor configuration for these options (exported for tests and custom clients). */
export function clientConfig(options: AwsClientOptions = {}): ClientConfig {
  const region = options.region ?? optionalEnv('AWS_REGION') ?? optionalEnv('AWS_DEFAULT_REGION');
  if (options.endpoint === undefined) return region === undefined ? {} : { region };
  const hasCredentials =
    optionalEnv('AWS_ACCESS_KEY_ID') !== undefined || optionalEnv('AWS_PROFILE') !== undefined;
  return {
    region: region ?? LOCAL_REGION,
    endpoint: options.endpoint,
    ...(hasCredentials ? {} : { credentials: LOCAL_CREDENTIALS }),
  };
}

function memoized<T>(create: (config: ClientConfig) => T): (options?: AwsClientOptions) => T {
  const clients = new Map<string, T>();
  return (options = {}) => {
    const config = clientConfig(options);
    const key = `${config.region ?? ''}|${config.endpoint ?? ''}`;
    let client = clients.get(key);
    if (client === undefined) {
      client = create(config);
      clients.set(key, client);
    }
    return client;
  };
}

export const kmsClient = /* @__PURE__ */ memoized((config) => new KMSClient(config));
export const sesClient = /* @__PURE__ */ memoized((config) => new SESv2Client(config));
export const schedulerClient = /* @__PURE__ */ memoized((config) => new SchedulerClient(config));
export const secretsManagerClient = /* @__PURE__ */ memoized((config) => new SecretsManagerClient(config));
export const dynamoDbClient = /* @__PURE__ */ memoized((config) => new DynamoDBClient(config));

/**
 * A document client over the shared DynamoDB client; undefined attributes are left out. It shares
 * the base client's middleware stack (a middleware added to that client sees its requests).
 */
export const dynamoDbDocumentClient = /* @__PURE__ */ memoized((config) =>
  DynamoDBDocumentClient.from(dynamoDbClient({ region: config.region, endpoint: config.endpoint }), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
