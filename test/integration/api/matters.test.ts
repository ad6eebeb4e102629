/**
 * Matters and negotiating again (docs/rules.md, "Across the life of a case") against DynamoDB
 * Local: `matterId` and `previousSessionId` in views, `GET /sessions?matterId=`, and
 * `POST /sessions/{id}/again` with its errors, its invitations and its one-time link.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, freshEmail } from '../../support/api-harness';
import { sessionFlows } from '../../support/session-flows';

let api: ApiHarness;
let flows: ReturnType<typeof sessionFlows>;

beforeAll(async () => {
  api = await createApiHarness();
  flows = sessionFlows(api);
});

afterEach(() => api.setClock(0));

const again = (as: string, id: string, body?: unknown, headers?: Record<string, string>) =>
  api.call('POST', `/sessions/${id}/again`, {
    as,
    ...(body === undefined ? {} : { body }),
    ...(headers ? { headers } : {}),
  });
const listMatter = (as: string, matterId: string) =>
  api.call('GET', `/sessions?matterId=${encodeURIComponent(matterId)}`, { as });

/** A session with terms proposed by the claimant, then withdrawn by the respondent. */
async function withdrawnWithTerms(options: { mediator?: boolean } = {}) {
  const s = await flows.joined({
    mediator: options.mediator ?? true,
    create: { caseNumber: 'CV-7781', bonusPercent: 7, initialRoundSeconds: 3600, adjustmentSeconds: 86_400 },
  });
  await api.call('PUT', `/sessions/${s.id}/terms`, {
    as: s.claimant,
    body: { text: 'Release of all claims.\nNo admission.' },
  });
  const withdrawn = await api.call('POST', `/sessions/${s.id}/withdraw`, { as: s.respondent, body: {} });
  expect(withdrawn.body.phase).toBe('withdrawn');
  return s;
}

describe('matters', () => {
  it('gives every new session a new matter and no previous session', async () => {
    // Prepare
    const alice = freshEmail('alice');

    // Act
    const first = await flows.create(alice);
    const second = await flows.create(alice);

    // Assess
    expect(first.matterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second.matterId).not.toBe(first.matterId);
    expect(first.matterId).not.toBe(first.id);
    expect(first.previousSessionId).toBeNull();
  });

  it('lists only the caller’s sessions of a matter; another’s matter and an unknown one are empty', async () => {
    // Prepare
    const alice = freshEmail('alice');
    const mine = await flows.create(alice);
    await flows.create(alice);
    const theirs = await flows.create(freshEmail('bob'));

    // Act
    const matter = await listMatter(alice, mine.matterId);
    const other = await listMatter(alice, theirs.matterId);
    const unknown = await listMatter(alice, 'A'.repeat(22));

    // Assess
    expect(matter.status).toBe(200);
    expect(matter.body.sessions.map((v: { id: string }) => v.id)).toEqual([mine.id]);
    expect(other.body).toEqual({ sessions: [] });
    expect(unknown.body).toEqual({ sessions: [] });
  });

  it.each([
    ['a malformed matter id', '/sessions?matterId=not-a-matter'],
    ['an unknown query parameter', '/sessions?owner=me'],
  ])('refuses %s with 400 naming the rule', async (_case, path) => {
    // Act
    const response = await api.call('GET', path, { as: freshEmail('alice') });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_input');
    expect(response.body.error.message).toMatch(/matterId/);
  });
});

describe('POST /sessions/{id}/again', () => {
  it('starts the matter’s next session: same settings, the caller in its role, the others invited, the terms as version 1', async () => {
    // Prepare
    const s = await withdrawnWithTerms();
    const old = (await api.call('GET', `/sessions/${s.id}`, { as: s.claimant })).body;

    // Act
    const response = await again(s.respondent, s.id, {});

    // Assess
    expect(response.status).toBe(201);
    const next = response.body;
    expect(next.id).not.toBe(s.id);
    expect(next).toMatchObject({
      matterId: old.matterId,
      previousSessionId: s.id,
      title: old.title,
      caseNumber: 'CV-7781',
      currency: old.currency,
      myRole: 'respondent',
      phase: 'setup',
      bonusPercent: 7,
      proposalGapPercent: old.proposalGapPercent,
      schedule: { initialRoundSeconds: 3600, adjustmentSeconds: 86_400, startsAt: null },
      terms: {
        version: 1,
        text: 'Release of all claims.\nNo admission.',
        acceptedVersion: { claimant: null, respondent: 1 },
      },
      outcome: null,
      proposal: null,
    });
    expect(next.sides.respondent.members).toEqual([
      { email: s.respondent, displayName: null, status: 'joined' },
    ]);
    expect(next.sides.claimant.members).toEqual([]);
    expect(next.mediator).toEqual({ email: s.mediator, displayName: null, status: 'invited' });
    // The usual single-use invitations (and emails): each former member joins with its role.
    const joined = await flows.accept(s.claimant, next.id);
    expect(joined).toMatchObject({ myRole: 'claimant', previousSessionId: s.id, matterId: old.matterId });
    const mediatorJoined = await flows.accept(s.mediator, next.id);
    expect(mediatorJoined.myRole).toBe('mediator');
    const items = await api.sessionItems(next.id);
    expect(
      items.filter((i) => i.type === 'outbox' && String(i.sk).startsWith('OUTBOX#invitation-')),
    ).toHaveLength(2);
    // The old session stays as it ended, and the matter lists both, newest first.
    expect((await api.call('GET', `/sessions/${s.id}`, { as: s.claimant })).body.phase).toBe('withdrawn');
    const matter = await listMatter(s.claimant, old.matterId);
    expect(matter.body.sessions.map((v: { id: string }) => v.id)).toEqual([next.id, s.id]);
  });

  it('accepts an empty body, and a session that ended with no deal when step 3 ran out', async () => {
    // Prepare
    const s = await flows.opened();
    api.setClock(40 * 24 * 3600_000);
    expect((await api.call('GET', `/sessions/${s.id}`, { as: s.claimant })).body.phase).toBe('no_deal');

    // Act
    const response = await again(s.claimant, s.id);

    // Assess
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      myRole: 'claimant',
      previousSessionId: s.id,
      terms: { version: 0 },
    });
    expect(response.body.sides.respondent.members).toEqual([]);
  });

  it('answers 409 session_not_ended for a session still running, and changes nothing', async () => {
    // Prepare
    const s = await flows.opened({ mediator: true });

    // Act
    const bySide = await again(s.claimant, s.id, {});
    const byMediator = await again(s.mediator, s.id, {});

    // Assess
    for (const response of [bySide, byMediator]) {
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('session_not_ended');
    }
    expect((await api.call('GET', '/sessions', { as: s.claimant })).body.sessions).toHaveLength(1);
  });

  it('answers 404 to an outsider and for an unknown id, with the same body', async () => {
    // Prepare
    const s = await withdrawnWithTerms();

    // Act
    const outsider = await again(freshEmail('eve'), s.id, {});
    const unknown = await again(s.claimant, 'B'.repeat(22), {});

    // Assess
    expect(outsider.status).toBe(404);
    expect(outsider.body).toEqual(unknown.body);
    expect((await api.call('GET', `/sessions/${s.id}`, { as: s.claimant })).body.phase).toBe('withdrawn');
  });

  it('refuses a body with fields with 400 and changes nothing', async () => {
    // Prepare
    const s = await withdrawnWithTerms();

    // Act
    const response = await again(s.claimant, s.id, { title: 'Another' });
    const afterwards = await again(s.claimant, s.id, {});

    // Assess
    expect(response.status).toBe(400);
    expect(afterwards.status).toBe(201);
  });

  it('negotiates a session again once: a second request answers 409 already_started_again', async () => {
    // Prepare
    const s = await withdrawnWithTerms();
    const first = await again(s.claimant, s.id, {});

    // Act
    const second = await again(s.mediator, s.id, {});

    // Assess
    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('already_started_again');
  });

  it('makes exactly one new session when every member asks at once', async () => {
    // Prepare
    const s = await withdrawnWithTerms();

    // Act
    const responses = await Promise.all([
      again(s.claimant, s.id, {}),
      again(s.respondent, s.id, {}),
      again(s.mediator, s.id, {}),
      again(s.claimant, s.id, {}),
    ]);

    // Assess
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    for (const refused of responses.filter((r) => r.status === 409)) {
      expect(refused.body.error.code).toBe('already_started_again');
    }
    const created = responses.find((r) => r.status === 201)!.body;
    const winner =
      created.myRole === 'mediator' ? s.mediator : s[created.myRole as 'claimant' | 'respondent'];
    const matter = (await listMatter(winner, created.matterId)).body.sessions;
    expect(matter.map((v: { id: string }) => v.id)).toEqual([created.id, s.id]);
  });

  it('invites every former member again, and a side’s second member can still join after the first', async () => {
    // Prepare
    const s = await flows.joined();
    const colleague = freshEmail('colleague');
    await api.call('POST', `/sessions/${s.id}/invitations`, {
      as: s.claimant,
      body: { email: colleague, role: 'claimant' },
    });
    await flows.accept(colleague, s.id);
    await api.call('POST', `/sessions/${s.id}/withdraw`, { as: s.claimant, body: {} });

    // Act
    const next = (await again(s.respondent, s.id, {})).body;
    const first = await flows.accept(s.claimant, next.id);
    const second = await flows.accept(colleague, next.id);

    // Assess
    expect(first.myRole).toBe('claimant');
    expect(second.sides.claimant.members.map((m: { email: string }) => m.email)).toEqual([
      s.claimant,
      colleague,
    ]);
  });

  it('answers a retry with the same Idempotency-Key with the first new session', async () => {
    // Prepare
    const s = await withdrawnWithTerms();
    const key = { 'idempotency-key': 'again-1' };
    const first = await again(s.claimant, s.id, {}, key);

    // Act
    const retry = await again(s.claimant, s.id, {}, key);

    // Assess
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
  });
});
