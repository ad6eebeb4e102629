/**
 * The authorization matrix: every route of openapi.yaml × every kind of caller → the status openapi.yaml
 * requires, through the local gateway (its JWT authorizer) and the real handlers. Checks run in
 * the order 413 → 401 → 404 → 403 → 400 → 409, so a caller that fails an earlier check never
 * learns anything a later one would tell.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIdentityProvider } from '../../local/services/jwt';
import type { Caller, CapturedRuntime, RecordedResponse } from '../support/capture';
import { startCapturedRuntime } from '../support/capture';
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

type Member = 'claimant member' | 'respondent member' | 'mediator';
type Other = 'member of another session' | 'outsider';
type BadToken =
  | 'no token'
  | 'expired token'
  | 'token signed by another key'
  | 'unsigned token (alg none)'
  | 'garbage token'
  | 'unverified email';
type Kind = Member | Other | BadToken;

const MEMBERS: Member[] = ['claimant member', 'respondent member', 'mediator'];
const OTHERS: Other[] = ['member of another session', 'outsider'];
const BAD_TOKENS: BadToken[] = [
  'no token',
  'expired token',
  'token signed by another key',
  'unsigned token (alg none)',
  'garbage token',
  'unverified email',
];

/** A session with a claimant, a respondent and a mediator, and a pending invitation to the claimant side. */
interface Fixture extends Session {
  mediator: Caller;
  /** Invited to the claimant side by the claimant; has not accepted. */
  invited: Caller;
}

type State =
  | 'setup'
  | 'step 2, claimant has a number'
  | 'withdrawn'
  | 'step 3'
  | 'step 3, a mediator’s proposal open'
  | 'step 3, the claimant answered'
  | 'step 3, the claimant asked for a computed proposal'
  | 'step 3, withdrawn with a proposal open';

let rt: CapturedRuntime;
let foreign: LocalIdentityProvider;
let otherMember: Caller;
let outsider: Caller;

async function fixture(state: State): Promise<Fixture> {
  const s = await joinedSession(rt, await parties(rt, { mediator: true }), { title: 'Matrix' });
  const invited = await rt.user(freshEmail('invited'), 'invited address');
  expectStatus(
    await rt.send(s.claimant, 'POST', `/sessions/${s.id}/invitations`, {
      body: { email: invited.email, role: 'claimant' },
    }),
    201,
  );
  const f = { ...s, mediator: s.mediator!, invited };
  if (state === 'setup') return f;
  await openStep2(rt, f);
  await submit(rt, f.claimant, f.id, 123_456);
  if (state.startsWith('step 3')) return inStep3(f, state);
  if (state === 'withdrawn') {
    expectStatus(await rt.send(f.respondent, 'POST', `/sessions/${f.id}/withdraw`, { body: {} }), 200);
  }
  return f;
}

/** Step 3 (the respondent's lower offer closed step 2 without a deal), then the proposal state. */
async function inStep3(f: Fixture, state: State): Promise<Fixture> {
  await submit(rt, f.respondent, f.id, 100_000);
  await untilPhase(rt, f.claimant, f.id, 'adjustment');
  const proposals = `/sessions/${f.id}/proposals`;
  if (state === 'step 3, the claimant asked for a computed proposal') {
    expectStatus(await rt.send(f.claimant, 'POST', proposals, { body: { kind: 'computed' } }), 201);
  } else if (state !== 'step 3') {
    const mediators = { body: { kind: 'mediator', amount: 110_000 } };
    expectStatus(await rt.send(f.mediator, 'POST', proposals, mediators), 201);
  }
  const answer = (who: Caller) =>
    rt.send(who, 'POST', `${proposals}/current/answer`, { body: { accept: true } });
  if (state === 'step 3, the claimant answered') expectStatus(await answer(f.claimant), 200);
  if (state === 'step 3, withdrawn with a proposal open') {
    expectStatus(await rt.send(f.respondent, 'POST', `/sessions/${f.id}/withdraw`, { body: {} }), 200);
  }
  return f;
}

const shared = new Map<State, Promise<Fixture>>();
/** One fixture per state for the cells that change nothing; fresh ones for successful writes. */
const sharedFixture = (state: State) => {
  if (!shared.has(state)) shared.set(state, fixture(state));
  return shared.get(state)!;
};

function unsignedToken(email: string): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({
    sub: rt.identity.subjectFor(email),
    email,
    email_verified: true,
    token_use: 'id',
    iss: rt.identity.issuer,
    aud: rt.identity.audience,
    iat: now,
    exp: now + 3600,
  })}.`;
}

async function callerOf(kind: Kind, f: Fixture): Promise<Caller> {
  const email = f.claimant.email!;
  switch (kind) {
    case 'claimant member':
      return f.claimant;
    case 'respondent member':
      return f.respondent;
    case 'mediator':
      return f.mediator;
    case 'member of another session':
      return otherMember;
    case 'outsider':
      return outsider;
    // Bad tokens all carry the claimant member's address: membership does not help them.
    case 'no token':
      return { label: kind, token: null };
    case 'expired token':
      return { label: kind, token: await rt.identity.issueToken(email, { expiresInSeconds: -60 }) };
    case 'token signed by another key':
      return { label: kind, token: await foreign.issueToken(email) };
    case 'unsigned token (alg none)':
      return { label: kind, token: unsignedToken(email) };
    case 'garbage token':
      return { label: kind, token: 'not.a.jwt' };
    case 'unverified email':
      return { label: kind, email, token: await rt.identity.issueToken(email, { emailVerified: false }) };
  }
}

interface Request {
  method: string;
  path: string;
  body?: unknown;
}

type Expected = [status: number, code?: string];

interface RouteSpec {
  route: string;
  state: State;
  request: (f: Fixture) => Request | Promise<Request>;
  expect: Record<Member | Other, Expected>;
  /** Kinds whose call changes the session: each gets a fresh fixture. */
  fresh?: Kind[];
}

const NOT_FOUND: Expected = [404, 'not_found'];
const FORBIDDEN: Expected = [403, 'forbidden'];
const ROOM_NOT_FOUND: Expected = [404, 'room_not_found'];
const newSessionBody = () => ({ title: 'Mine', currency: 'EUR', myRole: 'claimant', invite: {} });

const ROUTES: RouteSpec[] = [
  {
    route: 'POST /sessions',
    state: 'setup',
    request: () => ({ method: 'POST', path: '/sessions', body: newSessionBody() }),
    expect: {
      'claimant member': [201],
      'respondent member': [201],
      mediator: [201],
      'member of another session': [201],
      outsider: [201],
    },
  },
  {
    route: 'GET /sessions',
    state: 'setup',
    request: () => ({ method: 'GET', path: '/sessions' }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: [200],
      'member of another session': [200],
      outsider: [200],
    },
  },
  {
    route: 'GET /sessions/{id}',
    state: 'step 2, claimant has a number',
    request: (f) => ({ method: 'GET', path: `/sessions/${f.id}` }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: [200],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'GET /sessions/{id}/calendar.ics',
    state: 'step 2, claimant has a number',
    request: (f) => ({ method: 'GET', path: `/sessions/${f.id}/calendar.ics` }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: [200],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'GET /sessions/{id}/calendar.ics (step 3, a mediator’s proposal open)',
    state: 'step 3, a mediator’s proposal open',
    request: (f) => ({ method: 'GET', path: `/sessions/${f.id}/calendar.ics` }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: [200],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'GET /me',
    state: 'setup',
    request: () => ({ method: 'GET', path: '/me' }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: [200],
      'member of another session': [200],
      outsider: [200],
    },
  },
  {
    route: 'PUT /me',
    state: 'setup',
    request: () => ({ method: 'PUT', path: '/me', body: { displayName: 'Matrix Person' } }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: [200],
      'member of another session': [200],
      outsider: [200],
    },
  },
  {
    route: 'GET /sessions?matterId= (the session’s matter)',
    state: 'setup',
    request: async (f) => ({
      method: 'GET',
      path: `/sessions?matterId=${(await rt.send(f.claimant, 'GET', `/sessions/${f.id}`)).json.matterId}`,
    }),
    // Everyone may ask; only members find the session in it (checked below).
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: [200],
      'member of another session': [200],
      outsider: [200],
    },
  },
  {
    route: 'POST /sessions/{id}/again (withdrawn)',
    state: 'withdrawn',
    request: (f) => ({ method: 'POST', path: `/sessions/${f.id}/again`, body: {} }),
    expect: {
      'claimant member': [201],
      'respondent member': [201],
      mediator: [201],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
    fresh: MEMBERS,
  },
  {
    route: 'POST /sessions/{id}/again (step 2: not ended)',
    state: 'step 2, claimant has a number',
    request: (f) => ({ method: 'POST', path: `/sessions/${f.id}/again`, body: {} }),
    expect: {
      'claimant member': [409, 'session_not_ended'],
      'respondent member': [409, 'session_not_ended'],
      mediator: [409, 'session_not_ended'],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/invitations (to the claimant side, which has members)',
    state: 'setup',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/invitations`,
      body: { email: freshEmail('cocounsel'), role: 'claimant' },
    }),
    expect: {
      'claimant member': [201],
      'respondent member': FORBIDDEN,
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/invitations (to the filled mediator seat)',
    state: 'setup',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/invitations`,
      body: { email: freshEmail('mediator'), role: 'mediator' },
    }),
    expect: {
      'claimant member': [409, 'role_filled'],
      'respondent member': [409, 'role_filled'],
      mediator: [409, 'role_filled'],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'DELETE /sessions/{id}/invitations/{email} (a claimant-side invitation)',
    state: 'setup',
    request: (f) => ({
      method: 'DELETE',
      path: `/sessions/${f.id}/invitations/${encodeURIComponent(f.invited.email!)}`,
    }),
    expect: {
      'claimant member': [204],
      // The other side and the mediator do not see the claimant side's invitations at all.
      'respondent member': [404, 'invitation_not_found'],
      mediator: [404, 'invitation_not_found'],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
    fresh: ['claimant member'],
  },
  {
    route: 'POST /invitations/accept (an invitation sent to another address)',
    state: 'setup',
    request: async (f) => ({
      method: 'POST',
      path: '/invitations/accept',
      body: { token: await rt.invitationToken(f.id, f.invited.email!) },
    }),
    expect: {
      'claimant member': [403, 'invitation_other_address'],
      'respondent member': [403, 'invitation_other_address'],
      mediator: [403, 'invitation_other_address'],
      'member of another session': [403, 'invitation_other_address'],
      outsider: [403, 'invitation_other_address'],
    },
  },
  {
    route: 'POST /invitations/accept (an unknown token)',
    state: 'setup',
    request: () => ({
      method: 'POST',
      path: '/invitations/accept',
      body: { token: 'bm90LWEtcmVhbC10b2tlbg' },
    }),
    expect: {
      'claimant member': [410, 'invitation_invalid'],
      'respondent member': [410, 'invitation_invalid'],
      mediator: [410, 'invitation_invalid'],
      'member of another session': [410, 'invitation_invalid'],
      outsider: [410, 'invitation_invalid'],
    },
  },
  {
    route: 'PUT /sessions/{id}/terms (step 1)',
    state: 'setup',
    request: (f) => ({
      method: 'PUT',
      path: `/sessions/${f.id}/terms`,
      body: { text: 'Release of all claims.' },
    }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: [200],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
    fresh: MEMBERS,
  },
  {
    route: 'PUT /sessions/{id}/terms (after step 1)',
    state: 'step 2, claimant has a number',
    request: (f) => ({ method: 'PUT', path: `/sessions/${f.id}/terms`, body: { text: 'Too late.' } }),
    expect: {
      'claimant member': [409, 'terms_closed'],
      'respondent member': [409, 'terms_closed'],
      mediator: [409, 'terms_closed'],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/terms/accept (step 1)',
    state: 'setup',
    request: (f) => ({ method: 'POST', path: `/sessions/${f.id}/terms/accept`, body: { version: 0 } }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
    fresh: ['claimant member', 'respondent member'],
  },
  {
    route: 'POST /sessions/{id}/terms/accept (a version that is not current)',
    state: 'setup',
    request: (f) => ({ method: 'POST', path: `/sessions/${f.id}/terms/accept`, body: { version: 7 } }),
    expect: {
      'claimant member': [409, 'terms_changed'],
      'respondent member': [409, 'terms_changed'],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'PUT /sessions/{id}/number (step 2)',
    state: 'step 2, claimant has a number',
    request: (f) => ({ method: 'PUT', path: `/sessions/${f.id}/number`, body: { amount: 98_765 } }),
    expect: {
      'claimant member': [202],
      'respondent member': [202],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
    fresh: ['claimant member', 'respondent member'],
  },
  {
    route: 'PUT /sessions/{id}/number (step 1: not open)',
    state: 'setup',
    request: (f) => ({ method: 'PUT', path: `/sessions/${f.id}/number`, body: { amount: 98_765 } }),
    expect: {
      'claimant member': [409, 'round_not_open'],
      'respondent member': [409, 'round_not_open'],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'PUT /sessions/{id}/number (ended)',
    state: 'withdrawn',
    request: (f) => ({ method: 'PUT', path: `/sessions/${f.id}/number`, body: { amount: 98_765 } }),
    expect: {
      'claimant member': [409, 'session_ended'],
      'respondent member': [409, 'session_ended'],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'GET /sessions/{id}/number (step 2)',
    state: 'step 2, claimant has a number',
    request: (f) => ({ method: 'GET', path: `/sessions/${f.id}/number` }),
    expect: {
      'claimant member': [200],
      'respondent member': [404, 'no_number'],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'GET /sessions/{id}/number (ended)',
    state: 'withdrawn',
    request: (f) => ({ method: 'GET', path: `/sessions/${f.id}/number` }),
    expect: {
      'claimant member': [409, 'session_ended'],
      'respondent member': [409, 'session_ended'],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/withdraw (step 2)',
    state: 'step 2, claimant has a number',
    request: (f) => ({ method: 'POST', path: `/sessions/${f.id}/withdraw`, body: {} }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
    fresh: ['claimant member', 'respondent member'],
  },
  {
    route: 'POST /sessions/{id}/withdraw (already withdrawn)',
    state: 'withdrawn',
    request: (f) => ({ method: 'POST', path: `/sessions/${f.id}/withdraw`, body: {} }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/proposals (a mediator’s, step 3)',
    state: 'step 3',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/proposals`,
      body: { kind: 'mediator', amount: 110_000 },
    }),
    expect: {
      'claimant member': FORBIDDEN,
      'respondent member': FORBIDDEN,
      mediator: [201],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
    fresh: ['mediator'],
  },
  {
    route: 'POST /sessions/{id}/proposals (a computed one, step 3)',
    state: 'step 3',
    request: (f) => ({ method: 'POST', path: `/sessions/${f.id}/proposals`, body: { kind: 'computed' } }),
    expect: {
      'claimant member': [201],
      'respondent member': [201],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
    fresh: ['claimant member', 'respondent member'],
  },
  {
    route: 'POST /sessions/{id}/proposals (step 2: not open)',
    state: 'step 2, claimant has a number',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/proposals`,
      body: { kind: 'mediator', amount: 110_000 },
    }),
    expect: {
      'claimant member': FORBIDDEN,
      'respondent member': FORBIDDEN,
      mediator: [409, 'round_not_open'],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/proposals (a computed one while one is open)',
    state: 'step 3, a mediator’s proposal open',
    request: (f) => ({ method: 'POST', path: `/sessions/${f.id}/proposals`, body: { kind: 'computed' } }),
    expect: {
      'claimant member': [409, 'proposal_unavailable'],
      'respondent member': [409, 'proposal_unavailable'],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/proposals (ended)',
    state: 'withdrawn',
    request: (f) => ({ method: 'POST', path: `/sessions/${f.id}/proposals`, body: { kind: 'computed' } }),
    expect: {
      'claimant member': [409, 'session_ended'],
      'respondent member': [409, 'session_ended'],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/proposals/current/consent (the claimant asked)',
    state: 'step 3, the claimant asked for a computed proposal',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/proposals/current/consent`,
      body: { consent: false },
    }),
    expect: {
      'claimant member': FORBIDDEN,
      'respondent member': [200],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
    fresh: ['respondent member'],
  },
  {
    route: 'POST /sessions/{id}/proposals/current/consent (nothing requested)',
    state: 'step 3, a mediator’s proposal open',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/proposals/current/consent`,
      body: { consent: true },
    }),
    expect: {
      'claimant member': [409, 'no_proposal'],
      'respondent member': [409, 'no_proposal'],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/proposals/current/answer (open)',
    state: 'step 3, a mediator’s proposal open',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/proposals/current/answer`,
      body: { accept: false },
    }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
    fresh: ['claimant member', 'respondent member'],
  },
  {
    route: 'POST /sessions/{id}/proposals/current/answer (the claimant has answered)',
    state: 'step 3, the claimant answered',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/proposals/current/answer`,
      body: { accept: true },
    }),
    expect: {
      'claimant member': [409, 'already_answered'],
      'respondent member': [200],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
    fresh: ['respondent member'],
  },
  {
    route: 'POST /sessions/{id}/proposals/current/answer (none open: a request)',
    state: 'step 3, the claimant asked for a computed proposal',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/proposals/current/answer`,
      body: { accept: true },
    }),
    expect: {
      'claimant member': [409, 'no_proposal'],
      'respondent member': [409, 'no_proposal'],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/proposals/current/answer (ended)',
    state: 'step 3, withdrawn with a proposal open',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/proposals/current/answer`,
      body: { accept: true },
    }),
    expect: {
      'claimant member': [409, 'session_ended'],
      'respondent member': [409, 'session_ended'],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  // Rooms (the full room × caller × state matrix: rooms-authorization.test.ts).
  {
    route: 'GET /sessions/{id}/rooms',
    state: 'step 2, claimant has a number',
    request: (f) => ({ method: 'GET', path: `/sessions/${f.id}/rooms` }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: [200],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'GET /sessions/{id}/rooms/{room}/messages (the claimant side’s room)',
    state: 'step 2, claimant has a number',
    request: (f) => ({ method: 'GET', path: `/sessions/${f.id}/rooms/claimant/messages` }),
    expect: {
      'claimant member': [200],
      'respondent member': ROOM_NOT_FOUND,
      mediator: ROOM_NOT_FOUND,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/rooms/{room}/messages (the respondent’s caucus)',
    state: 'step 2, claimant has a number',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/rooms/caucus-respondent/messages`,
      body: { text: 'A word in private.' },
    }),
    expect: {
      'claimant member': ROOM_NOT_FOUND,
      'respondent member': [201],
      mediator: [201],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/rooms/{room}/messages (the joint room, not opened)',
    state: 'setup',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/rooms/joint/messages`,
      body: { text: 'Hi.' },
    }),
    expect: {
      'claimant member': [409, 'room_closed'],
      'respondent member': [409, 'room_closed'],
      mediator: [409, 'room_closed'],
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/rooms/{room}/messages (ended)',
    state: 'withdrawn',
    request: (f) => ({
      method: 'POST',
      path: `/sessions/${f.id}/rooms/claimant/messages`,
      body: { text: 'Too late.' },
    }),
    expect: {
      'claimant member': [409, 'session_ended'],
      'respondent member': ROOM_NOT_FOUND,
      mediator: ROOM_NOT_FOUND,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
  {
    route: 'POST /sessions/{id}/rooms/joint/consent',
    state: 'step 2, claimant has a number',
    request: (f) => ({ method: 'POST', path: `/sessions/${f.id}/rooms/joint/consent`, body: {} }),
    expect: {
      'claimant member': [200],
      'respondent member': [200],
      mediator: FORBIDDEN,
      'member of another session': NOT_FOUND,
      outsider: NOT_FOUND,
    },
  },
];

interface Cell {
  spec: RouteSpec;
  kind: Kind;
  expected: Expected;
}

const CELLS: Cell[] = ROUTES.flatMap((spec) => [
  ...[...MEMBERS, ...OTHERS].map(
    (kind): Cell => ({ spec, kind, expected: spec.expect[kind as Member | Other] }),
  ),
  ...BAD_TOKENS.map((kind): Cell => ({ spec, kind, expected: [401, 'unauthorized'] })),
]);

async function call(caller: Caller, request: Request): Promise<RecordedResponse> {
  return rt.send(
    caller,
    request.method,
    request.path,
    request.body === undefined ? {} : { body: request.body },
  );
}

describe('authorization matrix', () => {
  beforeAll(async () => {
    rt = await startCapturedRuntime({ logLevel: 'WARN' });
    foreign = await LocalIdentityProvider.ephemeral();
    otherMember = await rt.user(freshEmail('othermember'), 'member of another session');
    outsider = await rt.user(freshEmail('outsider'), 'outsider');
    expectStatus(await rt.send(otherMember, 'POST', '/sessions', { body: newSessionBody() }), 201);
  });

  afterAll(async () => {
    await rt?.stop();
  });

  it.each(CELLS.map((c) => [c.spec.route, c.kind, c.expected.join(' '), c] as const))(
    '%s as %s → %s',
    async (_route, _kind, _expected, { spec, kind, expected }) => {
      // Prepare
      const f = spec.fresh?.includes(kind) ? await fixture(spec.state) : await sharedFixture(spec.state);
      const caller = await callerOf(kind, f);
      const request = await spec.request(f);

      // Act
      const res = await call(caller, request);

      // Assess: the status and code of openapi.yaml, always the JSON error shape for errors.
      expectStatus(res, expected[0], expected[1]);
      if (request.path.endsWith('/calendar.ics') && res.status === 200) {
        expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
      }
      if (res.status >= 400) {
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.json).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      }
      if (res.status === 401) expect(res.headers['www-authenticate'] ?? '').toMatch(/^Bearer|^$/);
    },
  );

  it('the accept route: the invited address joins; anyone else is told 403; a used token is 410', async () => {
    // Prepare
    const f = await fixture('setup');
    const token = await rt.invitationToken(f.id, f.invited.email!);

    // Act
    const other = await rt.send(outsider, 'POST', '/invitations/accept', { body: { token } });
    const invited = await rt.send(f.invited, 'POST', '/invitations/accept', { body: { token } });
    const reused = await rt.send(f.invited, 'POST', '/invitations/accept', { body: { token } });
    const reusedByOther = await rt.send(outsider, 'POST', '/invitations/accept', { body: { token } });

    // Assess: an invalid token is checked before the address (410 wins over 403).
    expectStatus(other, 403, 'invitation_other_address');
    expectStatus(invited, 200);
    expect(invited.json).toMatchObject({ id: f.id, myRole: 'claimant' });
    expectStatus(reused, 410, 'invitation_invalid');
    expectStatus(reusedByOther, 410, 'invitation_invalid');
  });

  it('GET /sessions lists the caller’s sessions only', async () => {
    // Prepare
    const f = await sharedFixture('setup');

    const newcomer = await rt.user(freshEmail('newcomer'), 'newcomer');

    // Act
    const lists = await Promise.all(
      [f.claimant, f.respondent, f.mediator, otherMember, outsider, newcomer].map((who) =>
        rt.send(who, 'GET', '/sessions'),
      ),
    );

    // Assess: members see it; the others see only sessions they created themselves.
    const ids = lists.map((res) => (res.json.sessions as { id: string }[]).map((s) => s.id));
    for (const mine of ids.slice(0, 3)) expect(mine).toContain(f.id);
    for (const [i, who] of [otherMember, outsider].entries()) {
      expect(ids[3 + i]).not.toContain(f.id);
      for (const session of lists[3 + i]!.json.sessions as { id: string; myRole: string }[]) {
        expect((await rt.send(who, 'GET', `/sessions/${session.id}`)).status).toBe(200);
      }
    }
    expect(ids[5]).toEqual([]);
    // Asked by matter, the same: a non-member's list of that matter is empty.
    const { matterId } = (await rt.send(f.claimant, 'GET', `/sessions/${f.id}`)).json;
    for (const who of [otherMember, outsider, newcomer]) {
      expect((await rt.send(who, 'GET', `/sessions?matterId=${matterId}`)).json).toEqual({ sessions: [] });
    }
    const byMatter = await rt.send(f.mediator, 'GET', `/sessions?matterId=${matterId}`);
    expect((byMatter.json.sessions as { id: string }[]).map((s) => s.id)).toEqual([f.id]);
  });

  it('an existing session and an unknown one look exactly the same to a non-member', async () => {
    // Prepare
    const f = await sharedFixture('step 2, claimant has a number');
    const unknown = 'AAAAAAAAAAAAAAAAAAAAAA';
    const paths = (id: string) =>
      [
        ['GET', `/sessions/${id}`],
        ['GET', `/sessions/${id}/calendar.ics`],
        ['GET', `/sessions/${id}/number`],
        ['PUT', `/sessions/${id}/number`, { amount: 5 }],
        ['PUT', `/sessions/${id}/terms`, { text: 'x' }],
        ['POST', `/sessions/${id}/withdraw`, {}],
        ['POST', `/sessions/${id}/again`, {}],
        ['POST', `/sessions/${id}/invitations`, { email: 'a@b.example', role: 'respondent' }],
        ['DELETE', `/sessions/${id}/invitations/a%40b.example`],
        ['POST', `/sessions/${id}/proposals`, { kind: 'computed' }],
        ['POST', `/sessions/${id}/proposals/current/consent`, { consent: true }],
        ['POST', `/sessions/${id}/proposals/current/answer`, { accept: true }],
        ['GET', `/sessions/${id}/rooms`],
        ['GET', `/sessions/${id}/rooms/joint/messages`],
        ['POST', `/sessions/${id}/rooms/joint/messages`, { text: 'x' }],
        ['POST', `/sessions/${id}/rooms/joint/consent`, {}],
      ] as const;

    // Act
    const answers = async (id: string) =>
      Promise.all(
        paths(id).map(([method, path, body]) =>
          rt.send(otherMember, method, path, body === undefined ? {} : { body }),
        ),
      );
    const existing = await answers(f.id);
    const missing = await answers(unknown);

    // Assess: same status, same body, same headers (but the request id).
    const shape = (r: RecordedResponse) => {
      const { date: _d, 'apigw-requestid': _r, ...headers } = r.headers;
      return { status: r.status, text: r.text, headers };
    };
    expect(existing.map(shape)).toEqual(missing.map(shape));
    expect(existing.every((r) => r.status === 404)).toBe(true);
  });

  it.each([
    {
      what: '413 before 401: an oversized body without a token',
      as: 'no token' as Kind,
      request: (f: Fixture) => ({
        method: 'PUT',
        path: `/sessions/${f.id}/number`,
        body: 'x'.repeat(70_000),
      }),
      expected: [413, 'payload_too_large'] as Expected,
    },
    {
      what: '401 before 404: no token on an unknown session',
      as: 'no token' as Kind,
      request: () => ({ method: 'GET', path: '/sessions/AAAAAAAAAAAAAAAAAAAAAA' }),
      expected: [401, 'unauthorized'] as Expected,
    },
    {
      what: '404 before 403: an outsider submitting an invalid body',
      as: 'outsider' as Kind,
      request: (f: Fixture) => ({ method: 'PUT', path: `/sessions/${f.id}/number`, body: { amount: 'x' } }),
      expected: NOT_FOUND,
    },
    {
      what: '403 before 400: the mediator submitting an invalid body',
      as: 'mediator' as Kind,
      request: (f: Fixture) => ({ method: 'PUT', path: `/sessions/${f.id}/number`, body: { amount: -1 } }),
      expected: FORBIDDEN,
    },
    {
      what: '400 before 409: an invalid number while the round is not open',
      as: 'claimant member' as Kind,
      request: (f: Fixture) => ({ method: 'PUT', path: `/sessions/${f.id}/number`, body: { amount: 1.5 } }),
      expected: [400, 'invalid_input'] as Expected,
      state: 'setup' as State,
    },
    {
      what: '403 before 400: a side naming an amount, an invalid one',
      as: 'claimant member' as Kind,
      request: (f: Fixture) => ({
        method: 'POST',
        path: `/sessions/${f.id}/proposals`,
        body: { kind: 'mediator', amount: -1, extra: true },
      }),
      expected: FORBIDDEN,
      state: 'step 3' as State,
    },
    {
      what: '403 before 400: the mediator answering with an invalid body',
      as: 'mediator' as Kind,
      request: (f: Fixture) => ({
        method: 'POST',
        path: `/sessions/${f.id}/proposals/current/answer`,
        body: { accept: 'yes' },
      }),
      expected: FORBIDDEN,
      state: 'step 3, a mediator’s proposal open' as State,
    },
    {
      what: '400 before 409: a mediator’s proposal of 0 before step 3',
      as: 'mediator' as Kind,
      request: (f: Fixture) => ({
        method: 'POST',
        path: `/sessions/${f.id}/proposals`,
        body: { kind: 'mediator', amount: 0 },
      }),
      expected: [400, 'invalid_input'] as Expected,
      state: 'setup' as State,
    },
    {
      what: '404 room before 400: the respondent posting an invalid body to the claimant side’s room',
      as: 'respondent member' as Kind,
      request: (f: Fixture) => ({
        method: 'POST',
        path: `/sessions/${f.id}/rooms/claimant/messages`,
        body: {},
      }),
      expected: ROOM_NOT_FOUND,
    },
    {
      what: '403 before 400: the mediator consenting with an invalid body',
      as: 'mediator' as Kind,
      request: (f: Fixture) => ({
        method: 'POST',
        path: `/sessions/${f.id}/rooms/joint/consent`,
        body: { open: true },
      }),
      expected: FORBIDDEN,
    },
    {
      what: '400 before 409: an empty message to the joint room that is not opened',
      as: 'claimant member' as Kind,
      request: (f: Fixture) => ({
        method: 'POST',
        path: `/sessions/${f.id}/rooms/joint/messages`,
        body: { text: '' },
      }),
      expected: [400, 'invalid_input'] as Expected,
      state: 'setup' as State,
    },
    {
      what: '405 for a wrong method on a known path',
      as: 'claimant member' as Kind,
      request: (f: Fixture) => ({ method: 'PATCH', path: `/sessions/${f.id}` }),
      expected: [405, 'method_not_allowed'] as Expected,
    },
    {
      what: '404 for an unknown path',
      as: 'claimant member' as Kind,
      request: () => ({ method: 'GET', path: '/admin' }),
      expected: [404, 'not_found'] as Expected,
    },
  ])('order of checks: $what', async ({ as, request, expected, state }) => {
    // Prepare
    const f = await sharedFixture(state ?? 'step 2, claimant has a number');
    const caller = await callerOf(as, f);

    // Act
    const res = await call(caller, request(f));

    // Assess
    expectStatus(res, expected[0], expected[1]);
  });
});
