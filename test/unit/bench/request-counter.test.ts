import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  countRequests,
  operationName,
  REQUEST_COUNTER_MIDDLEWARE,
  RequestCounter,
  type RequestRecord,
  serviceName,
} from '../../../bench/lib/request-counter';
import { dynamoDbClient, dynamoDbDocumentClient, kmsClient } from '../../../shared/adapters/aws-clients';

/** A canned HTTP answer per attempt, in order (the last one repeats); no network. */
function cannedHandler(answers: { status: number; body: unknown }[]) {
  let attempt = 0;
  return {
    attempts: () => attempt,
    handler: {
      handle: async () => {
        const answer = answers[Math.min(attempt, answers.length - 1)]!;
        attempt++;
        return {
          response: {
            statusCode: answer.status,
            reason: '',
            headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `r${attempt}` },
            body: Readable.from([Buffer.from(JSON.stringify(answer.body))]),
          },
        };
      },
    },
  };
}

const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('RequestCounter', () => {
  it('names services and operations after the client and the command', () => {
    // Act / Assess
    expect(serviceName('DynamoDBClient')).toBe('DynamoDB');
    expect(serviceName('SESv2Client')).toBe('SESv2');
    expect(serviceName(undefined)).toBe('Unknown');
    expect(operationName('TransactWriteItemsCommand')).toBe('TransactWriteItems');
    expect(operationName(undefined)).toBe('Unknown');
  });

  it('counts each call of a document client once, under the base operation, with its input and output', async () => {
    // Prepare
    const canned = cannedHandler([{ status: 200, body: { Item: { pk: { S: 'a' }, n: { N: '1' } } } }]);
    const base = new DynamoDBClient({ ...LOCAL, requestHandler: canned.handler });
    const doc = DynamoDBDocumentClient.from(base);
    const seen: RequestRecord[] = [];
    const counter = new RequestCounter({ onRequest: (r) => seen.push(r) });
    counter.attach(base);

    // Act
    const out = await doc.send(new GetCommand({ TableName: 'tbl', Key: { pk: 'a' } }));
    await doc.send(new GetCommand({ TableName: 'tbl', Key: { pk: 'a' } }));

    // Assess
    expect(out.Item).toEqual({ pk: 'a', n: 1 });
    expect(counter.snapshot()).toEqual([
      {
        service: 'DynamoDB',
        operation: 'GetItem',
        calls: 2,
        requests: 2,
        errors: {},
        totalMs: expect.any(Number),
      },
    ]);
    expect(seen[0]).toMatchObject({ service: 'DynamoDB', operation: 'GetItem', attempts: 1 });
    expect(seen[0]!.input).toEqual({ TableName: 'tbl', Key: { pk: 'a' } });
    expect(seen[0]!.output).toMatchObject({ Item: { pk: 'a', n: 1 } });
  });

  it('counts retried attempts as requests and failures by error name', async () => {
    // Prepare
    const canned = cannedHandler([
      { status: 500, body: { __type: 'InternalServerError', message: 'boom' } },
      { status: 400, body: { __type: 'ConditionalCheckFailedException', message: 'no' } },
    ]);
    const base = new DynamoDBClient({ ...LOCAL, requestHandler: canned.handler, maxAttempts: 3 });
    const counter = new RequestCounter();
    counter.attach(base);
    const doc = DynamoDBDocumentClient.from(base);

    // Act
    const failure = await doc
      .send(
        new PutCommand({
          TableName: 'tbl',
          Item: { pk: 'a' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect((failure as Error).name).toBe('ConditionalCheckFailedException');
    expect(canned.attempts()).toBe(2);
    expect(counter.snapshot()).toEqual([
      {
        service: 'DynamoDB',
        operation: 'PutItem',
        calls: 1,
        requests: 2,
        errors: { ConditionalCheckFailedException: 1 },
        totalMs: expect.any(Number),
      },
    ]);
    expect(counter.requests('DynamoDB')).toBe(2);
    expect(counter.requests('DynamoDB', 'GetItem')).toBe(0);
  });

  it('attaches once per client, detaches, records calls made without a client and resets', async () => {
    // Prepare
    const canned = cannedHandler([{ status: 200, body: { CiphertextBlob: 'AAAA', KeyId: 'k' } }]);
    const kms = new KMSClient({ ...LOCAL, requestHandler: canned.handler });
    const counter = new RequestCounter();
    counter.attach(kms);
    const detach = counter.attach(kms);
    const encrypt = () => kms.send(new EncryptCommand({ KeyId: 'k', Plaintext: new Uint8Array(8) }));

    // Act
    await encrypt();
    detach();
    await encrypt();
    counter.record('KMS', 'Decrypt');

    // Assess
    expect(counter.snapshot().map((c) => [c.operation, c.requests])).toEqual([
      ['Decrypt', 1],
      ['Encrypt', 1],
    ]);
    counter.reset();
    expect(counter.snapshot()).toEqual([]);
  });

  it('never lets an observer that throws change the answer', async () => {
    // Prepare
    const canned = cannedHandler([{ status: 200, body: {} }]);
    const base = new DynamoDBClient({ ...LOCAL, requestHandler: canned.handler });
    const counter = new RequestCounter({
      onRequest: () => {
        throw new Error('observer bug');
      },
    });
    counter.attach(base);

    // Act
    const out = await DynamoDBDocumentClient.from(base).send(
      new GetCommand({ TableName: 'tbl', Key: { pk: 'x' } }),
    );

    // Assess
    expect(out.Item).toBeUndefined();
    expect(counter.requests('DynamoDB', 'GetItem')).toBe(1);
  });
});

describe("countRequests (the handlers' clients)", () => {
  it('attaches to the very clients the product uses for the local endpoints, and detaches', () => {
    // Prepare: the product's memoized clients for the endpoints in the environment.
    vi.stubEnv('AWS_REGION', 'eu-north-1');
    vi.stubEnv('DYNAMODB_ENDPOINT', 'http://127.0.0.1:4602');
    const db = dynamoDbClient({ endpoint: 'http://127.0.0.1:4602' });
    const doc = dynamoDbDocumentClient({ endpoint: 'http://127.0.0.1:4602' });
    const kms = kmsClient();
    const attach = vi.spyOn(RequestCounter.prototype, 'attach');
    const detach = vi.spyOn(RequestCounter.prototype, 'detach');

    // Act
    const stop = countRequests(new RequestCounter());
    stop();

    // Assess: the base DynamoDB client (its document client shares its stack) and the KMS client.
    expect(attach).toHaveBeenCalledWith(db);
    expect(attach).toHaveBeenCalledWith(kms);
    expect(attach).not.toHaveBeenCalledWith(doc);
    expect(detach).toHaveBeenCalledWith(db);
    expect(detach).toHaveBeenCalledWith(kms);
    attach.mockRestore();
    detach.mockRestore();
  });

  it('puts the counter outermost on the stack under a fixed name', () => {
    // Prepare
    const client = new KMSClient(LOCAL);
    const counter = new RequestCounter();

    // Act
    counter.attach(client);

    // Assess
    expect(client.middlewareStack.identify().some((m) => m.startsWith(REQUEST_COUNTER_MIDDLEWARE))).toBe(
      true,
    );
    counter.detach(client);
    expect(client.middlewareStack.identify().some((m) => m.startsWith(REQUEST_COUNTER_MIDDLEWARE))).toBe(
      false,
    );
  });
});
