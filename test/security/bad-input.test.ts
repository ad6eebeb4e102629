/**
 * Bad input: hand-written and generated (fast-check) requests that must each be answered with a
 * 4xx JSON error `{"error": {"code", "message"}}` that never repeats what was sent, and leave the
 * table exactly as it was. The only write a 4xx may cause is the record of an Idempotency-Key
 * (openapi.yaml: 4xx answers are kept for the key), and the tests account for it explicitly.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCurrency } from '../../shared/engine';
import {
  type Caller,
  type CapturedRuntime,
  type RecordedResponse,
  type SendOptions,
  startCapturedRuntime,
  toJson,
} from '../support/capture';
import {
  expectStatus,
  freshEmail,
  joinedSession,
  openStep2,
  parties,
  type Session,
  submit,
  untilPhase,
} from './helpers';

let rt: CapturedRuntime;
let open: Session;
let setup: Session;
/** Step 3 with a mediator's proposal open: where a valid proposal body would change something. */
let proposing: Session;
let creator: Caller;
let tried = 0;

/** The table as a set of items, each serialized (order-independent). */
async function snapshot(): Promise<Map<string, string>> {
  const items = await rt.scan();
  return new Map(items.map((item) => [`${item.pk?.S}|${item.sk?.S}`, toJson(item)]));
}

let baseline: Map<string, string>;

/** Differences between the baseline and now: added, removed and changed items (by key). */
function diff(before: Map<string, string>, after: Map<string, string>) {
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k));
  return { added, removed, changed };
}

/** Digit runs of 6 or more in what was sent: an error must never repeat them. */
const digitRuns = (text: string) => [...new Set(text.match(/\d{6,}/g) ?? [])];

interface Case {
  name: string;
  method: string;
  path: () => string;
  /** Who sends it (default: the claimant of the session the path names). */
  as?: () => Caller;
  body?: string | Buffer;
  /** Headers and the like (a function when it needs the fixtures, which exist only at run time). */
  options?: Omit<SendOptions, 'body'> | (() => Omit<SendOptions, 'body'>);
  /** The exact status, when openapi.yaml fixes it; any 4xx otherwise. */
  status?: number;
  code?: string;
  /** The request carries an Idempotency-Key that is stored with its 4xx answer. */
  storesKey?: boolean;
}

/** Sends a bad request and checks: 4xx, JSON error, nothing echoed, the table unchanged. */
async function attempt(c: Case): Promise<RecordedResponse> {
  tried++;
  const sender = c.as?.() ?? open.claimant;
  const options = typeof c.options === 'function' ? c.options() : c.options;
  const res = await rt.send(sender, c.method, c.path(), {
    ...options,
    ...(c.body === undefined ? {} : { body: c.body }),
  });
  const label = `${c.name}: ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, label).toBeGreaterThanOrEqual(400);
  expect(res.status, label).toBeLessThan(500);
  if (c.status !== undefined) expect(res.status, label).toBe(c.status);
  if (c.code !== undefined) expect(res.json?.error?.code, label).toBe(c.code);
  expect(res.headers['content-type'], label).toMatch(/^application\/json/);
  expect(res.json, label).toEqual({
    error: { code: expect.stringMatching(/^[a-z][a-z_]*$/), message: expect.any(String) },
  });
  // The largest amount is part of a rule's own sentence ("from 1 to 1000000000000000"): it is the
  // rule, not an echo, wherever it appears.
  const shown = res.text.replaceAll('from 1 to 1000000000000000', 'from 1 to <max>');
  for (const run of digitRuns(c.body === undefined ? '' : c.body.toString())) {
    expect(shown, `${c.name}: the error repeats ${run}`).not.toContain(run);
  }
  const now = await snapshot();
  const changes = diff(baseline, now);
  if (c.storesKey) {
    // Exactly one new item: the key's record, holding this 4xx answer, and nothing else changed.
    expect(changes.removed, label).toEqual([]);
    expect(changes.changed, label).toEqual([]);
    expect(changes.added, label).toHaveLength(1);
    const record = JSON.parse(now.get(changes.added[0]!)!) as Record<string, { S?: string }>;
    expect(record.pk?.S, label).toMatch(/^IDEMPOTENCY#/);
    expect(record.status?.S, label).toBe('done');
    expect(JSON.parse(record.response!.S!), label).toEqual({ statusCode: res.status, body: res.json });
    baseline = now;
  } else {
    expect(changes, label).toEqual({ added: [], removed: [], changed: [] });
  }
  return res;
}

const number = () => `/sessions/${open.id}/number`;
const KIB = 1024;
const validCreate = {
  title: 'Acme v. Widget',
  currency: 'USD',
  myRole: 'claimant',
  invite: { respondent: 'someone@example.com' },
};
const create = (patch: Record<string, unknown>, drop: string[] = []) => {
  const body: Record<string, unknown> = { ...validCreate, ...patch };
  for (const key of drop) delete body[key];
  return JSON.stringify(body);
};

/** Hand-written cases, by route. */
function handWritten(): Case[] {
  const amount = (name: string, body: string, extra: Partial<Case> = {}): Case => ({
    name: `PUT number: ${name}`,
    method: 'PUT',
    path: number,
    body,
    status: 400,
    code: 'invalid_input',
    ...extra,
  });
  const sessions = (name: string, body: string, extra: Partial<Case> = {}): Case => ({
    name: `POST /sessions: ${name}`,
    method: 'POST',
    path: () => '/sessions',
    as: () => creator,
    body,
    status: 400,
    code: 'invalid_input',
    ...extra,
  });
  const on =
    (route: string, method: string, path: () => string, as?: () => Caller) =>
    (name: string, body: string, extra: Partial<Case> = {}): Case => ({
      name: `${route}: ${name}`,
      method,
      path,
      ...(as ? { as } : {}),
      body,
      status: 400,
      code: 'invalid_input',
      ...extra,
    });
  const invite = on('POST invitations', 'POST', () => `/sessions/${open.id}/invitations`);
  const terms = on(
    'PUT terms',
    'PUT',
    () => `/sessions/${setup.id}/terms`,
    () => setup.claimant,
  );
  const acceptTerms = on(
    'POST terms/accept',
    'POST',
    () => `/sessions/${setup.id}/terms/accept`,
    () => setup.claimant,
  );
  const acceptInvitation = on(
    'POST /invitations/accept',
    'POST',
    () => '/invitations/accept',
    () => creator,
  );
  const withdraw = on('POST withdraw', 'POST', () => `/sessions/${open.id}/withdraw`);
  const propose = on(
    'POST proposals',
    'POST',
    () => `/sessions/${proposing.id}/proposals`,
    () => proposing.mediator!,
  );
  const ask = on(
    'POST proposals (a side)',
    'POST',
    () => `/sessions/${proposing.id}/proposals`,
    () => proposing.claimant,
  );
  const consent = on(
    'POST consent',
    'POST',
    () => `/sessions/${proposing.id}/proposals/current/consent`,
    () => proposing.respondent,
  );
  const answer = on(
    'POST answer',
    'POST',
    () => `/sessions/${proposing.id}/proposals/current/answer`,
    () => proposing.claimant,
  );
  const badId = (name: string, method: string, path: () => string, body?: string): Case => ({
    name: `bad id: ${name}`,
    method,
    path,
    ...(body === undefined ? {} : { body }),
    status: 404,
  });
  const padded = (json: string, size: number) => json + ' '.repeat(size - Buffer.byteLength(json));

  return [
    // --- amounts: wrong types, floats, negatives, zero, out of range ---
    amount('a float', '{"amount":1.5}'),
    amount('a tiny float', '{"amount":0.999999}'),
    amount('a negative', '{"amount":-1}'),
    amount('a large negative', '{"amount":-1000000000000000}'),
    amount('zero', '{"amount":0}'),
    amount('minus zero', '{"amount":-0}'),
    amount('10^15 + 1', '{"amount":1000000000000001}'),
    amount('10^16 as an exponent', '{"amount":1e16}'),
    amount('2^53 + 1', '{"amount":9007199254740993}'),
    amount('10^15 + 0.5', '{"amount":1000000000000000.5}'),
    amount('1e-7', '{"amount":1e-7}'),
    amount('1e309 (Infinity once parsed)', '{"amount":1e309}'),
    amount('a numeric string', '{"amount":"1000"}'),
    amount('a word', '{"amount":"abc"}'),
    amount('a full-width digit', '{"amount":"７"}'),
    amount('null', '{"amount":null}'),
    amount('true', '{"amount":true}'),
    amount('an array', '{"amount":[1000]}'),
    amount('an object', '{"amount":{"value":1000}}'),
    amount('missing', '{}'),
    amount('an unknown field beside it', '{"amount":1000,"currency":"USD"}'),
    amount('a numeric unknown field (never echoed)', '{"amount":1000,"4817263950":true}'),
    amount('wrong case', '{"Amount":1000}'),
    amount('a duplicate key, last one invalid', '{"amount":1000,"amount":"x"}'),
    amount('__proto__', '{"__proto__":{"amount":1000}}'),
    amount('constructor', '{"constructor":{"prototype":{"amount":1}}}'),
    amount('an array body', '[{"amount":1000}]'),
    amount('an empty array', '[]'),
    amount('null body', 'null'),
    amount('a string body', '"1000"'),
    amount('a number body', '1000'),
    amount('a boolean body', 'true'),
    amount('an empty body', ''),
    amount('deeply nested arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`),
    // --- invalid JSON ---
    amount('NaN', '{"amount":NaN}'),
    amount('Infinity', '{"amount":Infinity}'),
    amount('hex', '{"amount":0x3e8}'),
    amount('underscores', '{"amount":1_000}'),
    amount('a leading zero', '{"amount":01000}'),
    amount('a plus sign', '{"amount":+1000}'),
    amount('a bare fraction', '{"amount":.5}'),
    amount('truncated', '{"amount":1000'),
    amount('trailing garbage', '{"amount":1000}garbage'),
    amount('a trailing comma', '{"amount":1000,}'),
    amount('single quotes', "{'amount':1000}"),
    amount('a byte-order mark', '\ufeff{"amount":1000}'),
    amount('a comment', '{"amount":1000 /* ok */}'),
    amount('form encoding', 'amount=1000', {
      status: 415,
      code: 'unsupported_media_type',
      options: { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    }),
    amount('text/plain', '{"amount":1000}', {
      status: 415,
      code: 'unsupported_media_type',
      options: { headers: { 'content-type': 'text/plain' } },
    }),
    // --- strict JSON: duplicates, written values ---
    amount('a duplicate key with two numbers', '{"amount":1,"amount":2}'),
    amount('an amount whose written value is not an integer', '{"amount":999.99999999999999999}'),
    amount('a fraction too small for a float to keep', '{"amount":4817263.00000000000000001}'),
    // --- sizes ---
    amount('64 KiB exactly (not too large, still invalid)', padded('{"amount":1.5}', 64 * KIB)),
    amount('64 KiB + 1', padded('{"amount":1.5}', 64 * KIB + 1), { status: 413, code: 'payload_too_large' }),
    amount('1 MiB', padded('{"amount":1000}', 1024 * KIB), { status: 413, code: 'payload_too_large' }),
    amount('300 KiB sent chunked, without content-length', padded('{"amount":1000}', 300 * KIB), {
      status: 413,
      code: 'payload_too_large',
      options: { chunked: true },
    }),
    // --- header abuse ---
    amount('two content-types', '{"amount":-5}', {
      status: 415,
      code: 'unsupported_media_type',
      options: { noContentType: true, headers: { 'content-type': ['application/json', 'text/plain'] } },
    }),
    amount(
      'a multipart content-type',
      '--x\r\nContent-Disposition: form-data; name="amount"\r\n\r\n1000\r\n--x--',
      {
        status: 415,
        code: 'unsupported_media_type',
        options: { headers: { 'content-type': 'multipart/form-data; boundary=x' } },
      },
    ),
    amount('no content-type', '{"amount":"1000"}', {
      status: 415,
      code: 'unsupported_media_type',
      options: { noContentType: true },
    }),
    amount(
      'an Idempotency-Key of 256 characters (valid body: still refused, nothing stored)',
      '{"amount":1000}',
      {
        options: { headers: { 'idempotency-key': 'k'.repeat(256) } },
      },
    ),
    amount('an Idempotency-Key of 8,000 characters', '{"amount":1000}', {
      options: { headers: { 'idempotency-key': 'k'.repeat(8000) } },
    }),
    amount('an empty Idempotency-Key', '{"amount":1000}', {
      options: { headers: { 'idempotency-key': '' } },
    }),
    amount('a valid Idempotency-Key with an invalid body (the 400 is kept for the key)', '{"amount":0}', {
      options: { headers: { 'idempotency-key': 'bad-input-key-1' } },
      storesKey: true,
    }),
    amount('the same key again with another body', '{"amount":-1}', {
      options: { headers: { 'idempotency-key': 'bad-input-key-1' } },
      status: 422,
      code: 'idempotency_key_reused',
    }),
    amount('two Idempotency-Key headers (one key "a, b"), invalid body', '{"amount":"x"}', {
      options: { headers: { 'idempotency-key': ['bad-input-a', 'bad-input-b'] } },
      storesKey: true,
    }),
    amount('two Authorization headers', '{"amount":1000}', {
      as: () => ({ label: 'double auth', token: null }),
      options: () => ({
        headers: { authorization: [`Bearer ${open.claimant.token}`, `Bearer ${open.respondent.token}`] },
      }),
      status: 401,
      code: 'unauthorized',
    }),
    amount('a Basic Authorization header', '{"amount":1000}', {
      as: () => ({ label: 'basic auth', token: null }),
      options: { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } },
      status: 401,
      code: 'unauthorized',
    }),
    amount('a token with trailing junk', '{"amount":1000}', {
      as: () => ({ label: 'junk token', token: `${open.claimant.token} extra` }),
      status: 401,
      code: 'unauthorized',
    }),
    amount('an 8 KiB token', '{"amount":1000}', {
      as: () => ({ label: 'huge token', token: 'e'.repeat(8 * KIB) }),
      status: 401,
      code: 'unauthorized',
    }),

    // --- POST /sessions ---
    sessions('no title', create({}, ['title'])),
    sessions('an empty title', create({ title: '' })),
    sessions('a blank title', create({ title: '   ' })),
    sessions('a title of 201 characters', create({ title: 't'.repeat(201) })),
    sessions('a numeric title', create({ title: 42 })),
    sessions('a title with a control character', create({ title: 'Acme\u0007 v. Widget' })),
    sessions('a title with a newline', create({ title: 'Acme\nv. Widget' })),
    sessions('a title with a right-to-left override', create({ title: 'Acme \u202eegdiW' })),
    sessions('a title of zero-width spaces', create({ title: '\u200b\u200c\u2060\ufeff' })),
    sessions('a title of 201 emoji (code points)', create({ title: '😀'.repeat(201) })),
    sessions(
      'a title that is not UTF-8',
      Buffer.concat([
        Buffer.from('{"title":"Acme '),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('","currency":"USD","myRole":"claimant","invite":{}}'),
      ]) as never,
    ),
    sessions('a case number of 101 characters', create({ caseNumber: 'c'.repeat(101) })),
    sessions('a case number with an isolate', create({ caseNumber: 'CV\u2066-1' })),
    sessions(
      'a duplicate title',
      '{"title":"A","title":"B","currency":"USD","myRole":"claimant","invite":{}}',
    ),
    sessions('lower-case currency', create({ currency: 'usd' })),
    sessions('an unknown currency', create({ currency: 'XYZ' })),
    sessions('a two-letter currency', create({ currency: 'US' })),
    sessions('a crypto "currency"', create({ currency: 'BTC' })),
    sessions('a numeric currency code', create({ currency: 840 })),
    sessions('an empty currency', create({ currency: '' })),
    sessions('no currency', create({}, ['currency'])),
    sessions('an unknown role', create({ myRole: 'judge' })),
    sessions('no role', create({}, ['myRole'])),
    sessions('no invite', create({}, ['invite'])),
    sessions('an invalid address', create({ invite: { respondent: 'not-an-address' } })),
    sessions(
      'an address of 255 characters',
      create({ invite: { respondent: `${'a'.repeat(243)}@example.com` } }),
    ),
    sessions('inviting oneself', create({ invite: { respondent: 'SELF' } })),
    sessions('inviting to one’s own role', create({ invite: { claimant: 'other@example.com' } })),
    sessions(
      'one address for two roles',
      create({ invite: { respondent: 'x@example.com', mediator: 'x@example.com' } }),
    ),
    sessions('an unknown invite role', create({ invite: { observer: 'x@example.com' } })),
    sessions('startsAt not a time', create({ startsAt: 'tomorrow' })),
    sessions('startsAt as epoch seconds', create({ startsAt: 1700000000 })),
    sessions('initialRoundSeconds 59', create({ initialRoundSeconds: 59 })),
    sessions('initialRoundSeconds 30 days + 1', create({ initialRoundSeconds: 30 * 86400 + 1 })),
    sessions('initialRoundSeconds a float', create({ initialRoundSeconds: 3600.5 })),
    sessions('adjustmentSeconds 365 days + 1', create({ adjustmentSeconds: 365 * 86400 + 1 })),
    sessions('adjustmentSeconds a string', create({ adjustmentSeconds: '60' })),
    sessions('bonusPercent 21', create({ bonusPercent: 21 })),
    sessions('bonusPercent -1', create({ bonusPercent: -1 })),
    sessions('bonusPercent 2.5', create({ bonusPercent: 2.5 })),
    sessions('a case number of 101 characters', create({ caseNumber: 'c'.repeat(101) })),
    sessions('a numeric case number', create({ caseNumber: 123 })),
    sessions('an unknown field', create({ admin: true })),
    sessions('an array body', '[]'),
    sessions('a null body', 'null'),
    sessions('invalid JSON', '{"title":'),
    // --- invitations ---
    invite('no email', '{"role":"claimant"}'),
    invite('an invalid email', '{"email":"x","role":"claimant"}'),
    invite(
      'an email of 300 characters',
      JSON.stringify({ email: `${'a'.repeat(288)}@example.com`, role: 'claimant' }),
    ),
    invite('an unknown role', '{"email":"a@example.com","role":"judge"}'),
    invite('no role', '{"email":"a@example.com"}'),
    invite('an unknown field', '{"email":"a@example.com","role":"claimant","note":"hi"}'),
    invite('an array body', '[]'),
    // --- terms ---
    terms('an empty text', '{"text":""}'),
    terms('20,001 characters', JSON.stringify({ text: 't'.repeat(20_001) })),
    terms('a number', '{"text":123}'),
    terms('null', '{"text":null}'),
    terms('a control character other than newline and tab', JSON.stringify({ text: 'Clause 1\u0000' })),
    terms('a carriage return', JSON.stringify({ text: 'Clause 1\r\nClause 2' })),
    terms('a bidirectional override', JSON.stringify({ text: 'Pay \u202e0001 USD' })),
    terms('only invisible characters', JSON.stringify({ text: '\n\t \u200b' })),
    terms('20,001 characters', JSON.stringify({ text: 'é'.repeat(20_001) })),
    terms('an array', '{"text":["a"]}'),
    terms('an unknown field', '{"text":"ok","version":3}'),
    acceptTerms('version -1', '{"version":-1}'),
    acceptTerms('version 1.5', '{"version":1.5}'),
    acceptTerms('version "0"', '{"version":"0"}'),
    acceptTerms('version null', '{"version":null}'),
    acceptTerms('version 1,000,001', '{"version":1000001}'),
    acceptTerms('no version', '{}'),
    // --- accepting an invitation ---
    acceptInvitation('no token', '{}'),
    acceptInvitation('a token of 201 characters', JSON.stringify({ token: 't'.repeat(201) })),
    acceptInvitation('a numeric token', '{"token":123}'),
    acceptInvitation('an empty token', '{"token":""}'),
    // --- withdraw ---
    withdraw('an unknown field', '{"reason":"x"}'),
    withdraw('an array', '[]'),
    withdraw('null', 'null'),
    withdraw('invalid JSON', '{'),
    withdraw('a string', '"withdraw"'),
    // --- proposals: asking, consenting, answering ---
    propose('no kind', '{}'),
    propose('an unknown kind', '{"kind":"judge","amount":1000}'),
    propose('a numeric kind', '{"kind":1,"amount":1000}'),
    propose('kind in upper case', '{"kind":"MEDIATOR","amount":1000}'),
    propose('a mediator’s proposal without an amount', '{"kind":"mediator"}'),
    propose('amount 0', '{"kind":"mediator","amount":0}'),
    propose('a negative amount', '{"kind":"mediator","amount":-4817263}'),
    propose('a fractional amount', '{"kind":"mediator","amount":1.5}'),
    propose(
      'an amount whose written value is not an integer',
      '{"kind":"mediator","amount":999.99999999999999999}',
    ),
    propose('10^15 + 1', '{"kind":"mediator","amount":1000000000000001}'),
    propose('a numeric string', '{"kind":"mediator","amount":"4817263"}'),
    propose('a null amount', '{"kind":"mediator","amount":null}'),
    propose('an unknown field', '{"kind":"mediator","amount":1000,"note":"split it"}'),
    propose('a numeric unknown field (never echoed)', '{"kind":"mediator","amount":1000,"4817263950":true}'),
    propose('a duplicate kind', '{"kind":"mediator","kind":"computed","amount":1000}'),
    propose('an array body', '[{"kind":"mediator","amount":1000}]'),
    propose('a null body', 'null'),
    propose('invalid JSON', '{"kind":"mediator",'),
    propose('text/plain', '{"kind":"mediator","amount":1000}', {
      status: 415,
      code: 'unsupported_media_type',
      options: { headers: { 'content-type': 'text/plain' } },
    }),
    ask('a computed proposal with an amount', '{"kind":"computed","amount":4817263}'),
    ask('a computed proposal with an unknown field', '{"kind":"computed","split":true}'),
    ask('a side naming an amount (403 before the body)', '{"kind":"mediator","amount":-1}', {
      status: 403,
      code: 'forbidden',
    }),
    consent('no consent', '{}'),
    consent('consent as a string', '{"consent":"true"}'),
    consent('consent as 1', '{"consent":1}'),
    consent('consent null', '{"consent":null}'),
    consent('an unknown field', '{"consent":true,"amount":4817263}'),
    consent('an array body', '[true]'),
    consent('the mediator consenting (403)', '{"consent":true}', {
      as: () => proposing.mediator!,
      status: 403,
      code: 'forbidden',
    }),
    answer('no answer', '{}'),
    answer('yes as a word', '{"accept":"yes"}'),
    answer('accept as 1', '{"accept":1}'),
    answer('accept null', '{"accept":null}'),
    answer('accept in an array', '{"accept":[true]}'),
    answer('an unknown field', '{"accept":true,"side":"respondent"}'),
    answer('a duplicate accept', '{"accept":true,"accept":false}'),
    answer('wrong case', '{"Accept":true}'),
    answer('an empty body', ''),
    answer('form encoding', 'accept=true', {
      status: 415,
      code: 'unsupported_media_type',
      options: { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    }),
    answer('64 KiB + 1', padded('{"accept":true}', 64 * KIB + 1), { status: 413, code: 'payload_too_large' }),
    answer(
      'a valid Idempotency-Key with an invalid answer (the 400 is kept for the key)',
      '{"accept":"no"}',
      {
        options: { headers: { 'idempotency-key': 'bad-answer-key-1' } },
        storesKey: true,
      },
    ),
    answer('the mediator answering (403)', '{"accept":true}', {
      as: () => proposing.mediator!,
      status: 403,
      code: 'forbidden',
    }),
    answer('an outsider answering (404)', '{"accept":true}', {
      as: () => creator,
      status: 404,
      code: 'not_found',
    }),
    badId(
      'on the answer route',
      'POST',
      () => `/sessions/${'a'.repeat(200)}/proposals/current/answer`,
      '{"accept":true}',
    ),
    badId(
      'a proposal that is not "current"',
      'POST',
      () => `/sessions/${proposing.id}/proposals/1/answer`,
      '{"accept":true}',
    ),
    // --- bad ids ---
    badId('dot-dot', 'GET', () => '/sessions/%2e%2e'),
    badId('129 characters', 'GET', () => `/sessions/${'a'.repeat(129)}`),
    badId(
      '1,000 characters, on the number route',
      'PUT',
      () => `/sessions/${'a'.repeat(1000)}/number`,
      '{"amount":1000}',
    ),
    badId('non-ASCII', 'GET', () => '/sessions/%C3%A9t%C3%A9'),
    badId('a NUL byte', 'GET', () => '/sessions/%00'),
    badId('a quote and a brace', 'GET', () => '/sessions/%22%7D'),
    badId('a broken percent-escape in an address', 'DELETE', () => `/sessions/${open.id}/invitations/%ZZ`),
    badId(
      'an address of 300 characters',
      'DELETE',
      () => `/sessions/${open.id}/invitations/${'a'.repeat(288)}%40example.com`,
    ),
    badId('a trailing slash', 'GET', () => '/sessions/'),
    badId('an extra segment', 'GET', () => `/sessions/${open.id}/number/extra`),
  ];
}

describe('bad input', () => {
  beforeAll(async () => {
    rt = await startCapturedRuntime({ logLevel: 'WARN' });
    creator = await rt.user(freshEmail('creator'), 'creator');
    open = await joinedSession(rt, await parties(rt, { mediator: true }), { title: 'Bad input' });
    await openStep2(rt, open);
    setup = await joinedSession(rt, await parties(rt), { title: 'Bad input: step 1' });
    proposing = await joinedSession(rt, await parties(rt, { mediator: true }), {
      title: 'Bad input: step 3',
    });
    await openStep2(rt, proposing);
    await submit(rt, proposing.claimant, proposing.id, 200_000);
    await submit(rt, proposing.respondent, proposing.id, 100_000);
    await untilPhase(rt, proposing.claimant, proposing.id, 'adjustment');
    expectStatus(
      await rt.send(proposing.mediator!, 'POST', `/sessions/${proposing.id}/proposals`, {
        body: { kind: 'mediator', amount: 150_000 },
      }),
      201,
    );
    await rt.settle();
    baseline = await snapshot();
  });

  afterAll(async () => {
    await rt?.stop();
    console.info(`bad input: ${tried} requests tried`);
  });

  const cases = (() => {
    const list = handWritten();
    return list.map((c) => [c.name, c] as const);
  })();

  it.each(cases)('%s', async (_name, c) => {
    // Prepare: "SELF" stands for the creator's own address.
    const body = typeof c.body === 'string' ? c.body.replace('SELF', creator.email!) : c.body;

    // Act + Assess
    await attempt({ ...c, ...(body === undefined ? {} : { body }) });
  });

  it('there are at least 100 hand-written cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it('generated amounts that are not integers in [1, 10^15] are refused and never echoed', async () => {
    // Prepare: anything JSON can say that is not a valid amount.
    const invalid = fc.oneof(
      fc.double().filter((d) => !Number.isInteger(d) || d < 1 || d > 1e15),
      fc.integer({ max: 0 }),
      fc.bigInt({ min: 10n ** 15n + 1n, max: 10n ** 40n }).map((b) => ({ raw: b.toString() })),
      fc.bigInt({ min: -(10n ** 40n), max: 0n }).map((b) => ({ raw: b.toString() })),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.integer()),
    );

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(invalid, async (value) => {
        const json =
          value && typeof value === 'object' && 'raw' in value
            ? `{"amount":${(value as { raw: string }).raw}}`
            : JSON.stringify({ amount: value });
        const parsed = JSON.parse(json).amount as unknown;
        fc.pre(!(typeof parsed === 'number' && Number.isInteger(parsed) && parsed >= 1 && parsed <= 1e15));
        await attempt({
          name: `generated amount ${json}`,
          method: 'PUT',
          path: number,
          body: json,
          status: 400,
        });
      }),
      { numRuns: 80 },
    );
  });

  it('generated JSON documents are refused on every route that takes a body', async () => {
    // Prepare: arbitrary JSON (objects with arbitrary keys included) on routes whose bodies are
    // strict objects: none of these can be valid by chance but a lone {"amount": n} or {}.
    const routes: [string, string, () => string, () => Caller][] = [
      ['PUT', 'number', number, () => open.claimant],
      ['POST', 'sessions', () => '/sessions', () => creator],
      ['POST', 'invitations', () => `/sessions/${open.id}/invitations`, () => open.claimant],
      ['PUT', 'terms', () => `/sessions/${setup.id}/terms`, () => setup.claimant],
      ['POST', 'terms/accept', () => `/sessions/${setup.id}/terms/accept`, () => setup.claimant],
      ['POST', 'accept', () => '/invitations/accept', () => creator],
      ['POST', 'proposals', () => `/sessions/${proposing.id}/proposals`, () => proposing.claimant],
      [
        'POST',
        'consent',
        () => `/sessions/${proposing.id}/proposals/current/consent`,
        () => proposing.respondent,
      ],
      [
        'POST',
        'answer',
        () => `/sessions/${proposing.id}/proposals/current/answer`,
        () => proposing.claimant,
      ],
    ];
    const document = fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.object({ maxDepth: 2 }).map((o) => JSON.stringify(o)),
    );

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), document, async ([method, name, path, as], json) => {
        const parsed = JSON.parse(json) as unknown;
        const valid =
          (name === 'number' &&
            typeof (parsed as { amount?: unknown })?.amount === 'number' &&
            Object.keys(parsed as object).length === 1) ||
          (name === 'terms' &&
            typeof (parsed as { text?: unknown })?.text === 'string' &&
            Object.keys(parsed as object).length === 1) ||
          (name === 'terms/accept' &&
            typeof (parsed as { version?: unknown })?.version === 'number' &&
            Object.keys(parsed as object).length === 1) ||
          (name === 'accept' &&
            typeof (parsed as { token?: unknown })?.token === 'string' &&
            Object.keys(parsed as object).length === 1) ||
          (name === 'answer' &&
            typeof (parsed as { accept?: unknown })?.accept === 'boolean' &&
            Object.keys(parsed as object).length === 1) ||
          (name === 'consent' &&
            typeof (parsed as { consent?: unknown })?.consent === 'boolean' &&
            Object.keys(parsed as object).length === 1) ||
          (name === 'proposals' && (parsed as { kind?: unknown })?.kind !== undefined);
        fc.pre(!valid);
        await attempt({
          name: `generated ${method} ${name} ${json.slice(0, 80)}`,
          method,
          path,
          as,
          body: json,
        });
      }),
      { numRuns: 60 },
    );
  });

  it('generated non-JSON bodies are refused', async () => {
    // Act + Assess
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 200 }), async (text) => {
        let isJson = true;
        try {
          JSON.parse(text);
        } catch {
          isJson = false;
        }
        fc.pre(!isJson);
        await attempt({
          name: `generated text ${JSON.stringify(text)}`,
          method: 'PUT',
          path: number,
          body: text,
          status: 400,
        });
      }),
      { numRuns: 25 },
    );
  });

  it('generated currency codes that ISO 4217 does not know are refused', async () => {
    // Act + Assess
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 5 }), async (currency) => {
        fc.pre(!isCurrency(currency));
        await attempt({
          name: `generated currency ${JSON.stringify(currency)}`,
          method: 'POST',
          path: () => '/sessions',
          as: () => creator,
          body: create({ currency }),
          status: 400,
        });
      }),
      { numRuns: 25 },
    );
  });

  it('there are at least 30 hand-written cases on the proposal routes', () => {
    expect(cases.filter(([name]) => /proposal|consent|answer/.test(name)).length).toBeGreaterThanOrEqual(30);
  });

  it('after all of it, the sessions under attack are as they were', async () => {
    // Act
    const opened = await rt.send(open.claimant, 'GET', `/sessions/${open.id}`);
    const own = await rt.send(open.claimant, 'GET', `/sessions/${open.id}/number`);
    const proposal = (await rt.send(proposing.claimant, 'GET', `/sessions/${proposing.id}`)).json.proposal;

    // Assess: no number was ever accepted, nobody answered, and the count of cases is reported.
    expect(proposal).toMatchObject({
      kind: 'mediator',
      state: 'open',
      amount: 150_000,
      myAnswer: null,
      history: [],
    });
    expectStatus(opened, 200);
    expect(opened.json).toMatchObject({ phase: 'initial_round', sides: { claimant: { hasNumber: false } } });
    expectStatus(own, 404, 'no_number');
    expect(tried).toBeGreaterThanOrEqual(300);
  });
});
