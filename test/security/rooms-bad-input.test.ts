/**
 * Bad input to the rooms: hand-written and generated (fast-check) requests that must each be
 * answered with a 4xx JSON error that never repeats what was sent, and leave the table exactly as
 * it was (the rooms function keeps no record of a refused post, Idempotency-Key or not).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Caller,
  type CapturedRuntime,
  type RecordedResponse,
  type SendOptions,
  startCapturedRuntime,
  toJson,
} from '../support/capture';
import { expectStatus, joinedSession, parties, type Session } from './helpers';

let rt: CapturedRuntime;
let s: Session;
let tried = 0;
let baseline: Map<string, string>;

async function snapshot(): Promise<Map<string, string>> {
  const items = await rt.scan();
  return new Map(items.map((item) => [`${item.pk?.S}|${item.sk?.S}`, toJson(item)]));
}

interface Case {
  name: string;
  method?: string;
  /** Relative to the session: `rooms/claimant/messages`. */
  path?: string;
  as?: () => Caller;
  body?: string | Buffer;
  options?: Omit<SendOptions, 'body'>;
  status?: number;
  code?: string;
}

/** Words of 6 or more letters or digits in what was sent: an error must never repeat them. */
const words = (text: string) => [...new Set(text.match(/[A-Za-z0-9]{6,}/g) ?? [])];
const RULE_WORDS = new Set([
  'characters',
  'control',
  'newline',
  'bidirectional',
  'override',
  'invisible',
  'before',
  'limit',
  'message',
  'unknown',
  'parameter',
]);

async function attempt(c: Case): Promise<RecordedResponse> {
  tried++;
  const res = await rt.send(
    c.as?.() ?? s.claimant,
    c.method ?? 'POST',
    `/sessions/${s.id}/${c.path ?? 'rooms/claimant/messages'}`,
    {
      ...c.options,
      ...(c.body === undefined ? {} : { body: c.body }),
    },
  );
  const label = `${c.name}: ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, label).toBeGreaterThanOrEqual(400);
  expect(res.status, label).toBeLessThan(500);
  if (c.status !== undefined) expect(res.status, label).toBe(c.status);
  if (c.code !== undefined) expect(res.json?.error?.code, label).toBe(c.code);
  expect(res.json, label).toEqual({
    error: { code: expect.stringMatching(/^[a-z][a-z_]*$/), message: expect.any(String) },
  });
  const sent = `${c.body === undefined ? '' : c.body.toString()} ${c.path ?? ''}`;
  // Field names made only of letters are named by the rule ("an unknown field \"author\""), by design.
  const fieldNames = new Set([...sent.matchAll(/"([A-Za-z_]{1,40})":/g)].map((m) => m[1]));
  for (const word of words(sent).filter((w) => !RULE_WORDS.has(w.toLowerCase()) && !fieldNames.has(w))) {
    expect(res.json.error.message, `${c.name}: the error repeats ${word}`).not.toContain(word);
  }
  const after = await snapshot();
  const changed = [...after.keys()].filter((k) => after.get(k) !== baseline.get(k));
  expect(changed, label).toEqual([]);
  expect(after.size, label).toBe(baseline.size);
  return res;
}

const text = (value: unknown) => JSON.stringify({ text: value });
const KIB = 1024;
const GOOD_ID = '01J0000000000000000000000A';

function handWritten(): Case[] {
  const post = (name: string, body: string | Buffer, extra: Partial<Case> = {}): Case => ({
    name: `post: ${name}`,
    body,
    status: 400,
    code: 'invalid_input',
    ...extra,
  });
  const query = (name: string, q: string): Case => ({
    name: `read: ${name}`,
    method: 'GET',
    path: `rooms/claimant/messages?${q}`,
    status: 400,
    code: 'invalid_input',
  });
  const consent = (name: string, body: string, extra: Partial<Case> = {}): Case => ({
    name: `consent: ${name}`,
    path: 'rooms/joint/consent',
    body,
    status: 400,
    code: 'invalid_input',
    ...extra,
  });
  return [
    // --- the text ---
    post('an empty text', text('')),
    post('10,001 characters', text('m'.repeat(10_001))),
    post('10,001 emoji (code points, not bytes)', text('😀'.repeat(10_001))),
    post('only spaces', text('     ')),
    post('only newlines and tabs', text('\n\t\n')),
    post('only zero-width characters', text('\u200b\u200c\u200d\u2060\ufeff')),
    post('a NUL', text('Counteroffer\u0000tonight')),
    post('a bell', text('Counteroffer\u0007tonight')),
    post('an escape sequence', text('\u001b[31mCounteroffer')),
    post('a carriage return', text('Counteroffer\r\ntonight')),
    post('a DEL', text('Counteroffer\u007f')),
    post('a C1 control', text('Counteroffer\u0085tonight')),
    post('a right-to-left override', text('Counteroffer \u202e0001')),
    post('an isolate', text('Counteroffer \u2066tonight\u2069')),
    post('a lone surrogate', '{"text":"Counteroffer \\ud800 tonight"}'),
    post(
      'invalid UTF-8',
      Buffer.concat([Buffer.from('{"text":"Counteroffer '), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    ),
    post('a number', '{"text":4817263950}'),
    post('null', '{"text":null}'),
    post('an array', '{"text":["Counteroffer"]}'),
    post('an object', '{"text":{"value":"Counteroffer"}}'),
    post('no text', '{}'),
    post('an unknown field beside it', '{"text":"Counteroffer","room":"joint"}'),
    post('an author of one’s choosing', '{"text":"Counteroffer","author":"mediator@example.com"}'),
    post('a duplicate key', '{"text":"Counteroffer","text":"tonight"}'),
    post('an array body', '[{"text":"Counteroffer"}]'),
    post('a null body', 'null'),
    post('a string body', '"Counteroffer"'),
    post('an empty body', ''),
    post('truncated JSON', '{"text":"Counteroffer'),
    post('trailing garbage', '{"text":"Counteroffer"}garbage'),
    post('text/plain', text('Counteroffer'), {
      status: 415,
      code: 'unsupported_media_type',
      options: { headers: { 'content-type': 'text/plain' } },
    }),
    post('no content-type', text('Counteroffer'), {
      status: 415,
      code: 'unsupported_media_type',
      options: { noContentType: true },
    }),
    post('64 KiB + 1', text('m'.repeat(64 * KIB)), { status: 413, code: 'payload_too_large' }),
    post('an Idempotency-Key of 256 characters (valid body)', text('Counteroffer'), {
      options: { headers: { 'idempotency-key': 'k'.repeat(256) } },
    }),
    post('an empty Idempotency-Key', text('Counteroffer'), {
      options: { headers: { 'idempotency-key': '' } },
    }),
    post('a valid Idempotency-Key with an invalid body (nothing is kept for it)', text(''), {
      options: { headers: { 'idempotency-key': 'rooms-bad-input' } },
    }),
    // --- rooms that are not the caller's, or not rooms ---
    post('a room of the other side', text('Counteroffer'), {
      path: 'rooms/respondent/messages',
      status: 404,
      code: 'room_not_found',
    }),
    post('an unknown room', text('Counteroffer'), {
      path: 'rooms/lobbyroom/messages',
      status: 404,
      code: 'room_not_found',
    }),
    post('a room name in upper case', text('Counteroffer'), {
      path: 'rooms/CLAIMANT/messages',
      status: 404,
      code: 'room_not_found',
    }),
    post('an encoded slash in the room', text('Counteroffer'), {
      path: 'rooms/claimant%2F..%2Fjoint/messages',
      status: 404,
      code: 'room_not_found',
    }),
    post('a room name of 500 characters', text('Counteroffer'), {
      path: `rooms/${'r'.repeat(500)}/messages`,
      status: 404,
      code: 'room_not_found',
    }),
    post('the joint room before both sides agreed', text('Counteroffer'), {
      path: 'rooms/joint/messages',
      status: 409,
      code: 'room_closed',
    }),
    // --- the messages query ---
    query('after in lower case', `after=${GOOD_ID.toLowerCase()}`),
    query('after of 25 characters', `after=${GOOD_ID.slice(1)}`),
    query('after of 27 characters', `after=${GOOD_ID}B`),
    query('after with a U', 'after=01J000000000000000000000U'),
    query('after beyond the largest id', 'after=8ZZZZZZZZZZZZZZZZZZZZZZZZZ'),
    query('an empty after', 'after='),
    query('after twice', `after=${GOOD_ID}&after=${GOOD_ID}`),
    query('after and before', `after=${GOOD_ID}&before=${GOOD_ID}`),
    query('before with a quote', 'before=%22%7D'),
    query('limit 0', 'limit=0'),
    query('limit 101', 'limit=101'),
    query('limit -1', 'limit=-1'),
    query('limit 1.5', 'limit=1.5'),
    query('limit 1e2', 'limit=1e2'),
    query('limit abc', 'limit=abc'),
    query('an empty limit', 'limit='),
    query('limit 4817263950', 'limit=4817263950'),
    query('an unknown parameter', 'cursor=abcdef'),
    // --- consent ---
    consent('an unknown field', '{"open":true}'),
    consent('an array', '[]'),
    consent('a string', '"consent"'),
    consent('invalid JSON', '{'),
    consent('an Idempotency-Key of 256 characters', '{}', {
      options: { headers: { 'idempotency-key': 'k'.repeat(256) } },
    }),
  ];
}

describe('bad input to the rooms', () => {
  beforeAll(async () => {
    rt = await startCapturedRuntime({ logLevel: 'WARN' });
    s = await joinedSession(rt, await parties(rt, { mediator: true }), { title: 'Rooms: bad input' });
    // The room exists (its key, a message) before the attack.
    expectStatus(
      await rt.send(s.claimant, 'POST', `/sessions/${s.id}/rooms/claimant/messages`, {
        body: { text: 'Ready.' },
      }),
      201,
    );
    await rt.settle();
    baseline = await snapshot();
  });

  afterAll(async () => {
    await rt?.stop();
    console.info(`rooms bad input: ${tried} requests tried`);
  });

  const cases = handWritten().map((c) => [c.name, c] as const);

  it.each(cases)('%s', async (_name, c) => {
    // Act + Assess
    await attempt(c);
  });

  it('there are at least 60 hand-written cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it('generated texts with a forbidden character are refused and never echoed', async () => {
    // Prepare: a text with a control character (not newline or tab) or a bidirectional control.
    const forbidden = fc.constantFrom(
      ...[...Array(32).keys()].filter((c) => c !== 9 && c !== 10).map((c) => String.fromCharCode(c)),
      '\u007f',
      '\u0085',
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    );
    const bad = fc
      .tuple(fc.string({ maxLength: 40 }), forbidden, fc.string({ maxLength: 40 }))
      .map((p) => p.join(''));

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(bad, async (value) => {
        await attempt({ name: `generated text ${JSON.stringify(value)}`, body: text(value), status: 400 });
      }),
      { numRuns: 40 },
    );
  });

  it('generated JSON documents that are not {text} are refused', async () => {
    // Act + Assess
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 3 }), async (json) => {
        const parsed = JSON.parse(json) as unknown;
        const valid =
          typeof (parsed as { text?: unknown })?.text === 'string' &&
          Object.keys(parsed as object).length === 1;
        fc.pre(!valid);
        await attempt({ name: `generated body ${json.slice(0, 80)}`, body: json });
      }),
      { numRuns: 30 },
    );
  });

  it('after all of it, the room holds its one message', async () => {
    // Act
    const page = await rt.send(s.claimant, 'GET', `/sessions/${s.id}/rooms/claimant/messages`);
    const joint = await rt.send(s.claimant, 'GET', `/sessions/${s.id}/rooms/joint/messages`);

    // Assess
    expectStatus(page, 200);
    expect(page.json.messages.map((m: { text: string }) => m.text)).toEqual(['Ready.']);
    expect(joint.json.messages).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(130);
  });
});
