/**
 * The rooms' authorization matrix (docs/rules.md, "Rooms"): every room (and a name that is no
 * room) × every kind of caller × the states that change who may do what — before a mediator
 * joined, after it joined, with the joint room opened, after the end — for reading and posting,
 * plus the room list and the joint room's consent. Through the local gateway and the real
 * handlers. The expected answers are written out here from the rules, not computed by the code
 * under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, CapturedRuntime } from '../support/capture';
import { startCapturedRuntime } from '../support/capture';
import { accept, expectStatus, freshEmail, joinedSession, openStep2, parties } from './helpers';

type State = 'no mediator yet' | 'mediator joined' | 'joint room opened' | 'ended';
type Kind =
  | 'claimant member'
  | 'claimant co-counsel'
  | 'respondent member'
  | 'mediator'
  | 'invited mediator (not joined)'
  | 'invited co-counsel (not joined)'
  | 'member of another session'
  | 'outsider';
type Room = 'claimant' | 'respondent' | 'caucus-claimant' | 'caucus-respondent' | 'joint' | 'lobby';

const STATES: State[] = ['no mediator yet', 'mediator joined', 'joint room opened', 'ended'];
const KINDS: Kind[] = [
  'claimant member',
  'claimant co-counsel',
  'respondent member',
  'mediator',
  'invited mediator (not joined)',
  'invited co-counsel (not joined)',
  'member of another session',
  'outsider',
];
const ROOMS: Room[] = ['claimant', 'respondent', 'caucus-claimant', 'caucus-respondent', 'joint', 'lobby'];

/** The rooms each kind of member sees, by state (docs/rules.md, "Rooms"); anyone else sees no session. */
function visible(kind: Kind, state: State): Room[] | null {
  const mediator = state !== 'no mediator yet';
  switch (kind) {
    case 'claimant member':
    case 'claimant co-counsel':
      return mediator ? ['claimant', 'caucus-claimant', 'joint'] : ['claimant', 'joint'];
    case 'respondent member':
      return mediator ? ['respondent', 'caucus-respondent', 'joint'] : ['respondent', 'joint'];
    case 'mediator':
      return mediator ? ['caucus-claimant', 'caucus-respondent', 'joint'] : null;
    default:
      return null;
  }
}

type Expected = [status: number, code?: string];

function expectedRead(kind: Kind, state: State, room: Room): Expected {
  const rooms = visible(kind, state);
  if (!rooms) return [404, 'not_found'];
  return rooms.includes(room) ? [200] : [404, 'room_not_found'];
}

function expectedPost(kind: Kind, state: State, room: Room): Expected {
  const read = expectedRead(kind, state, room);
  if (read[0] !== 200) return read;
  if (state === 'ended') return [409, 'session_ended'];
  if (room === 'joint' && state !== 'joint room opened') return [409, 'room_closed'];
  return [201];
}

function expectedConsent(kind: Kind, state: State): Expected {
  if (!visible(kind, state)) return [404, 'not_found'];
  if (kind === 'mediator') return [403, 'forbidden'];
  return state === 'ended' ? [409, 'session_ended'] : [200];
}

interface Fixture {
  id: string;
  callers: Record<Kind, Caller>;
}

let rt: CapturedRuntime;
let otherMember: Caller;
let outsider: Caller;
const fixtures = new Map<State, Promise<Fixture>>();

/** A session in `state`: claimant (with a co-counsel and a pending one), respondent, mediator. */
async function build(state: State): Promise<Fixture> {
  const p = await parties(rt, { mediator: true });
  const s = await joinedSession(
    rt,
    { claimant: p.claimant, respondent: p.respondent },
    { title: 'Rooms matrix' },
  );
  const coCounsel = await rt.user(freshEmail('cocounsel'), 'claimant co-counsel');
  const pending = await rt.user(freshEmail('pending'), 'invited co-counsel (not joined)');
  for (const who of [coCounsel, pending]) {
    expectStatus(
      await rt.send(s.claimant, 'POST', `/sessions/${s.id}/invitations`, {
        body: { email: who.email, role: 'claimant' },
      }),
      201,
    );
  }
  await accept(rt, coCounsel, s.id);
  expectStatus(
    await rt.send(s.claimant, 'POST', `/sessions/${s.id}/invitations`, {
      body: { email: p.mediator!.email, role: 'mediator' },
    }),
    201,
  );
  if (state !== 'no mediator yet') await accept(rt, p.mediator!, s.id);
  if (state === 'joint room opened' || state === 'ended') {
    for (const side of [s.claimant, s.respondent]) {
      expectStatus(await rt.send(side, 'POST', `/sessions/${s.id}/rooms/joint/consent`, { body: {} }), 200);
    }
  }
  if (state === 'ended') {
    await openStep2(rt, s);
    expectStatus(await rt.send(s.respondent, 'POST', `/sessions/${s.id}/withdraw`, { body: {} }), 200);
  }
  return {
    id: s.id,
    callers: {
      'claimant member': s.claimant,
      'claimant co-counsel': coCounsel,
      'respondent member': s.respondent,
      mediator: { ...p.mediator!, label: 'mediator' },
      'invited mediator (not joined)': { ...p.mediator!, label: 'invited mediator (not joined)' },
      'invited co-counsel (not joined)': pending,
      'member of another session': otherMember,
      outsider,
    },
  };
}

const fixture = (state: State) => {
  if (!fixtures.has(state)) fixtures.set(state, build(state));
  return fixtures.get(state)!;
};

/** The mediator's address is the invited mediator's: which one it is depends on the state. */
const applicable = (kind: Kind, state: State) =>
  !(kind === 'mediator' && state === 'no mediator yet') &&
  !(kind === 'invited mediator (not joined)' && state !== 'no mediator yet');

const CELLS = STATES.flatMap((state) =>
  KINDS.filter((kind) => applicable(kind, state)).flatMap((kind) =>
    ROOMS.flatMap((room) => [
      { state, kind, room, op: 'read' as const, expected: expectedRead(kind, state, room) },
      { state, kind, room, op: 'post' as const, expected: expectedPost(kind, state, room) },
    ]),
  ),
);
const LIST_CELLS = STATES.flatMap((state) =>
  KINDS.filter((kind) => applicable(kind, state)).map((kind) => ({ state, kind })),
);

describe('rooms authorization matrix', () => {
  beforeAll(async () => {
    rt = await startCapturedRuntime({ logLevel: 'WARN' });
    otherMember = await rt.user(freshEmail('othermember'), 'member of another session');
    outsider = await rt.user(freshEmail('outsider'), 'outsider');
    const theirs = await rt.send(otherMember, 'POST', '/sessions', {
      body: { title: 'Theirs', currency: 'EUR', myRole: 'claimant', invite: {} },
    });
    expectStatus(theirs, 201);
  });

  afterAll(async () => {
    await rt?.stop();
  });

  it.each(CELLS.map((c) => [c.state, c.kind, c.op, c.room, c.expected.join(' '), c] as const))(
    '%s: %s %s room %s → %s',
    async (_state, _kind, _op, _room, _expected, { state, kind, room, op, expected }) => {
      // Prepare
      const f = await fixture(state);
      const path = `/sessions/${f.id}/rooms/${room}/messages`;

      // Act
      const res =
        op === 'read'
          ? await rt.send(f.callers[kind], 'GET', path)
          : await rt.send(f.callers[kind], 'POST', path, { body: { text: `${kind} in ${room}` } });

      // Assess
      expectStatus(res, expected[0], expected[1]);
      if (res.status === 404) {
        // The same body for a room one may not see and one that does not exist.
        expect(res.json.error.message).toBe(
          expected[1] === 'room_not_found' ? 'No such room.' : 'No such session.',
        );
      }
      if (op === 'read' && res.status === 200) {
        for (const m of res.json.messages as { room: string }[]) expect(m.room).toBe(room);
      }
    },
  );

  it.each(LIST_CELLS.map((c) => [c.state, c.kind, c] as const))(
    '%s: %s lists exactly its rooms',
    async (_state, _kind, { state, kind }) => {
      // Prepare
      const f = await fixture(state);

      // Act
      const list = await rt.send(f.callers[kind], 'GET', `/sessions/${f.id}/rooms`);

      // Assess
      const rooms = visible(kind, state);
      if (!rooms) {
        expectStatus(list, 404, 'not_found');
        return;
      }
      expectStatus(list, 200);
      expect((list.json.rooms as { room: string }[]).map((r) => r.room)).toEqual(rooms);
      const joint = (list.json.rooms as { room: string; open: boolean }[]).find((r) => r.room === 'joint');
      expect(joint?.open).toBe(state === 'joint room opened' || state === 'ended');
    },
  );

  // After every read, post and list above: consenting opens the joint room of its fixture.
  it.each(LIST_CELLS.map((c) => [c.state, c.kind, expectedConsent(c.kind, c.state).join(' '), c] as const))(
    '%s: %s consents to open the joint room → %s',
    async (_state, _kind, _expected, { state, kind }) => {
      // Prepare
      const f = await fixture(state);

      // Act
      const consent = await rt.send(f.callers[kind], 'POST', `/sessions/${f.id}/rooms/joint/consent`, {
        body: {},
      });

      // Assess
      const [status, code] = expectedConsent(kind, state);
      expectStatus(consent, status, code);
    },
  );

  it('has the cells it claims: at least 300', () => {
    // Assess
    expect(CELLS.length + LIST_CELLS.length * 2).toBeGreaterThanOrEqual(300);
  });
});
