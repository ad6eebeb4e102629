/**
 * Room messages leak nowhere (docs/rules.md, "Rooms"; SECURITY.md). Every member writes in every
 * room it may, with texts that carry a distinctive token per room; every party (and outsiders)
 * reads everything it can reach. Then each token is looked for in everything captured: every HTTP
 * response (a token may appear only in a response to a member of its own room, on that room's
 * messages), all log output at DEBUG, a full table scan (audit entries and Idempotency-Key records
 * included), every stream record, every email and the data folder's files — binary attributes
 * decoded, so a plaintext inside a stored blob would be found too. And the seal itself: a
 * ciphertext copied to another room or session does not open, and the messages key and the numbers
 * key cannot open each other's ciphertexts.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_NAME } from '../../local/runtime';
import { LocalDataKeys } from '../../shared/adapters/local-data-keys';
import { EnvelopeSealer } from '../../shared/adapters/message-envelope';
import type { Caller, CapturedRuntime, RecordedResponse } from '../support/capture';
import { startCapturedRuntime } from '../support/capture';
import {
  accept,
  expectStatus,
  freshEmail,
  joinedSession,
  openStep2,
  parties,
  partition,
  submit,
} from './helpers';

type Room = 'claimant' | 'respondent' | 'caucus-claimant' | 'caucus-respondent' | 'joint';
const ROOMS: Room[] = ['claimant', 'respondent', 'caucus-claimant', 'caucus-respondent', 'joint'];

/** A token no other text contains: letters only (no digit run a number scan would care about). */
const token = (room: string) =>
  `Qx${room.replace(/[^a-z]/g, '')}${randomBytes(6)
    .toString('hex')
    .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]!)}Zv`;

let rt: CapturedRuntime;

interface Scene {
  id: string;
  members: Record<'claimant' | 'coCounsel' | 'respondent' | 'mediator', Caller>;
  /** The token of each room of this session. */
  tokens: Record<Room, string>;
}

/** Who may read which room (the rules, written out). */
const READERS: Record<Room, (keyof Scene['members'])[]> = {
  claimant: ['claimant', 'coCounsel'],
  respondent: ['respondent'],
  'caucus-claimant': ['claimant', 'coCounsel', 'mediator'],
  'caucus-respondent': ['respondent', 'mediator'],
  joint: ['claimant', 'coCounsel', 'respondent', 'mediator'],
};

const scenes: Scene[] = [];

/** A session with a claimant (and co-counsel), a respondent and a mediator, the joint room opened. */
async function scene(title: string): Promise<Scene> {
  const p = await parties(rt, { mediator: true });
  const s = await joinedSession(rt, p, { title });
  const coCounsel = await rt.user(freshEmail('cocounsel'), `${title}: claimant co-counsel`);
  expectStatus(
    await rt.send(s.claimant, 'POST', `/sessions/${s.id}/invitations`, {
      body: { email: coCounsel.email, role: 'claimant' },
    }),
    201,
  );
  await accept(rt, coCounsel, s.id);
  for (const side of [coCounsel, s.respondent]) {
    expectStatus(await rt.send(side, 'POST', `/sessions/${s.id}/rooms/joint/consent`, { body: {} }), 200);
  }
  const label = (c: Caller, role: string) => ({ ...c, label: `${title}: ${role}` });
  const made: Scene = {
    id: s.id,
    members: {
      claimant: label(s.claimant, 'claimant'),
      coCounsel,
      respondent: label(s.respondent, 'respondent'),
      mediator: label(s.mediator!, 'mediator'),
    },
    tokens: Object.fromEntries(ROOMS.map((room) => [room, token(room)])) as Record<Room, string>,
  };
  scenes.push(made);
  return made;
}

/** Every member writes in each of its rooms; a post with an Idempotency-Key too. */
async function talk(s: Scene) {
  for (const room of ROOMS) {
    for (const [i, name] of READERS[room].entries()) {
      const res = await rt.send(s.members[name], 'POST', `/sessions/${s.id}/rooms/${room}/messages`, {
        body: { text: `${name} says: ${s.tokens[room]}\nline ${i}` },
        ...(i === 0 ? { headers: { 'idempotency-key': `leak-${room}` } } : {}),
      });
      expectStatus(res, 201);
    }
  }
}

/** Every party reads everything, the rooms it may not see included; outsiders try too. */
async function lookAround(s: Scene, outsiders: Caller[]) {
  for (const who of [...Object.values(s.members), ...outsiders]) {
    await rt.send(who, 'GET', `/sessions/${s.id}/rooms`);
    for (const room of ROOMS) {
      await rt.send(who, 'GET', `/sessions/${s.id}/rooms/${room}/messages`);
      await rt.send(
        who,
        'GET',
        `/sessions/${s.id}/rooms/${room}/messages?before=7ZZZZZZZZZZZZZZZZZZZZZZZZZ&limit=1`,
      );
    }
  }
}

const MESSAGES_PATH = /^\/sessions\/([^/]+)\/rooms\/([^/]+)\/messages(\?.*)?$/;

/** The tokens a response may carry: its own room's, to a member of that room, on that room's messages. */
function allowedIn(res: RecordedResponse): Set<string> {
  const match = MESSAGES_PATH.exec(res.path);
  if (!match || res.status >= 300) return new Set();
  const s = scenes.find((x) => x.id === match[1]);
  const room = match[2] as Room;
  if (!s || !ROOMS.includes(room)) return new Set();
  const member = READERS[room].some((name) => s.members[name].email === res.caller.email);
  return member ? new Set([s.tokens[room]]) : new Set();
}

/** JSON with every binary value decoded as Latin-1 text (table items as bytes; stream records' `B` as base64). */
function decoded(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
    if (key === 'B' && typeof v === 'string') return Buffer.from(v, 'base64').toString('latin1');
    return v;
  });
}

/** Each place where a token shows up where it must not. */
async function leaks(): Promise<string[]> {
  await rt.settle();
  const tokens = scenes.flatMap((s) => Object.values(s.tokens));
  const found: string[] = [];
  for (const res of rt.responses) {
    const allowed = allowedIn(res);
    const text = `${res.text}\n${JSON.stringify(res.headers)}`;
    for (const t of tokens) {
      if (!allowed.has(t) && text.includes(t))
        found.push(`response to ${res.caller.label} ${res.method} ${res.path}`);
    }
  }
  const items = await rt.items();
  const channels: [string, string][] = [
    ['log output', rt.output.text()],
    ['table scan', decoded(items)],
    ['audit entries', decoded(items.filter((i) => i.type === 'audit'))],
    ['stream records', decoded(await rt.streamRecords())],
    ['emails', JSON.stringify(await rt.emails())],
    ...rt.dataFiles().map((f): [string, string] => [`data file ${f.path}`, f.bytes.toString('latin1')]),
  ];
  for (const [name, text] of channels) {
    for (const t of tokens) {
      for (const form of [
        t,
        Buffer.from(t).toString('base64').slice(0, -4),
        Buffer.from(t).toString('hex'),
      ]) {
        if (text.includes(form)) found.push(`${name}: ${t}`);
      }
    }
  }
  return found;
}

describe('room messages leak nowhere', () => {
  let outsider: Caller;
  let stranger: Caller;

  beforeAll(async () => {
    rt = await startCapturedRuntime();
    outsider = await rt.user(freshEmail('outsider'), 'outsider');
    stranger = await rt.user(freshEmail('stranger'), 'member of another session');
    expectStatus(
      await rt.send(stranger, 'POST', '/sessions', {
        body: { title: 'Elsewhere', currency: 'USD', myRole: 'respondent', invite: {} },
      }),
      201,
    );
  });

  afterAll(async () => {
    await rt?.stop();
  });

  it('each room’s text reaches its own members’ reads of that room and nothing else', async () => {
    // Prepare: two sessions, every room of each holding messages.
    const a = await scene('Leaks A');
    const b = await scene('Leaks B');

    // Act
    await talk(a);
    await talk(b);
    await lookAround(a, [outsider, stranger, b.members.claimant]);
    await lookAround(b, [outsider, stranger, a.members.mediator]);
    await openStep2(rt, { id: a.id, claimant: a.members.claimant, respondent: a.members.respondent });
    expectStatus(await rt.send(a.members.claimant, 'POST', `/sessions/${a.id}/withdraw`, { body: {} }), 200);
    await lookAround(a, [outsider]);

    // Assess: the members did read their rooms (the scan is not vacuous) …
    const reads = rt.responses.filter((r) => r.status === 200 && allowedIn(r).size > 0);
    for (const s of [a, b])
      for (const t of Object.values(s.tokens)) expect(reads.some((r) => r.text.includes(t))).toBe(true);
    // … the capture saw the rooms function's logs, consents in the audit trail, message items …
    expect(rt.output.text()).toContain('"service":"rooms"');
    const items = await rt.items();
    expect(items.filter((i) => i.event === 'JointRoomConsented')).toHaveLength(4);
    expect(items.filter((i) => i.type === 'message')).toHaveLength(2 * 12);
    expect(items.filter((i) => i.type === 'room-post-key')).toHaveLength(2 * 5);
    // … and no token is anywhere it must not be.
    expect(await leaks()).toEqual([]);
  });

  it('a ciphertext copied to another room or another session does not open, and shows nothing', async () => {
    // Prepare: a message in A's claimant room; its item copied into A's respondent room and into
    // B's claimant room (each room's item pointed at it, as an operator with write access could).
    const a = await scene('Copies A');
    const b = await scene('Copies B');
    const secret = token('copied');
    const posted = await rt.send(a.members.claimant, 'POST', `/sessions/${a.id}/rooms/claimant/messages`, {
      body: { text: secret },
    });
    expectStatus(posted, 201);
    for (const s of [a, b]) {
      expectStatus(
        await rt.send(s.members.respondent, 'POST', `/sessions/${s.id}/rooms/respondent/messages`, {
          body: { text: 'mine' },
        }),
        201,
      );
    }
    const original = (await partition(rt, a.id)).find((i) => i.type === 'message' && i.room === 'claimant')!;
    const claimantRoomOfA = (await partition(rt, a.id)).find((i) => i.sk === 'ROOM#claimant')!;
    const forge = async (item: Record<string, unknown>) =>
      rt.db.send(new PutItemCommand({ TableName: TABLE_NAME, Item: marshall(item) }));
    await forge({ ...original, sk: `ROOM#respondent#${original.id}`, room: 'respondent' });
    await forge({ ...original, pk: `SESSION#${b.id}` });
    await forge({ ...claimantRoomOfA, pk: `SESSION#${b.id}` });

    // Act
    const otherRoom = await rt.send(
      a.members.respondent,
      'GET',
      `/sessions/${a.id}/rooms/respondent/messages`,
    );
    const otherSession = await rt.send(
      b.members.claimant,
      'GET',
      `/sessions/${b.id}/rooms/claimant/messages`,
    );
    const own = await rt.send(a.members.claimant, 'GET', `/sessions/${a.id}/rooms/claimant/messages`);

    // Assess
    for (const res of [otherRoom, otherSession]) {
      expectStatus(res, 503, 'service_unavailable');
      expect(res.text).not.toContain(secret);
    }
    expect(own.json.messages.map((m: { text: string }) => m.text)).toEqual([secret]);
    expect(rt.output.text()).not.toContain(secret);
  });

  it('the messages key opens what the rooms store; the numbers key opens none of it, nor the messages key a number', async () => {
    // Prepare: a message and a number in one session, as an operator holding the local key files sees them.
    const s = await scene('Keys');
    await openStep2(rt, { id: s.id, claimant: s.members.claimant, respondent: s.members.respondent });
    await submit(rt, s.members.claimant, s.id, 4_718_293_065);
    const secret = token('keys');
    expectStatus(
      await rt.send(s.members.mediator, 'POST', `/sessions/${s.id}/rooms/joint/messages`, {
        body: { text: secret },
      }),
      201,
    );
    const items = await partition(rt, s.id);
    const message = items.find((i) => i.type === 'message')!;
    const room = items.find((i) => i.sk === 'ROOM#joint')!;
    const sealedNumber = Object.values(
      items.find((i) => i.sk === 'SESSION')!.sealed as Record<string, Uint8Array>,
    )[0]!;
    const keys = join(rt.dataDir, 'keys');
    const messagesKey = await LocalDataKeys.fromKeyFile(join(keys, 'messages.key'));
    const numbersKeyAsMessagesKey = await LocalDataKeys.fromKeyFile(join(keys, 'sealer.key'));
    const context = {
      sessionId: s.id,
      room: 'joint' as const,
      id: message.id as string,
      author: message.author as string,
    };
    const attempt = async (run: () => Promise<unknown>) => {
      try {
        await run();
        return 'opened';
      } catch {
        return 'refused';
      }
    };

    // Act
    const opened = await new EnvelopeSealer(messagesKey).open(
      message.sealed as Uint8Array,
      context,
      room.wrappedKey as Uint8Array,
    );
    const withNumbersKey = await attempt(() =>
      new EnvelopeSealer(numbersKeyAsMessagesKey).open(
        message.sealed as Uint8Array,
        context,
        room.wrappedKey as Uint8Array,
      ),
    );
    const numberAsMessage = await attempt(() =>
      new EnvelopeSealer(messagesKey).open(sealedNumber, context, room.wrappedKey as Uint8Array),
    );
    const numberAsRoomKey = await attempt(() =>
      messagesKey.unwrap(sealedNumber, { sessionId: s.id, room: 'joint' }),
    );
    const numbersSealer = await rt.sealer();
    const messageAsNumber = await attempt(() =>
      numbersSealer.openNumber(message.sealed as Uint8Array, { sessionId: s.id, side: 'claimant', seq: 1 }),
    );
    const roomKeyAsNumber = await attempt(() =>
      numbersSealer.openNumber(room.wrappedKey as Uint8Array, { sessionId: s.id, side: 'claimant', seq: 1 }),
    );

    // Assess
    expect(opened).toBe(secret);
    expect([withNumbersKey, numberAsMessage, numberAsRoomKey, messageAsNumber, roomKeyAsNumber]).toEqual(
      Array(5).fill('refused'),
    );
    expect(await numbersSealer.openNumber(sealedNumber, { sessionId: s.id, side: 'claimant', seq: 1 })).toBe(
      4_718_293_065n,
    );
  });
});
