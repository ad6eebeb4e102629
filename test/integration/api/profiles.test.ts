/**
 * `GET /me`, `PUT /me` (docs/rules.md, "Profiles") against DynamoDB Local: stored per user, shown
 * beside the email in every view of the user's sessions and in an invitation's preview; bad input
 * is a 400 that names the rule and stores nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, freshEmail } from '../../support/api-harness';
import { sessionFlows } from '../../support/session-flows';

let api: ApiHarness;
let flows: ReturnType<typeof sessionFlows>;

beforeAll(async () => {
  api = await createApiHarness();
  flows = sessionFlows(api);
});

const putMe = (as: string, body: unknown, headers?: Record<string, string>) =>
  api.call('PUT', '/me', { as, body, ...(headers ? { headers } : {}) });

describe('GET /me', () => {
  it('answers nulls for a user who never saved a profile, and 401 without a token', async () => {
    // Prepare
    const alice = freshEmail('alice');

    // Act
    const me = await api.call('GET', '/me', { as: alice });
    const anonymous = await api.call('GET', '/me', { as: null });

    // Assess
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ email: alice, displayName: null, organization: null });
    expect(anonymous.status).toBe(401);
  });
});

describe('PUT /me', () => {
  it('saves trimmed values, answers them, and GET /me reads them back', async () => {
    // Prepare
    const alice = freshEmail('alice');

    // Act
    const saved = await putMe(alice, { displayName: '  Alice Zyx Park ', organization: ' Park & Lee LLP ' });
    const read = await api.call('GET', '/me', { as: alice });

    // Assess
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({
      email: alice,
      displayName: 'Alice Zyx Park',
      organization: 'Park & Lee LLP',
    });
    expect(read.body).toEqual(saved.body);
  });

  it('clears the organization when it is left out, null or empty', async () => {
    // Prepare
    const alice = freshEmail('alice');
    await putMe(alice, { displayName: 'Alice', organization: 'Firm' });

    // Act
    const withoutIt = await putMe(alice, { displayName: 'Alice' });
    await putMe(alice, { displayName: 'Alice', organization: 'Firm' });
    const empty = await putMe(alice, { displayName: 'Alice', organization: '' });
    const asNull = await putMe(alice, { displayName: 'Alice', organization: null });

    // Assess
    for (const response of [withoutIt, empty, asNull]) expect(response.body.organization).toBeNull();
    expect((await api.call('GET', '/me', { as: alice })).body.organization).toBeNull();
  });

  it.each([
    ['no display name', { organization: 'Firm' }, 'displayName'],
    ['an empty display name', { displayName: '' }, 'displayName'],
    ['a display name of spaces', { displayName: '    ' }, 'displayName'],
    ['a display name of invisible characters', { displayName: '\u200b\u200d' }, 'displayName'],
    ['a display name over 100 code points', { displayName: 'é'.repeat(101) }, 'displayName'],
    ['a control character', { displayName: 'Al\u0007ice' }, 'displayName'],
    ['a line break in the name', { displayName: 'Al\nice' }, 'displayName'],
    ['a bidi override', { displayName: 'Al\u202eice' }, 'displayName'],
    ['a number as the name', { displayName: 42 }, 'displayName'],
    [
      'an organization over 200 code points',
      { displayName: 'Alice', organization: 'x'.repeat(201) },
      'organization',
    ],
    ['an unknown field', { displayName: 'Alice', title: 'Esq.' }, 'title'],
  ])('refuses %s with 400 naming the rule, and stores nothing', async (_case, body, field) => {
    // Prepare
    const alice = freshEmail('alice');
    await putMe(alice, { displayName: 'Before Qvx', organization: 'Before Org' });

    // Act
    const response = await putMe(alice, body);

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_input');
    expect(response.body.error.message).toContain(field);
    expect(response.rawBody).not.toContain('x'.repeat(50));
    expect((await api.call('GET', '/me', { as: alice })).body).toEqual({
      email: alice,
      displayName: 'Before Qvx',
      organization: 'Before Org',
    });
  });

  it('refuses a body that is not JSON with 415', async () => {
    // Prepare
    const alice = freshEmail('alice');

    // Act
    const response = await api.call('PUT', '/me', {
      as: alice,
      body: 'displayName=Alice',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    // Assess
    expect(response.status).toBe(415);
    expect((await api.call('GET', '/me', { as: alice })).body.displayName).toBeNull();
  });

  it('answers a retry with the same Idempotency-Key from the first save, and 422 for another body', async () => {
    // Prepare
    const alice = freshEmail('alice');
    const key = { 'idempotency-key': 'profile-1' };
    const first = await putMe(alice, { displayName: 'First Name' }, key);
    await putMe(alice, { displayName: 'Second Name' });

    // Act
    const retry = await putMe(alice, { displayName: 'First Name' }, key);
    const reused = await putMe(alice, { displayName: 'Third Name' }, key);

    // Assess
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(reused.status).toBe(422);
    expect((await api.call('GET', '/me', { as: alice })).body.displayName).toBe('Second Name');
  });
});

describe('display names in views', () => {
  it('shows each member’s display name beside the email, null for those without one, to every member', async () => {
    // Prepare
    const s = await flows.joined({ mediator: true });
    await putMe(s.claimant, { displayName: 'Claire Qwix', organization: 'Qwix LLP' });
    await putMe(s.mediator, { displayName: 'Mia Roth' });

    // Act
    const respondentView = await api.call('GET', `/sessions/${s.id}`, { as: s.respondent });
    const list = await api.call('GET', '/sessions', { as: s.respondent });

    // Assess
    const expected = {
      claimant: [{ email: s.claimant, displayName: 'Claire Qwix', status: 'joined' }],
      respondent: [{ email: s.respondent, displayName: null, status: 'joined' }],
      mediator: { email: s.mediator, displayName: 'Mia Roth', status: 'joined' },
    };
    for (const view of [respondentView.body, list.body.sessions[0]]) {
      expect(view.sides.claimant.members).toEqual(expected.claimant);
      expect(view.sides.respondent.members).toEqual(expected.respondent);
      expect(view.mediator).toEqual(expected.mediator);
    }
    // The organization is the person's own business: views show the name only.
    expect(respondentView.rawBody).not.toContain('Qwix LLP');
  });

  it('names the inviter in an invitation’s preview and a pending invitee in its own side’s view', async () => {
    // Prepare
    const claimant = freshEmail('claimant');
    const respondent = freshEmail('respondent');
    const colleague = freshEmail('colleague');
    await putMe(claimant, { displayName: 'Claire Inviter' });
    await putMe(colleague, { displayName: 'Colin Pending' });
    const created = await flows.create(claimant, { invite: { respondent } });
    await api.call('POST', `/sessions/${created.id}/invitations`, {
      as: claimant,
      body: { email: colleague, role: 'claimant' },
    });
    const token = await api.invitationToken(created.id, respondent);

    // Act
    const preview = await api.call('POST', '/invitations/preview', { as: respondent, body: { token } });
    const view = await api.call('GET', `/sessions/${created.id}`, { as: claimant });

    // Assess
    expect(preview.body.invitedBy).toEqual({ email: claimant, displayName: 'Claire Inviter' });
    expect(view.body.sides.claimant.members).toEqual([
      { email: claimant, displayName: 'Claire Inviter', status: 'joined' },
      { email: colleague, displayName: 'Colin Pending', status: 'invited' },
    ]);
  });
});
