/**
 * What every route shares (openapi.yaml): 413 before 401, 401 without a token or a verified email,
 * and `Idempotency-Key` — scoped to (user, method, path), JSON-equal replay, 422 on another body,
 * 409 while in flight, the record in the change's transaction, 5xx never stored.
 */
import { createHash } from 'node:crypto';
import { ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, freshEmail, ROUTES } from '../../support/api-harness';
import { sessionFlows } from '../../support/session-flows';

let api: ApiHarness;
let flows: ReturnType<typeof sessionFlows>;

beforeAll(async () => {
  api = await createApiHarness();
  flows = sessionFlows(api);
});

const concrete = (path: string) =>
  path.replace('{id}', 'AAAAAAAAAAAAAAAAAAAAAA').replace('{email}', 'x%40example.com');
const sessionCount = async (as: string) => (await api.call('GET', '/sessions', { as })).body.sessions.length;
const create = (as: string, body: unknown, key: string) =>
  api.call('POST', '/sessions', { as, body, headers: { 'Idempotency-Key': key } });
const newSession = (title = 'Keyed') => ({ title, currency: 'EUR', myRole: 'respondent', invite: {} });

describe('authentication', () => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r]))(
    '%s answers 401 without a token',
    async (_, route) => {
      // Act
      const res = await api.call(route.method, concrete(route.path), {
        as: null,
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }),
      });

      // Assess
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    },
  );

  it('answers 401 to a token whose email is not verified, and creates nothing', async () => {
    // Prepare
    const me = freshEmail('unverified');

    // Act
    const res = await api.call('POST', '/sessions', { as: me, emailVerified: false, body: newSession() });

    // Assess
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(await sessionCount(me)).toBe(0);
  });
});

describe('body size', () => {
  it('answers 413 to a body over 64 KiB, before checking the token', async () => {
    // Prepare
    const body = JSON.stringify({ text: 'x'.repeat(64 * 1024) });

    // Act
    const noToken = await api.call('PUT', '/sessions/AAAAAAAAAAAAAAAAAAAAAA/terms', { as: null, body });
    const number = await api.call('PUT', '/sessions/AAAAAAAAAAAAAAAAAAAAAA/number', {
      as: freshEmail('x'),
      body: `{"amount": 1${' '.repeat(64 * 1024)}}`,
    });

    // Assess
    for (const res of [noToken, number]) {
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
    }
  });

  it('takes a body of exactly 64 KiB to the next check', async () => {
    // Prepare: 64 KiB of valid JSON whose title is too long.
    const skeleton = JSON.stringify({ ...newSession(), title: '' });
    const body = JSON.stringify({ ...newSession(), title: 't'.repeat(64 * 1024 - skeleton.length) });

    // Act
    const res = await api.call('POST', '/sessions', { as: freshEmail('x'), body });

    // Assess
    expect(Buffer.byteLength(body)).toBe(64 * 1024);
    expect(res.status).toBe(400);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response to a retry with the same body, and changes nothing', async () => {
    // Prepare
    const me = freshEmail('retry');
    const first = await create(me, newSession(), 'key-1');

    // Act
    const retry = await create(me, newSession(), 'key-1');

    // Assess
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.rawBody).toBe(first.rawBody);
    expect(await sessionCount(me)).toBe(1);
  });

  it('replays to a JSON-equal body with its keys in another order and other spacing', async () => {
    // Prepare
    const me = freshEmail('reorder');
    const first = await create(
      me,
      '{"title":"Keyed","currency":"EUR","myRole":"respondent","invite":{}}',
      'k',
    );

    // Act
    const retry = await create(
      me,
      '{ "invite": {},\n  "myRole": "respondent", "currency": "EUR", "title": "Keyed" }',
      'k',
    );

    // Assess
    expect(retry.rawBody).toBe(first.rawBody);
    expect(await sessionCount(me)).toBe(1);
  });

  it('answers 422 idempotency_key_reused to the same key with another body', async () => {
    // Prepare
    const me = freshEmail('reuse');
    await create(me, newSession('One'), 'key');

    // Act
    const res = await create(me, newSession('Two'), 'key');

    // Assess
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('idempotency_key_reused');
    expect(await sessionCount(me)).toBe(1);
  });

  it('scopes a key to the user and the path', async () => {
    // Prepare
    const alice = freshEmail('alice');
    const bob = freshEmail('bob');
    const s = await flows.opened();
    await create(alice, newSession(), 'shared');

    // Act
    const otherUser = await create(bob, newSession(), 'shared');
    const otherPath = await api.call('PUT', `/sessions/${s.id}/number`, {
      as: s.claimant,
      body: { amount: 1234 },
      headers: { 'idempotency-key': 'shared' },
    });
    const otherPathUser = await api.call('PUT', `/sessions/${s.id}/number`, {
      as: s.respondent,
      body: { amount: 1234 },
      headers: { 'idempotency-key': 'shared' },
    });

    // Assess
    expect(otherUser.status).toBe(201);
    expect(await sessionCount(bob)).toBe(1);
    expect(otherPath.status).toBe(202);
    expect(otherPathUser.status).toBe(202);
  });

  it('lets one of two concurrent requests with the same key win; the other is told to wait or replayed', async () => {
    // Prepare
    const me = freshEmail('race');

    // Act
    const results = await Promise.all([create(me, newSession(), 'race'), create(me, newSession(), 'race')]);

    // Assess
    const statuses = results.map((r) => r.status).sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    const loser = results.find((r) => r.status === 409);
    if (loser) expect(loser.body.error.code).toBe('request_in_progress');
    else expect(results[0]!.rawBody).toBe(results[1]!.rawBody);
    expect(await sessionCount(me)).toBe(1);
  });

  it('accepts a number once per key: one seq, one audit entry, the same 202', async () => {
    // Prepare
    const s = await flows.opened();
    const put = () =>
      api.call('PUT', `/sessions/${s.id}/number`, {
        as: s.claimant,
        body: { amount: 31415926 },
        headers: { 'Idempotency-Key': 'number-1' },
      });
    const first = await put();

    // Act
    const retry = await put();

    // Assess
    expect(retry.status).toBe(202);
    expect(retry.rawBody).toBe(first.rawBody);
    const items = await api.sessionItems(s.id);
    expect(items.find((i) => i.sk === 'SESSION')!.seq).toBe(1);
    expect(items.filter((i) => i.event === 'NumberAccepted')).toHaveLength(1);
  });

  it('keeps a 4xx answer for its key: the retry replays it even once the request would succeed', async () => {
    // Prepare
    const s = await flows.joined();
    const put = (key: string) =>
      api.call('PUT', `/sessions/${s.id}/number`, {
        as: s.claimant,
        body: { amount: 27182818 },
        headers: { 'Idempotency-Key': key },
      });
    const early = await put('early');
    for (const as of [s.claimant, s.respondent]) {
      await api.call('POST', `/sessions/${s.id}/terms/accept`, { as, body: { version: 0 } });
    }

    // Act
    const retry = await put('early');
    const fresh = await put('fresh');

    // Assess
    expect(early.status).toBe(409);
    expect(retry.rawBody).toBe(early.rawBody);
    expect(fresh.status).toBe(202);
  });

  it('stores the record under an HMAC of the key and an HMAC of the body, never a plain hash or the amount', async () => {
    // Prepare
    const s = await flows.opened();
    const body = { amount: 86420135 };

    // Act
    await api.call('PUT', `/sessions/${s.id}/number`, {
      as: s.claimant,
      body,
      headers: { 'Idempotency-Key': 'idem-key-5c1e' },
    });

    // Assess
    const { Items = [] } = await api.dynamo.send(
      new ScanCommand({
        TableName: api.tableName,
        FilterExpression: '#t = :t',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':t': { S: 'idempotency' } },
      }),
    );
    const records = Items.map((i) => unmarshall(i));
    const record = records.find((r) => String(r.response).includes('"statusCode":202'))!;
    expect(record).toMatchObject({ status: 'done', expiresAt: expect.any(Number) });
    const serialized = JSON.stringify(record);
    expect(serialized).not.toContain('86420135');
    expect(serialized).not.toContain('idem-key-5c1e');
    for (const form of ['{"amount":86420135}', JSON.stringify(body)]) {
      for (const encoding of ['hex', 'base64', 'base64url'] as const) {
        expect(serialized).not.toContain(createHash('sha256').update(form).digest(encoding));
      }
    }
    // Kept 24 h (TTL is housekeeping: expiry is also checked by time).
    expect(record.expiresAt).toBeGreaterThan(Date.now() / 1000 + 23 * 3600);
  });

  it('rejects a key longer than 255 characters with 400', async () => {
    // Act
    const res = await create(freshEmail('long'), newSession(), 'k'.repeat(256));

    // Assess
    expect(res.status).toBe(400);
  });

  it('does not store a 5xx: the retry runs again', async () => {
    // Prepare: a withdrawal behind an unevaluated number gives up with 503.
    const s = await flows.opened();
    await api.call('PUT', `/sessions/${s.id}/number`, { as: s.claimant, body: { amount: 99 } });
    const withdraw = () =>
      api.call('POST', `/sessions/${s.id}/withdraw`, {
        as: s.respondent,
        body: {},
        headers: { 'Idempotency-Key': 'withdraw' },
      });
    const first = await withdraw();
    // The number is evaluated (written here as match would write it).
    await api.dynamo.send(
      new UpdateItemCommand({
        TableName: api.tableName,
        Key: { pk: { S: `SESSION#${s.id}` }, sk: { S: 'SESSION' } },
        UpdateExpression:
          'SET evaluatedSeq = :one, pendingMoves = :none, standingSeq.claimant = :one, rev = rev + :one REMOVE matchDue',
        ExpressionAttributeValues: { ':one': { N: '1' }, ':none': { L: [] } },
      }),
    );

    // Act
    const retry = await withdraw();

    // Assess
    expect(first.status).toBe(503);
    expect(retry.status).toBe(200);
    expect(retry.body.phase).toBe('withdrawn');
  });

  it('is ignored on a GET', async () => {
    // Prepare
    const me = freshEmail('get');
    const list = () => api.call('GET', '/sessions', { as: me, headers: { 'Idempotency-Key': 'get' } });
    const before = await list();
    await flows.create(me);

    // Act
    const after = await list();

    // Assess
    expect(before.body.sessions).toHaveLength(0);
    expect(after.body.sessions).toHaveLength(1);
  });
});
