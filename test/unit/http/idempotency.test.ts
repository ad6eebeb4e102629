import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HttpError } from '../../../shared/http/errors';
import {
  canonicalBody,
  canonicalJson,
  IDEMPOTENCY_TTL_SECONDS,
  Idempotency,
  LEASE_MS,
} from '../../../shared/http/idempotency';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    // Act
    const text = canonicalJson({ b: 1, a: { z: [3, { y: 2, x: 1 }], c: null } });

    // Assess
    expect(text).toBe('{"a":{"c":null,"z":[3,{"x":1,"y":2}]},"b":1}');
  });

  it('gives JSON-equal values one form, whatever the key order', () => {
    // Act
    const one = canonicalJson({ title: 't', invite: { respondent: 'r@x.com', mediator: 'm@x.com' } });
    const two = canonicalJson({ invite: { mediator: 'm@x.com', respondent: 'r@x.com' }, title: 't' });

    // Assess
    expect(one).toBe(two);
  });

  it('drops undefined members and keeps scalars as JSON', () => {
    // Act & Assess
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
    expect(canonicalJson('é"\n')).toBe(JSON.stringify('é"\n'));
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson([])).toBe('[]');
  });

  it('compares keys by code unit, so the order does not depend on the locale', () => {
    // Act & Assess
    expect(canonicalJson({ b: 1, B: 2, a: 3, é: 4 })).toBe('{"B":2,"a":3,"b":1,"é":4}');
  });
});

describe('canonicalBody', () => {
  it('makes bodies that differ only in spacing, key order or number notation equal', () => {
    // Act
    const forms = ['{"amount":1000}', '{ "amount" : 1e3 }', '{\n  "amount": 1000.0\n}'].map(canonicalBody);

    // Assess
    expect(new Set(forms).size).toBe(1);
  });

  it('keeps different values different', () => {
    // Act & Assess
    expect(canonicalBody('{"amount":1000}')).not.toBe(canonicalBody('{"amount":1001}'));
    expect(canonicalBody('{"amount":1000}')).not.toBe(canonicalBody('{"amount":"1000"}'));
    expect(canonicalBody('[1,2]')).not.toBe(canonicalBody('[2,1]'));
  });

  it('treats no body and an empty body alike, and compares a body that is not JSON as it is', () => {
    // Act & Assess
    expect(canonicalBody(undefined)).toBe('');
    expect(canonicalBody('')).toBe('');
    expect(canonicalBody('{"amount":')).toBe('raw:{"amount":');
    // A non-JSON body never equals the JSON body it resembles.
    expect(canonicalBody('raw:1')).not.toBe(canonicalBody('1'));
  });
});

describe('Idempotency', () => {
  const db = mockClient(DynamoDBDocumentClient);
  const secret = { get: async () => new Uint8Array(32).fill(9) };
  const idempotency = () =>
    new Idempotency(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
      'table',
      secret,
    );
  const request = (overrides: Partial<Parameters<Idempotency['begin']>[0]> = {}) => ({
    user: 'sub-1',
    method: 'PUT',
    path: '/sessions/abc/number',
    key: 'client-key-42',
    rawBody: '{"amount":4817263}',
    now: 1_800_000_000_000,
    ...overrides,
  });

  beforeEach(() => {
    db.reset();
  });

  /** The conditional put fails because `item` holds the key; DynamoDB returns it (ALL_OLD). */
  const heldBy = (item: Record<string, unknown>) =>
    db.on(PutCommand).rejects(
      Object.assign(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }), {
        Item: marshall(item),
      }),
    );

  it('claims a free key in one conditional put of an HMAC-keyed record that holds neither key nor body', async () => {
    // Prepare
    db.on(PutCommand).resolves({});

    // Act
    const started = await idempotency().begin(request());

    // Assess
    expect('guard' in started).toBe(true);
    const put = db.commandCalls(PutCommand)[0]!.args[0].input;
    expect(db.calls()).toHaveLength(1);
    expect(put.ConditionExpression).toBe(
      'attribute_not_exists(pk) OR keptUntil <= :now OR (fingerprint = :fp AND #status = :running AND leaseUntil <= :now)',
    );
    expect(put.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(put.Item).toMatchObject({
      sk: 'IDEMPOTENCY',
      status: 'in_progress',
      leaseUntil: request().now + LEASE_MS,
      expiresAt: Math.ceil(request().now / 1000) + IDEMPOTENCY_TTL_SECONDS,
    });
    const stored = JSON.stringify(put.Item);
    expect(stored).not.toContain('client-key-42');
    expect(stored).not.toContain('sub-1');
    expect(stored).not.toContain('4817263');
    const plain = createHash('sha256').update(canonicalBody(request().rawBody)).digest('base64url');
    expect(put.Item!.fingerprint).not.toBe(plain);
  });

  it('scopes the record to (user, method, path, key)', async () => {
    // Prepare
    db.on(PutCommand).resolves({});
    const keys: string[] = [];

    // Act
    for (const overrides of [
      {},
      { user: 'sub-2' },
      { method: 'POST' },
      { path: '/sessions/xyz/number' },
      { key: 'k2' },
    ]) {
      await idempotency().begin(request(overrides));
    }
    for (const call of db.commandCalls(PutCommand)) keys.push(String(call.args[0].input.Item!.pk));

    // Assess
    expect(new Set(keys).size).toBe(5);
  });

  it('replays a finished request with a JSON-equal body', async () => {
    // Prepare
    db.on(PutCommand).resolves({});
    await idempotency().begin(request());
    const first = db.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    const response = { statusCode: 202, body: { accepted: true, submittedAt: '2027-01-15T08:00:00Z' } };
    db.reset();
    heldBy({ ...first, status: 'done', response: JSON.stringify(response), keptUntil: request().now + 1000 });

    // Act
    const started = await idempotency().begin(request({ rawBody: '{ "amount": 4817263.0 }' }));

    // Assess
    expect(started).toEqual({ replay: response });
    expect(db.calls()).toHaveLength(1);
  });

  it('answers 422 to another body and 409 while the first request holds its lease', async () => {
    // Prepare
    db.on(PutCommand).resolves({});
    await idempotency().begin(request());
    const first = db.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    db.reset();
    heldBy({ ...first, keptUntil: request().now + 1000 });

    // Act
    const other = await idempotency()
      .begin(request({ rawBody: '{"amount":4817264}' }))
      .catch((e: HttpError) => e);
    const same = await idempotency()
      .begin(request())
      .catch((e: HttpError) => e);

    // Assess
    expect(other).toMatchObject({ statusCode: 422, code: 'idempotency_key_reused' });
    expect(same).toMatchObject({ statusCode: 409, code: 'request_in_progress' });
    expect((other as HttpError).message).not.toContain('4817264');
  });

  it('takes over an expired record or its own stale lease in the same conditional put', async () => {
    // Prepare: what the condition admits, evaluated as DynamoDB would on each stored record.
    db.on(PutCommand).resolves({});
    await idempotency().begin(request());
    const put = db.commandCalls(PutCommand)[0]!.args[0].input;
    const values = put.ExpressionAttributeValues!;
    const admits = (
      held: { keptUntil: number; fingerprint: string; status: string; leaseUntil: number } | null,
    ) =>
      held === null ||
      held.keptUntil <= values[':now'] ||
      (held.fingerprint === values[':fp'] &&
        held.status === values[':running'] &&
        held.leaseUntil <= values[':now']);
    const now = request().now;
    const fp = String(put.Item!.fingerprint);

    // Act & Assess
    expect(admits(null)).toBe(true);
    expect(admits({ keptUntil: now, fingerprint: 'other', status: 'done', leaseUntil: 0 })).toBe(true);
    expect(admits({ keptUntil: now + 1, fingerprint: fp, status: 'in_progress', leaseUntil: now - 1 })).toBe(
      true,
    );
    expect(admits({ keptUntil: now + 1, fingerprint: fp, status: 'in_progress', leaseUntil: now + 1 })).toBe(
      false,
    );
    expect(
      admits({ keptUntil: now + 1, fingerprint: 'other', status: 'in_progress', leaseUntil: now - 1 }),
    ).toBe(false);
    expect(admits({ keptUntil: now + 1, fingerprint: fp, status: 'done', leaseUntil: now - 1 })).toBe(false);
  });

  it('answers 409 when the key is held and DynamoDB returns no record', async () => {
    // Prepare
    db.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    // Act
    const error = await idempotency()
      .begin(request())
      .catch((e: HttpError) => e);

    // Assess
    expect(error).toMatchObject({ statusCode: 409, code: 'request_in_progress' });
    expect(db.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('gives a guard that completes in the change’s transaction, alone, or releases the key', async () => {
    // Prepare
    db.on(PutCommand).resolves({});
    db.on(DeleteCommand).resolves({});
    const started = await idempotency().begin(request());
    if (!('guard' in started)) throw new Error('expected a guard');
    const leaseId = db.commandCalls(PutCommand)[0]!.args[0].input.Item!.leaseId;
    const response = { statusCode: 202, body: { accepted: true } };

    // Act
    const item = started.guard.completeWith(response).atomicWrite as { Put: Record<string, unknown> };
    await started.guard.completeAlone({ statusCode: 409, body: { error: { code: 'x', message: 'y' } } });
    await started.guard.release();

    // Assess
    expect(item.Put).toMatchObject({
      TableName: 'table',
      ConditionExpression: 'leaseId = :lease',
      ExpressionAttributeValues: { ':lease': leaseId },
      Item: { status: 'done', response: JSON.stringify(response) },
    });
    expect(db.commandCalls(PutCommand)[1]!.args[0].input).toMatchObject({
      ConditionExpression: 'leaseId = :lease',
      Item: { status: 'done' },
    });
    expect(db.commandCalls(DeleteCommand)[0]!.args[0].input).toMatchObject({
      ConditionExpression: 'leaseId = :lease',
      ExpressionAttributeValues: { ':lease': leaseId },
    });
  });
});
