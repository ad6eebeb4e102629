/**
 * Invitations (docs/rules.md, "People and roles"): `POST /sessions/{id}/invitations`, `DELETE
 * /sessions/{id}/invitations/{email}` and `POST /invitations/accept`, against DynamoDB Local.
 */
import { randomBytes } from 'node:crypto';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, freshEmail } from '../../support/api-harness';
import { people, sessionFlows } from '../../support/session-flows';

let api: ApiHarness;
let flows: ReturnType<typeof sessionFlows>;

beforeAll(async () => {
  api = await createApiHarness();
  flows = sessionFlows(api);
});

afterEach(() => api.setClock(0));

const DAY = 24 * 3600_000;

const invite = (as: string, id: string, email: string, role: string) =>
  api.call('POST', `/sessions/${id}/invitations`, { as, body: { email, role } });
const revoke = (as: string, id: string, email: string) =>
  api.call('DELETE', `/sessions/${id}/invitations/${encodeURIComponent(email)}`, { as });
const accept = (as: string, token: string) =>
  api.call('POST', '/invitations/accept', { as, body: { token } });
const view = (as: string, id: string) => api.call('GET', `/sessions/${id}`, { as });

describe('POST /sessions/{id}/invitations', () => {
  it('answers 201 {email, role, expiresAt} fourteen days ahead, the address normalised', async () => {
    // Prepare
    const s = await flows.joined();
    const coCounsel = freshEmail('co-counsel');
    const before = Date.now();

    // Act
    const res = await invite(s.claimant, s.id, `  ${coCounsel.toUpperCase()} `, 'claimant');

    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ email: coCounsel, role: 'claimant', expiresAt: expect.any(String) });
    const expiresAt = Date.parse(res.body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor((before + 14 * DAY) / 1000) * 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 14 * DAY);
    const outbox = (await api.sessionItems(s.id)).filter(
      (i) => i.type === 'outbox' && (i.notice as { to: string[] }).to.includes(coCounsel),
    );
    expect(outbox).toHaveLength(1);
  });

  it('lets anyone in the session invite to an empty role', async () => {
    // Prepare: the mediator created the session; nobody holds either side yet.
    const p = people();
    const created = await flows.create(p.mediator, { myRole: 'mediator', invite: { claimant: p.claimant } });
    await flows.accept(p.claimant, created.id);

    // Act: the mediator and the claimant both invite to the empty respondent side.
    const byMediator = await invite(p.mediator, created.id, freshEmail('r1'), 'respondent');
    const byClaimant = await invite(p.claimant, created.id, freshEmail('r2'), 'respondent');

    // Assess
    expect(byMediator.status).toBe(201);
    expect(byClaimant.status).toBe(201);
  });

  it('answers 403 to inviting to the other side once it has a member, from a side or the mediator', async () => {
    // Prepare
    const s = await flows.joined({ mediator: true });

    // Act
    const byClaimant = await invite(s.claimant, s.id, freshEmail('x'), 'respondent');
    const byMediator = await invite(s.mediator, s.id, freshEmail('y'), 'claimant');
    // 403 comes before 400: an invalid address does not change the answer.
    const invalidToo = await invite(s.claimant, s.id, 'not-an-email', 'respondent');

    // Assess
    for (const res of [byClaimant, byMediator, invalidToo]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('lets a side invite its own co-counsel', async () => {
    // Prepare
    const s = await flows.joined();

    // Act
    const res = await invite(s.respondent, s.id, freshEmail('co'), 'respondent');

    // Assess
    expect(res.status).toBe(201);
  });

  it('answers 409 already_member for an address that holds a role, whatever the role asked', async () => {
    // Prepare
    const s = await flows.joined();

    // Act
    const sameRole = await invite(s.claimant, s.id, s.claimant, 'claimant');
    const otherRole = await invite(s.claimant, s.id, s.respondent, 'mediator');

    // Assess
    expect(sameRole.status).toBe(409);
    expect(sameRole.body.error.code).toBe('already_member');
    expect(otherRole.status).toBe(409);
    expect(otherRole.body.error.code).toBe('already_member');
  });

  it('answers 409 role_filled for the mediator seat once it is taken', async () => {
    // Prepare
    const s = await flows.joined({ mediator: true });

    // Act
    const res = await invite(s.claimant, s.id, freshEmail('second-mediator'), 'mediator');

    // Assess
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('role_filled');
  });

  it('keeps one open invitation per address: a new one replaces it and the old token dies', async () => {
    // Prepare
    const s = await flows.joined();
    const coCounsel = freshEmail('co');
    await invite(s.claimant, s.id, coCounsel, 'claimant');
    const oldToken = await api.invitationToken(s.id, coCounsel);

    // Act
    const again = await invite(s.claimant, s.id, coCounsel, 'claimant');
    const newToken = await api.invitationToken(s.id, coCounsel);
    const withOld = await accept(coCounsel, oldToken);
    const listed = await view(s.claimant, s.id);
    const withNew = await accept(coCounsel, newToken);

    // Assess
    expect(again.status).toBe(201);
    expect(newToken).not.toBe(oldToken);
    expect(withOld.status).toBe(410);
    expect(withOld.body.error.code).toBe('invitation_invalid');
    expect(listed.body.sides.claimant.members).toEqual([
      { email: s.claimant, displayName: null, status: 'joined' },
      { email: coCounsel, displayName: null, status: 'invited' },
    ]);
    expect(withNew.status).toBe(200);
    expect(withNew.body.myRole).toBe('claimant');
  });

  it('allows 20 invitations a session in 24 hours of the business clock, then 429', async () => {
    // Prepare: creating the session already issued one invitation.
    const s = await flows.joined();
    for (let i = 0; i < 19; i++) {
      const res = await invite(s.claimant, s.id, freshEmail(`co${i}`), 'claimant');
      expect(res.status).toBe(201);
    }

    // Act
    const twentyFirst = await invite(s.claimant, s.id, freshEmail('one-too-many'), 'claimant');
    api.setClock(DAY + 60_000);
    const nextDay = await invite(s.claimant, s.id, freshEmail('next-day'), 'claimant');

    // Assess
    expect(twentyFirst.status).toBe(429);
    expect(twentyFirst.body.error.code).toBe('too_many_invitations');
    expect(nextDay.status).toBe(201);
  });

  it('shows a side its own pending invitations as invited, and not the other side’s', async () => {
    // Prepare
    const s = await flows.joined();
    const claimantCo = freshEmail('claimant-co');
    const respondentCo = freshEmail('respondent-co');

    // Act
    await invite(s.claimant, s.id, claimantCo, 'claimant');
    await invite(s.respondent, s.id, respondentCo, 'respondent');
    const asClaimant = await view(s.claimant, s.id);
    const asRespondent = await view(s.respondent, s.id);

    // Assess
    expect(asClaimant.body.sides).toEqual({
      claimant: {
        hasNumber: false,
        members: [
          { email: s.claimant, displayName: null, status: 'joined' },
          { email: claimantCo, displayName: null, status: 'invited' },
        ],
      },
      respondent: {
        hasNumber: false,
        members: [{ email: s.respondent, displayName: null, status: 'joined' }],
      },
    });
    expect(asRespondent.body.sides).toEqual({
      claimant: { hasNumber: false, members: [{ email: s.claimant, displayName: null, status: 'joined' }] },
      respondent: {
        hasNumber: false,
        members: [
          { email: s.respondent, displayName: null, status: 'joined' },
          { email: respondentCo, displayName: null, status: 'invited' },
        ],
      },
    });
  });

  it('answers 404 to an outsider and for an unknown session, before looking at the body', async () => {
    // Prepare
    const s = await flows.joined();

    // Act
    const outsider = await api.call('POST', `/sessions/${s.id}/invitations`, {
      as: freshEmail('outsider'),
      body: { nonsense: true },
    });
    const unknown = await invite(s.claimant, 'AAAAAAAAAAAAAAAAAAAAAA', freshEmail('x'), 'claimant');

    // Assess
    expect(outsider.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(outsider.rawBody).toBe(unknown.rawBody);
  });

  it.each([
    ['an invalid address', { email: 'nope', role: 'claimant' }],
    ['an unknown role', { email: 'x@example.com', role: 'judge' }],
    ['an unknown field', { email: 'x@example.com', role: 'claimant', note: 'hi' }],
    ['no role', { email: 'x@example.com' }],
  ])('answers 400 for %s', async (_, body) => {
    // Prepare
    const s = await flows.joined();

    // Act
    const res = await api.call('POST', `/sessions/${s.id}/invitations`, { as: s.claimant, body });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });

  it('answers 409 session_ended once the session has ended', async () => {
    // Prepare
    const s = await flows.joined();
    await api.call('POST', `/sessions/${s.id}/withdraw`, { as: s.claimant, body: {} });

    // Act
    const res = await invite(s.claimant, s.id, freshEmail('late'), 'claimant');

    // Assess
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('session_ended');
  });
});

describe('DELETE /sessions/{id}/invitations/{email}', () => {
  it('answers 204; the token then answers 410 and the invitation is gone from the view and the table', async () => {
    // Prepare
    const s = await flows.joined();
    const coCounsel = freshEmail('co');
    await invite(s.claimant, s.id, coCounsel, 'claimant');
    const token = await api.invitationToken(s.id, coCounsel);

    // Act
    const res = await revoke(s.claimant, s.id, coCounsel.toUpperCase());
    const accepted = await accept(coCounsel, token);

    // Assess
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(accepted.status).toBe(410);
    expect(accepted.body.error.code).toBe('invitation_invalid');
    expect((await view(s.claimant, s.id)).body.sides.claimant.members).toEqual([
      { email: s.claimant, displayName: null, status: 'joined' },
    ]);
    const items = await api.sessionItems(s.id);
    expect(items.filter((i) => i.type === 'invitation')).toEqual([]);
  });

  it('lets another member of the side revoke its invitation, and answers 404 for it afterwards', async () => {
    // Prepare: the respondent invites co-counsel, who joins and revokes a third invitation.
    const s = await flows.joined();
    const co = freshEmail('co');
    const third = freshEmail('third');
    await invite(s.respondent, s.id, co, 'respondent');
    await flows.accept(co, s.id);
    await invite(s.respondent, s.id, third, 'respondent');

    // Act
    const first = await revoke(co, s.id, third);
    const again = await revoke(co, s.id, third);

    // Assess
    expect(first.status).toBe(204);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('invitation_not_found');
  });

  it('answers 404 invitation_not_found for the other side’s invitation, as if it did not exist', async () => {
    // Prepare
    const s = await flows.joined();
    const respondentCo = freshEmail('respondent-co');
    await invite(s.respondent, s.id, respondentCo, 'respondent');

    // Act
    const res = await revoke(s.claimant, s.id, respondentCo);
    const none = await revoke(s.claimant, s.id, freshEmail('never-invited'));

    // Assess
    expect(res.status).toBe(404);
    expect(res.rawBody).toBe(none.rawBody);
    expect(await accept(respondentCo, await api.invitationToken(s.id, respondentCo))).toMatchObject({
      status: 200,
    });
  });

  it('lets the creator revoke the invitation it sent to the other, still empty, side', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });

    // Act
    const res = await revoke(p.claimant, created.id, p.respondent);

    // Assess
    expect(res.status).toBe(204);
  });

  it('lets a side revoke the invitation another of its members sent to the still-empty other side', async () => {
    // Prepare: the claimant's co-counsel joins; the creator then invites the first respondent.
    const p = people();
    const co = freshEmail('claimant-co');
    const created = await flows.create(p.claimant, { invite: {} });
    await invite(p.claimant, created.id, co, 'claimant');
    await flows.accept(co, created.id);
    await invite(p.claimant, created.id, p.respondent, 'respondent');
    const token = await api.invitationToken(created.id, p.respondent);

    // Act
    const res = await revoke(co, created.id, p.respondent);

    // Assess
    expect(res.status).toBe(204);
    expect((await accept(p.respondent, token)).status).toBe(410);
  });

  it('answers 404 for an address that cannot be decoded, never a 500', async () => {
    // Prepare
    const s = await flows.joined();

    // Act: API Gateway decodes `100%25` to `100%`, which does not decode again.
    const res = await api.call('DELETE', `/sessions/${s.id}/invitations/100%25`, { as: s.claimant });

    // Assess
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('invitation_not_found');
  });

  it('answers 404 not_found to an outsider', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });

    // Act
    const res = await revoke(freshEmail('outsider'), created.id, p.respondent);

    // Assess
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('POST /invitations/accept', () => {
  it('answers 200 with the view of the new member', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });
    const token = await api.invitationToken(created.id, p.respondent);

    // Act
    const res = await accept(p.respondent, token);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: created.id,
      myRole: 'respondent',
      phase: 'setup',
      sides: {
        claimant: { members: [{ email: p.claimant, displayName: null, status: 'joined' }] },
        respondent: { members: [{ email: p.respondent, displayName: null, status: 'joined' }] },
      },
    });
    const listed = await api.call('GET', '/sessions', { as: p.respondent });
    expect(listed.body.sessions.map((x: { id: string }) => x.id)).toEqual([created.id]);
  });

  it('answers 410 invitation_invalid for an unknown token', async () => {
    // Act
    const res = await accept(freshEmail('someone'), randomBytes(32).toString('base64url'));

    // Assess
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('invitation_invalid');
  });

  it('answers 410 for a used token, to its owner and to anyone else', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });
    const token = await api.invitationToken(created.id, p.respondent);
    await accept(p.respondent, token);

    // Act
    const again = await accept(p.respondent, token);
    const other = await accept(freshEmail('thief'), token);

    // Assess
    expect(again.status).toBe(410);
    expect(other.status).toBe(410);
    expect(other.rawBody).toBe(again.rawBody);
  });

  it('answers 410 once the invitation is 14 days old, by the business clock', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });
    const token = await api.invitationToken(created.id, p.respondent);

    // Act
    api.setClock(14 * DAY);
    const res = await accept(p.respondent, token);

    // Assess
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('invitation_invalid');
  });

  it('still accepts an invitation a minute before it expires', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });
    const token = await api.invitationToken(created.id, p.respondent);

    // Act
    api.setClock(14 * DAY - 60_000);
    const res = await accept(p.respondent, token);

    // Assess
    expect(res.status).toBe(200);
  });

  it('answers 410 for a revoked invitation', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });
    const token = await api.invitationToken(created.id, p.respondent);
    await revoke(p.claimant, created.id, p.respondent);

    // Act
    const res = await accept(p.respondent, token);

    // Assess
    expect(res.status).toBe(410);
  });

  it('answers 403 invitation_other_address to another address, and the invitation stays usable', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });
    const token = await api.invitationToken(created.id, p.respondent);

    // Act
    const res = await accept(freshEmail('forwarded-to'), token);

    // Assess
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('invitation_other_address');
    expect((await accept(p.respondent, token)).status).toBe(200);
  });

  it('checks the token before the address: 410 wins over 403', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });
    const token = await api.invitationToken(created.id, p.respondent);
    await revoke(p.claimant, created.id, p.respondent);

    // Act
    const res = await accept(freshEmail('someone-else'), token);

    // Assess
    expect(res.status).toBe(410);
  });

  it('answers 409 already_member to an invitee who holds a role by the time it accepts', async () => {
    // Prepare: the mediator seat is offered to an address; the address then holds a side (as a
    // concurrent write could leave it — the API never issues both).
    const p = people();
    const created = await flows.create(p.claimant, { invite: { mediator: p.mediator } });
    const token = await api.invitationToken(created.id, p.mediator);
    await api.dynamo.send(
      new UpdateItemCommand({
        TableName: api.tableName,
        Key: { pk: { S: `SESSION#${created.id}` }, sk: { S: 'SESSION' } },
        UpdateExpression: 'SET members = list_append(members, :m)',
        ExpressionAttributeValues: {
          ':m': {
            L: [
              {
                M: {
                  email: { S: p.mediator },
                  role: { S: 'respondent' },
                  joinedAt: { N: String(Date.now()) },
                },
              },
            ],
          },
        },
      }),
    );

    // Act
    const res = await accept(p.mediator, token);

    // Assess
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_member');
  });

  it('makes the first member of a side revoke every other invitation to it, and only to it', async () => {
    // Prepare: the claimant and the mediator both invite someone to the empty respondent side.
    const p = people();
    const created = await flows.create(p.claimant, {
      invite: { respondent: p.respondent, mediator: p.mediator },
    });
    await flows.accept(p.mediator, created.id);
    const rival = freshEmail('rival');
    await invite(p.mediator, created.id, rival, 'respondent');
    const rivalToken = await api.invitationToken(created.id, rival);
    const claimantCo = freshEmail('claimant-co');
    await invite(p.claimant, created.id, claimantCo, 'claimant');

    // Act
    await flows.accept(p.respondent, created.id);
    const rivalAccepts = await accept(rival, rivalToken);

    // Assess
    expect(rivalAccepts.status).toBe(410);
    const items = await api.sessionItems(created.id);
    expect(items.filter((i) => i.type === 'invitation').map((i) => i.email)).toEqual([claimantCo]);
    // Later co-counsel invitations of the side itself are not revoked by another member joining.
    const co1 = freshEmail('co1');
    const co2 = freshEmail('co2');
    await invite(p.respondent, created.id, co1, 'respondent');
    await invite(p.respondent, created.id, co2, 'respondent');
    await flows.accept(co1, created.id);
    expect((await accept(co2, await api.invitationToken(created.id, co2))).status).toBe(200);
  });

  it('lets only one of two rivals racing to be a side’s first member join; the other’s invitation died', async () => {
    // Prepare
    const p = people();
    const rival = freshEmail('rival');
    const created = await flows.create(p.claimant, {
      invite: { respondent: p.respondent, mediator: p.mediator },
    });
    await flows.accept(p.mediator, created.id);
    await invite(p.mediator, created.id, rival, 'respondent');
    const tokens = await Promise.all([p.respondent, rival].map((e) => api.invitationToken(created.id, e)));

    // Act
    const results = await Promise.all([accept(p.respondent, tokens[0]!), accept(rival, tokens[1]!)]);

    // Assess
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    const view = await api.call('GET', `/sessions/${created.id}`, { as: p.claimant });
    expect(view.body.sides.respondent.members).toHaveLength(1);
  });

  it('joins once when the same token is presented twice at the same time', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });
    const token = await api.invitationToken(created.id, p.respondent);

    // Act
    const results = await Promise.all([accept(p.respondent, token), accept(p.respondent, token)]);

    // Assess
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    const items = await api.sessionItems(created.id);
    expect(items.filter((i) => i.type === 'member')).toHaveLength(2);
    expect(items.filter((i) => i.event === 'MemberJoined')).toHaveLength(1);
  });

  it('answers 400 for a missing token or an unknown field', async () => {
    // Act
    const missing = await api.call('POST', '/invitations/accept', { as: freshEmail('x'), body: {} });
    const extra = await api.call('POST', '/invitations/accept', {
      as: freshEmail('x'),
      body: { token: 'abc', role: 'mediator' },
    });

    // Assess
    expect(missing.status).toBe(400);
    expect(extra.status).toBe(400);
  });

  it('answers 410 for an invitation of a session that has ended', async () => {
    // Prepare
    const s = await flows.joined();
    const co = freshEmail('co');
    await invite(s.claimant, s.id, co, 'claimant');
    const token = await api.invitationToken(s.id, co);
    await api.call('POST', `/sessions/${s.id}/withdraw`, { as: s.respondent, body: {} });

    // Act
    const res = await accept(co, token);

    // Assess
    expect(res.status).toBe(410);
    expect((await api.sessionItems(s.id)).filter((i) => i.type === 'invitation')).toEqual([]);
  });
});

describe('DELETE by someone who could have issued the invitation (docs/rules.md, "People and roles")', () => {
  it('lets the mediator revoke the claimant’s invitation to the still-empty respondent side', async () => {
    // Prepare: claimant and mediator are in; the respondent side is empty.
    const p = people();
    const created = await flows.create(p.claimant, {
      invite: { mediator: p.mediator, respondent: p.respondent },
    });
    await flows.accept(p.mediator, created.id);

    // Act
    const res = await revoke(p.mediator, created.id, p.respondent);

    // Assess
    expect(res.status).toBe(204);
    const claimantView = await view(p.claimant, created.id);
    expect(claimantView.body.sides.respondent.members).toEqual([]);
  });

  it('keeps an invitation to a side that has members out of the mediator’s reach (404, nothing changed)', async () => {
    // Prepare
    const s = await flows.joined({ mediator: true });
    const coCounsel = freshEmail('co-counsel');
    expect((await invite(s.respondent, s.id, coCounsel, 'respondent')).status).toBe(201);

    // Act
    const res = await revoke(s.mediator, s.id, coCounsel);

    // Assess
    expect(res.status).toBe(404);
    const respondentView = await view(s.respondent, s.id);
    expect(respondentView.body.sides.respondent.members).toContainEqual({
      email: coCounsel,
      displayName: null,
      status: 'invited',
    });
  });
});
