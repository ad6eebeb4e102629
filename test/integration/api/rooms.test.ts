/**
 * The rooms (docs/rules.md, "Rooms") through the real rooms function against DynamoDB Local: who
 * sees which room, posting and paging, the joint room's consent, the end of a session, the
 * Idempotency-Key of a post, many posts at once, and what the table keeps (sealed text only).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, freshEmail, type Json } from '../../support/api-harness';
import { type Prepared, sessionFlows } from '../../support/session-flows';

let api: ApiHarness;
let flows: ReturnType<typeof sessionFlows>;

beforeAll(async () => {
  api = await createApiHarness();
  flows = sessionFlows(api);
});

afterEach(() => api.setClock(0));

const rooms = (as: string, id: string) => api.call('GET', `/sessions/${id}/rooms`, { as });
const post = (as: string, id: string, room: string, text: string, headers: Record<string, string> = {}) =>
  api.call('POST', `/sessions/${id}/rooms/${room}/messages`, { as, body: { text }, headers });
const read = (as: string, id: string, room: string, query = '') =>
  api.call('GET', `/sessions/${id}/rooms/${room}/messages${query}`, { as });
const consent = (as: string, id: string) =>
  api.call('POST', `/sessions/${id}/rooms/joint/consent`, { as, body: {} });
const names = (res: { body: Json }) => (res.body.rooms as { room: string }[]).map((r) => r.room);
const texts = (res: { body: Json }) => (res.body.messages as { text: string }[]).map((m) => m.text);

/** A co-counsel invited to the claimant side by the claimant, joined. */
async function coCounsel(s: Prepared): Promise<string> {
  const email = freshEmail('cocounsel');
  const invited = await api.call('POST', `/sessions/${s.id}/invitations`, {
    as: s.claimant,
    body: { email, role: 'claimant' },
  });
  expect(invited.status).toBe(201);
  await flows.accept(email, s.id);
  return email;
}

describe('GET /sessions/{id}/rooms', () => {
  it('lists a side its room and the joint room, the caucuses once a mediator joined, the mediator no side room', async () => {
    // Prepare: no mediator yet.
    const s = await flows.joined();
    const before = await Promise.all([rooms(s.claimant, s.id), rooms(s.respondent, s.id)]);

    // Act: a mediator is invited and joins.
    const invited = await api.call('POST', `/sessions/${s.id}/invitations`, {
      as: s.claimant,
      body: { email: s.mediator, role: 'mediator' },
    });
    const pending = await rooms(s.mediator, s.id);
    await flows.accept(s.mediator, s.id);
    const after = await Promise.all([
      rooms(s.claimant, s.id),
      rooms(s.respondent, s.id),
      rooms(s.mediator, s.id),
    ]);

    // Assess
    expect(invited.status).toBe(201);
    expect(before.map(names)).toEqual([
      ['claimant', 'joint'],
      ['respondent', 'joint'],
    ]);
    expect(pending.status).toBe(404);
    expect(pending.body.error.code).toBe('not_found');
    expect(after.map(names)).toEqual([
      ['claimant', 'caucus-claimant', 'joint'],
      ['respondent', 'caucus-respondent', 'joint'],
      ['caucus-claimant', 'caucus-respondent', 'joint'],
    ]);
    expect(after[0]!.body.rooms).toEqual([
      { room: 'claimant', open: true, messageCount: 0, lastMessageAt: null },
      { room: 'caucus-claimant', open: true, messageCount: 0, lastMessageAt: null },
      { room: 'joint', open: false, messageCount: 0, lastMessageAt: null, consented: false },
    ]);
    expect(after[2]!.body.rooms[2]).toEqual({
      room: 'joint',
      open: false,
      messageCount: 0,
      lastMessageAt: null,
    });
  });
});

describe('messages', () => {
  it('a side posts in its room; its members read it back oldest first; nobody else sees the room', async () => {
    // Prepare
    const s = await flows.joined({ mediator: true });
    const second = await coCounsel(s);

    // Act
    const first = await post(s.claimant, s.id, 'claimant', 'Hold at 1.2 for now.');
    const reply = await post(second, s.id, 'claimant', 'Agreed.\nI will tell the client.');
    const readBySecond = await read(second, s.id, 'claimant');
    const listed = await rooms(s.claimant, s.id);
    const others = await Promise.all([
      read(s.respondent, s.id, 'claimant'),
      read(s.mediator, s.id, 'claimant'),
      post(s.respondent, s.id, 'claimant', 'Let me in.'),
      post(s.mediator, s.id, 'claimant', 'Let me in.'),
      read(s.claimant, s.id, 'caucus-respondent'),
      read(s.claimant, s.id, 'lobby'),
    ]);

    // Assess
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/),
      room: 'claimant',
      author: { email: s.claimant },
      text: 'Hold at 1.2 for now.',
      sentAt: expect.stringMatching(/Z$/),
    });
    expect(reply.body.id > first.body.id).toBe(true);
    expect(readBySecond.body).toEqual({ messages: [first.body, reply.body], next: null });
    expect(listed.body.rooms[0]).toEqual({
      room: 'claimant',
      open: true,
      messageCount: 2,
      lastMessageAt: reply.body.sentAt,
    });
    for (const res of others) {
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: 'room_not_found', message: 'No such room.' });
    }
  });

  it('pages forward with after and back with before; next is null at each end', async () => {
    // Prepare: seven messages.
    const s = await flows.joined();
    const posted: string[] = [];
    for (let i = 1; i <= 7; i++)
      posted.push((await post(s.respondent, s.id, 'respondent', `note ${i}`)).body.id);

    // Act
    const forward: Json[] = [];
    let next: string | null = null;
    do {
      const res = await read(s.respondent, s.id, 'respondent', `?limit=3${next ? `&after=${next}` : ''}`);
      forward.push(res.body);
      next = res.body.next;
    } while (next);
    const back: Json[] = [];
    let before: string | null = '7ZZZZZZZZZZZZZZZZZZZZZZZZZ';
    do {
      const res = await read(s.respondent, s.id, 'respondent', `?limit=3&before=${before}`);
      back.push(res.body);
      before = res.body.next;
    } while (before);
    const afterLast = await read(s.respondent, s.id, 'respondent', `?after=${posted[6]}`);
    const defaultPage = await read(s.respondent, s.id, 'respondent');

    // Assess
    const pageTexts = (page: Json) => (page.messages as { text: string }[]).map((m) => m.text);
    expect(forward.map(pageTexts)).toEqual([
      ['note 1', 'note 2', 'note 3'],
      ['note 4', 'note 5', 'note 6'],
      ['note 7'],
    ]);
    expect(forward.map((p) => p.next)).toEqual([posted[2], posted[5], null]);
    expect(back.map(pageTexts)).toEqual([
      ['note 5', 'note 6', 'note 7'],
      ['note 2', 'note 3', 'note 4'],
      ['note 1'],
    ]);
    expect(back.map((p) => p.next)).toEqual([posted[4], posted[1], null]);
    expect(afterLast.body).toEqual({ messages: [], next: null });
    expect(texts(defaultPage)).toHaveLength(7);
    expect([...posted].sort()).toEqual(posted);
  });

  it('keeps a text as sent: lines, tabs, surrounding spaces, and 10,000 code points of emoji', async () => {
    // Prepare
    const s = await flows.joined();
    const longest = '😀'.repeat(10_000);
    const shaped = '  Line one,\n\tindented;  \n\nlast line  ';

    // Act
    const a = await post(s.claimant, s.id, 'claimant', shaped);
    const b = await post(s.claimant, s.id, 'claimant', longest);
    const page = await read(s.claimant, s.id, 'claimant');

    // Assess
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(texts(page)).toEqual([shaped, longest]);
  });
});

describe('the joint room', () => {
  it('opens once each side agreed (any member), never by the mediator; agreeing again changes nothing', async () => {
    // Prepare
    const s = await flows.joined({ mediator: true });
    const second = await coCounsel(s);
    const revision = async () => (await api.sessionItems(s.id)).find((i) => i.sk === 'SESSION')!.rev;
    const revBefore = await revision();

    // Act
    const early = await post(s.mediator, s.id, 'joint', 'Shall we meet?');
    const byMediator = await consent(s.mediator, s.id);
    const claimantAgrees = await consent(second, s.id);
    const claimantView = await rooms(s.claimant, s.id);
    const respondentView = await rooms(s.respondent, s.id);
    const stillClosed = await post(s.claimant, s.id, 'joint', 'Hello?');
    const respondentAgrees = await consent(s.respondent, s.id);
    const again = await consent(s.claimant, s.id);
    const opened = await post(s.mediator, s.id, 'joint', 'Welcome, everyone.');
    const everyone = await Promise.all(
      [s.claimant, second, s.respondent, s.mediator].map((who) => read(who, s.id, 'joint')),
    );

    // Assess
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('room_closed');
    expect(byMediator.status).toBe(403);
    expect(byMediator.body.error.code).toBe('forbidden');
    expect(claimantAgrees.status).toBe(200);
    expect(claimantAgrees.body.rooms.at(-1)).toMatchObject({ room: 'joint', open: false, consented: true });
    expect(claimantView.body.rooms.at(-1)).toMatchObject({ open: false, consented: true });
    // The other side is not told that the claimant side agreed.
    expect(respondentView.body.rooms.at(-1)).toMatchObject({ open: false, consented: false });
    expect(stillClosed.body.error.code).toBe('room_closed');
    expect(respondentAgrees.body.rooms.at(-1)).toMatchObject({ open: true, consented: true });
    expect(again.status).toBe(200);
    expect(again.body.rooms.at(-1)).toMatchObject({ open: true, consented: true });
    expect(opened.status).toBe(201);
    for (const res of everyone) expect(texts(res)).toEqual(['Welcome, everyone.']);
    const audit = (await api.sessionItems(s.id)).filter((i) => i.event === 'JointRoomConsented');
    expect(audit).toEqual([
      expect.objectContaining({ side: 'claimant', actor: second }),
      expect.objectContaining({ side: 'respondent', actor: s.respondent }),
    ]);
    // Rooms never write the session item (its revision).
    expect(await revision()).toBe(revBefore);
  });
});

describe('the end of a session', () => {
  it('rooms stay readable after a withdrawal and take no message or consent', async () => {
    // Prepare
    const s = await flows.opened({ mediator: true });
    const kept = await post(s.respondent, s.id, 'caucus-respondent', 'We will not go higher.');
    expect((await api.call('POST', `/sessions/${s.id}/withdraw`, { as: s.claimant, body: {} })).status).toBe(
      200,
    );

    // Act
    const readAfter = await read(s.mediator, s.id, 'caucus-respondent');
    const listed = await rooms(s.respondent, s.id);
    const late = await post(s.respondent, s.id, 'caucus-respondent', 'Wait!');
    const lateConsent = await consent(s.respondent, s.id);

    // Assess
    expect(readAfter.body.messages).toEqual([kept.body]);
    expect(listed.status).toBe(200);
    expect([late.status, late.body.error.code]).toEqual([409, 'session_ended']);
    expect([lateConsent.status, lateConsent.body.error.code]).toEqual([409, 'session_ended']);
  });

  it('an end that time made true (no timer has run yet) already refuses posts', async () => {
    // Prepare: step 2 and step 3 of a minute each, no number: the session ends with no deal.
    const s = await flows.opened({ create: { initialRoundSeconds: 60, adjustmentSeconds: 60 } });
    const before = await post(s.claimant, s.id, 'claimant', 'Anything yet?');

    // Act
    api.setClock(3 * 60_000);
    const after = await post(s.claimant, s.id, 'claimant', 'Too late.');

    // Assess
    expect(before.status).toBe(201);
    expect([after.status, after.body.error.code]).toEqual([409, 'session_ended']);
  });
});

describe('Idempotency-Key on a post', () => {
  it('a retry answers the first message and posts nothing; another text is 422; another user’s key is its own', async () => {
    // Prepare
    const s = await flows.joined();
    const second = await coCounsel(s);
    const key = { 'idempotency-key': 'post-once' };

    // Act
    const first = await post(s.claimant, s.id, 'claimant', 'Only once.', key);
    const retry = await post(s.claimant, s.id, 'claimant', 'Only once.', key);
    const other = await post(s.claimant, s.id, 'claimant', 'Something else.', key);
    const invalid = await post(s.claimant, s.id, 'claimant', '', key);
    const theirs = await post(second, s.id, 'claimant', 'Only once.', key);
    const tooLong = await post(s.claimant, s.id, 'claimant', 'Hi.', { 'idempotency-key': 'k'.repeat(256) });
    const page = await read(s.claimant, s.id, 'claimant');

    // Assess
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect([other.status, other.body.error.code]).toEqual([422, 'idempotency_key_reused']);
    expect([invalid.status, invalid.body.error.code]).toEqual([422, 'idempotency_key_reused']);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(first.body.id);
    expect(tooLong.status).toBe(400);
    expect(page.body.messages.map((m: Json) => m.id)).toEqual([first.body.id, theirs.body.id]);
    const records = (await api.sessionItems(s.id)).filter((i) => i.type === 'room-post-key');
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(Object.keys(r).sort()).toEqual(['expiresAt', 'keptUntil', 'messageId', 'pk', 'sk', 'type']);
    }
  });

  it('after 24 hours the key is free again', async () => {
    // Prepare
    const s = await flows.joined();
    const key = { 'idempotency-key': 'daily' };
    const first = await post(s.claimant, s.id, 'claimant', 'Good morning.', key);

    // Act
    api.setClock(24 * 3600_000 + 1_000);
    const nextDay = await post(s.claimant, s.id, 'claimant', 'Good morning.', key);

    // Assess
    expect(nextDay.status).toBe(201);
    expect(nextDay.body.id).not.toBe(first.body.id);
  });
});

describe('many at once', () => {
  it('200 concurrent posts to one room: none is lost, and they page back in order', async () => {
    // Prepare
    const s = await flows.joined();
    const second = await coCounsel(s);

    // Act
    const posted = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        post(i % 2 ? second : s.claimant, s.id, 'claimant', `burst ${i}`),
      ),
    );
    const pages: Json[] = [];
    let after: string | null = null;
    do {
      const res = await read(s.claimant, s.id, 'claimant', `?limit=100${after ? `&after=${after}` : ''}`);
      pages.push(...res.body.messages);
      after = res.body.next;
    } while (after);
    const listed = await rooms(s.claimant, s.id);

    // Assess: every post answered 201, each appears once, ids and times ascending.
    expect(posted.map((p) => p.status)).toEqual(Array(200).fill(201));
    expect(pages.map((m) => m.text).sort()).toEqual(posted.map((p) => p.body.text).sort());
    expect(pages.map((m) => m.id)).toEqual(posted.map((p) => p.body.id).sort());
    const times = pages.map((m) => m.sentAt);
    expect(times).toEqual([...times].sort());
    expect(listed.body.rooms[0]).toMatchObject({ messageCount: 200, lastMessageAt: times.at(-1) });
  });
});

describe('what the table keeps', () => {
  it('a message item holds its text sealed, padded to 256-byte buckets; the room item its wrapped key', async () => {
    // Prepare
    const s = await flows.joined();
    const short = 'Walk away at nine.';

    // Act
    await post(s.claimant, s.id, 'claimant', short);
    await post(s.claimant, s.id, 'claimant', 'x'.repeat(252));
    await post(s.claimant, s.id, 'claimant', 'x'.repeat(253));
    const items = await api.sessionItems(s.id);

    // Assess
    const messages = items.filter((i) => i.type === 'message');
    expect(messages.map((m) => (m.sealed as Uint8Array).length)).toEqual([
      1 + 12 + 256 + 16,
      1 + 12 + 256 + 16,
      1 + 12 + 512 + 16,
    ]);
    expect(Object.keys(messages[0]!).sort()).toEqual([
      'author',
      'id',
      'pk',
      'room',
      'sealed',
      'sentAt',
      'sk',
      'type',
    ]);
    const room = items.find((i) => i.sk === 'ROOM#claimant')!;
    expect(room).toMatchObject({ type: 'room', messageCount: 3, lastMessageId: messages[2]!.id });
    expect(room.wrappedKey).toBeInstanceOf(Uint8Array);
    const everything = JSON.stringify(items, (_k, v) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
    );
    expect(everything).not.toContain(short);
    expect(everything).not.toContain('xxxxxxxx');
  });
});
