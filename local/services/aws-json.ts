/**
 * A minimal client for AWS JSON 1.0 protocol calls (`X-Amz-Target`), signed with Signature V4.
 * Used for the DynamoDB Streams API of DynamoDB Local: `@aws-sdk/client-dynamodb-streams` is not
 * a dependency. DynamoDB Local requires an `Authorization: AWS4-HMAC-SHA256 Credential=…` header
 * (without one: 400 MissingAuthenticationToken; a malformed one: 500) but does not check the
 * signature; we sign properly anyway, with the fake local credentials.
 */
import { createHash, createHmac } from 'node:crypto';

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The credentials every local client uses. With `-sharedDb`, DynamoDB Local ignores them. */
export const LOCAL_CREDENTIALS: LocalCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(`${type}: ${message}`);
    this.name = 'AwsJsonError';
  }
}

export interface AwsJsonClientOptions {
  endpoint: string;
  /** e.g. `DynamoDBStreams_20120810` or `DynamoDB_20120810`. */
  targetPrefix: string;
  /** The signing service name (`dynamodb` for both DynamoDB and its streams). */
  service?: string;
  region?: string;
  credentials?: LocalCredentials;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

export function createAwsJsonClient(options: AwsJsonClientOptions) {
  const url = new URL(options.endpoint);
  const service = options.service ?? 'dynamodb';
  const region = options.region ?? LOCAL_REGION;
  const credentials = options.credentials ?? LOCAL_CREDENTIALS;

  function sign(headers: Record<string, string>, body: string): string {
    const amzDate = headers['x-amz-date'] as string;
    const date = amzDate.slice(0, 8);
    const names = Object.keys(headers).sort();
    const canonicalHeaders = names.map((name) => `${name}:${headers[name]?.trim()}\n`).join('');
    const signedHeaders = names.join(';');
    const canonicalRequest = [
      'POST',
      url.pathname || '/',
      '',
      canonicalHeaders,
      signedHeaders,
      sha256(body),
    ].join('\n');
    const scope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
    const key = hmac(
      hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), region), service),
      'aws4_request',
    );
    const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
    return `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  }

  return {
    async call<T>(operation: string, input: unknown): Promise<T> {
      const body = JSON.stringify(input);
      const amzDate = new Date()
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
      const headers: Record<string, string> = {
        'content-type': 'application/x-amz-json-1.0',
        host: url.host,
        'x-amz-date': amzDate,
        'x-amz-target': `${options.targetPrefix}.${operation}`,
      };
      const authorization = sign(headers, body);
      const { host: _host, ...sent } = headers;
      const send = () => fetch(url, { method: 'POST', headers: { ...sent, authorization }, body });
      // Every operation called through this client reads (DescribeTable, DescribeStream,
      // GetShardIterator, GetRecords, ListTables): a connection the server closed while it sat
      // idle in the pool is retried once on a fresh one.
      const response = await send().catch((error: unknown) => {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return send();
        throw error;
      });
      const text = await response.text();
      const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      if (!response.ok) {
        const type = String(parsed.__type ?? 'UnknownError')
          .split('#')
          .pop() as string;
        throw new AwsJsonError(type, String(parsed.Message ?? parsed.message ?? text), response.status);
      }
      return parsed as T;
    },
  };
}
