/**
 * `POST /sessions`, `GET /sessions`, `GET /sessions/{id}` against DynamoDB Local (openapi.yaml).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, freshEmail } from '../../support/api-harness';
import { people, sessionFlows } from '../../support/session-flows';

let api: ApiHarness;
let flows: ReturnType<typeof sessionFlows>;

beforeAll(async () => {
  api = await createApiHarness();
  flows = sessionFlows(api);
});

const valid = (extra: Record<string, unknown> = {}) => ({
  title: 'Acme v. Widget',
  currency: 'USD',
  myRole: 'claimant',
  invite: {},
  ...extra,
});

describe('POST /sessions', () => {
  it('answers 201 with the view of openapi.yaml and the defaults', async () => {
    // Prepare
    const p = people();

    // Act
    const res = await api.call('POST', '/sessions', {
      as: p.claimant,
      body: valid({ invite: { respondent: p.respondent, mediator: p.mediator } }),
    });

    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      matterId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      previousSessionId: null,
      title: 'Acme v. Widget',
      caseNumber: null,
      currency: 'USD',
      myRole: 'claimant',
      phase: 'setup',
      terms: { version: 0, text: null, acceptedVersion: { claimant: null, respondent: null } },
      sides: {
        claimant: { hasNumber: false, members: [{ email: p.claimant, displayName: null, status: 'joined' }] },
        // The other side shows joined members only: the respondent's invitation is not listed.
        respondent: { hasNumber: false, members: [] },
      },
      mediator: { email: p.mediator, displayName: null, status: 'invited' },
      schedule: {
        startsAt: null,
        initialRoundEndsAt: null,
        endsAt: null,
        initialRoundSeconds: 172800,
        adjustmentSeconds: 2419200,
      },
      bonusPercent: 5,
      proposalGapPercent: 30,
      proposal: null,
      outcome: null,
    });
  });

  it('keeps the given case number, durations, bonus and requested start', async () => {
    // Prepare
    const creator = freshEmail('mediator');

    // Act
    const res = await api.call('POST', '/sessions', {
      as: creator,
      body: valid({
        myRole: 'mediator',
        caseNumber: '  2:24-cv-01234  ',
        currency: 'JPY',
        startsAt: '2030-01-02T09:00:00.000+01:00',
        initialRoundSeconds: 60,
        adjustmentSeconds: 365 * 24 * 3600,
        bonusPercent: 20,
      }),
    });

    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      caseNumber: '2:24-cv-01234',
      currency: 'JPY',
      myRole: 'mediator',
      mediator: { email: creator, displayName: null, status: 'joined' },
      schedule: {
        startsAt: '2030-01-02T08:00:00Z',
        initialRoundEndsAt: null,
        endsAt: null,
        initialRoundSeconds: 60,
        adjustmentSeconds: 31536000,
      },
      bonusPercent: 20,
    });
  });

  it('accepts a bonus of 0 and the longest initial round', async () => {
    // Act
    const res = await api.call('POST', '/sessions', {
      as: freshEmail('claimant'),
      body: valid({ bonusPercent: 0, initialRoundSeconds: 30 * 24 * 3600, adjustmentSeconds: 60 }),
    });

    // Assess
    expect(res.status).toBe(201);
    expect(res.body.bonusPercent).toBe(0);
    expect(res.body.schedule).toMatchObject({ initialRoundSeconds: 2592000, adjustmentSeconds: 60 });
  });

  it('writes the session, the creator’s member projection, the invitation projections and their outbox records', async () => {
    // Prepare
    const p = people();

    // Act
    const view = await flows.create(p.claimant, { invite: { respondent: p.respondent } });

    // Assess
    const items = await api.sessionItems(view.id);
    const byType = (type: string) => items.filter((i) => i.type === type);
    expect(byType('session')).toHaveLength(1);
    expect(byType('member')).toEqual([
      expect.objectContaining({ email: p.claimant, role: 'claimant', gsi1pk: `USER#${p.claimant}` }),
    ]);
    const [invitation] = byType('invitation');
    expect(invitation).toMatchObject({ email: p.respondent, gsi2pk: expect.stringMatching(/^INVITE#/) });
    // Only the token's hash is stored, never the token.
    const token = await api.invitationToken(view.id, p.respondent);
    expect(JSON.stringify(items)).not.toContain(token);
    expect(byType('outbox')).toEqual([
      expect.objectContaining({
        status: 'pending',
        notice: expect.objectContaining({ template: 'invitation', to: [p.respondent], role: 'respondent' }),
      }),
    ]);
    expect(byType('audit')).toEqual([
      expect.objectContaining({ event: 'SessionCreated', actor: p.claimant }),
    ]);
  });

  const tooLongTitle = 'T'.repeat(201);
  it.each([
    ['an unknown field', valid({ colour: 'blue' })],
    ['an unknown invite role', valid({ invite: { judge: 'judge@example.com' } })],
    ['a currency that is not ISO 4217', valid({ currency: 'XYZ' })],
    ['a lower-case currency', valid({ currency: 'usd' })],
    ['an initial round under 60 s', valid({ initialRoundSeconds: 59 })],
    ['an initial round over 30 days', valid({ initialRoundSeconds: 30 * 24 * 3600 + 1 })],
    ['an adjustment under 60 s', valid({ adjustmentSeconds: 59 })],
    ['an adjustment over 365 days', valid({ adjustmentSeconds: 365 * 24 * 3600 + 1 })],
    ['a fractional duration', valid({ initialRoundSeconds: 3600.5 })],
    ['a bonus of 21', valid({ bonusPercent: 21 })],
    ['a negative bonus', valid({ bonusPercent: -1 })],
    ['a bonus as a string', valid({ bonusPercent: '5' })],
    ['a title over 200 characters', valid({ title: tooLongTitle })],
    ['an empty title', valid({ title: '   ' })],
    ['no title', { currency: 'USD', myRole: 'claimant', invite: {} }],
    ['no invite object', { title: 'x', currency: 'USD', myRole: 'claimant' }],
    ['an unknown role', valid({ myRole: 'judge' })],
    ['an invalid email', valid({ invite: { respondent: 'not-an-email' } })],
    ['an invalid start', valid({ startsAt: 'next tuesday' })],
    ['a body that is not JSON', '{"title": '],
    ['a JSON array', '[]'],
  ])('answers 400 invalid_input for %s', async (_, body) => {
    // Act
    const res = await api.call('POST', '/sessions', { as: freshEmail('claimant'), body });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    // The message names the rule, never the value.
    expect(res.body.error.message).not.toContain(tooLongTitle);
    expect(res.body.error.message).not.toContain('XYZ');
    expect(res.body.error.message).not.toContain('not-an-email');
  });

  it('answers 400 for a missing body', async () => {
    // Act
    const res = await api.call('POST', '/sessions', { as: freshEmail('claimant') });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });

  it.each([
    ['inviting yourself', (me: string) => ({ respondent: me.toUpperCase() })],
    ['inviting someone to your own role', () => ({ claimant: 'co-counsel@example.com' })],
    ['one address for two roles', () => ({ respondent: 'same@example.com', mediator: 'same@example.com' })],
  ])('answers 400 for %s and creates nothing', async (_, invite) => {
    // Prepare
    const me = freshEmail('claimant');

    // Act
    const res = await api.call('POST', '/sessions', { as: me, body: valid({ invite: invite(me) }) });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    const list = await api.call('GET', '/sessions', { as: me });
    expect(list.body.sessions).toEqual([]);
  });
});

describe('GET /sessions', () => {
  it('lists only my sessions, newest created first', async () => {
    // Prepare
    const me = freshEmail('alice');
    const other = freshEmail('bob');
    const first = await flows.create(me, { title: 'First' });
    const second = await flows.create(me, { title: 'Second', myRole: 'respondent' });
    await flows.create(other, { title: 'Not mine' });
    // An invitation is not a role: the invited session is listed only once accepted.
    const invitedTo = await flows.create(other, { title: 'Invited', invite: { respondent: me } });
    const before = await api.call('GET', '/sessions', { as: me });

    // Act
    await flows.accept(me, invitedTo.id);
    const after = await api.call('GET', '/sessions', { as: me });

    // Assess
    expect(before.status).toBe(200);
    expect(before.body.sessions.map((s: { title: string }) => s.title)).toEqual(['Second', 'First']);
    expect(after.body.sessions.map((s: { id: string }) => s.id)).toEqual([invitedTo.id, second.id, first.id]);
    expect(after.body.sessions.map((s: { myRole: string }) => s.myRole)).toEqual([
      'respondent',
      'respondent',
      'claimant',
    ]);
  });

  it('answers an empty list to a user without sessions', async () => {
    // Act
    const res = await api.call('GET', '/sessions', { as: freshEmail('nobody') });

    // Assess
    expect(res).toMatchObject({ status: 200, body: { sessions: [] } });
  });
});

describe('GET /sessions/{id}', () => {
  it('answers the same view the creator got', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { mediator: p.mediator } });

    // Act
    const res = await api.call('GET', `/sessions/${created.id}`, { as: p.claimant });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created);
  });

  it('shows the mediator the joined members of both sides and no pending invitation of a side', async () => {
    // Prepare
    const s = await flows.joined({ mediator: true });
    const coCounsel = freshEmail('co-counsel');
    await api.call('POST', `/sessions/${s.id}/invitations`, {
      as: s.claimant,
      body: { email: coCounsel, role: 'claimant' },
    });

    // Act
    const asMediator = await api.call('GET', `/sessions/${s.id}`, { as: s.mediator });
    const asClaimant = await api.call('GET', `/sessions/${s.id}`, { as: s.claimant });

    // Assess
    expect(asMediator.body.myRole).toBe('mediator');
    expect(asMediator.body.sides.claimant.members).toEqual([
      { email: s.claimant, displayName: null, status: 'joined' },
    ]);
    expect(asMediator.body.sides.respondent.members).toEqual([
      { email: s.respondent, displayName: null, status: 'joined' },
    ]);
    expect(asMediator.body.mediator).toEqual({ email: s.mediator, displayName: null, status: 'joined' });
    expect(asClaimant.body.sides.claimant.members).toEqual([
      { email: s.claimant, displayName: null, status: 'joined' },
      { email: coCounsel, displayName: null, status: 'invited' },
    ]);
  });

  it('answers 404 with the same body to an outsider, an invitee who has not joined, and for an unknown id', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });

    // Act
    const outsider = await api.call('GET', `/sessions/${created.id}`, { as: freshEmail('outsider') });
    const invitee = await api.call('GET', `/sessions/${created.id}`, { as: p.respondent });
    const unknown = await api.call('GET', '/sessions/AAAAAAAAAAAAAAAAAAAAAA', { as: p.claimant });
    const garbage = await api.call('GET', `/sessions/${'x'.repeat(3000)}`, { as: p.claimant });

    // Assess
    for (const res of [outsider, invitee, unknown, garbage]) {
      expect(res.status).toBe(404);
      expect(res.rawBody).toBe(outsider.rawBody);
    }
    expect(outsider.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });
});
