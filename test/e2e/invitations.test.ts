/**
 * People and invitations over HTTP: links read from the invitation emails, single use, bound to
 * the invited address; who sees which members (docs/rules.md, "People and roles", "Emails"; openapi.yaml).
 */
import { describe, expect, inject, it } from 'vitest';
import { E2eClient, emailsFor } from '../support/e2e-client';
import { anyTime, DAY, expectedView, invited, joined, secondsBetween, withSubject } from './expected';

const api = new E2eClient(inject('apiUrl'));

describe('invitations', () => {
  it('sends a single-use link bound to the invited address: 403 for another address, 200 once, then 410', async () => {
    // Prepare
    const who = emailsFor('links.invitations.e2e.example');
    const [claimant, respondent, outsider] = await api.people(
      who.claimant,
      who.respondent,
      who.at('outsider'),
    );
    const created = await api.call('POST', '/sessions', {
      token: claimant.token,
      body: {
        title: 'Acme v. Widget',
        caseNumber: 'CV-2026-0042',
        currency: 'EUR',
        myRole: 'claimant',
        invite: { respondent: respondent.email },
        bonusPercent: 7,
      },
    });
    const token = await api.tokenFromInvitation(respondent.email);

    // Act
    const wrongAddress = await api.call('POST', '/invitations/accept', {
      token: outsider.token,
      body: { token },
    });
    const accepted = await api.call('POST', '/invitations/accept', {
      token: respondent.token,
      body: { token },
    });
    const again = await api.call('POST', '/invitations/accept', { token: respondent.token, body: { token } });
    const usedByOther = await api.call('POST', '/invitations/accept', {
      token: outsider.token,
      body: { token },
    });

    // Assess
    expect(created.status).toBe(201);
    const invitation = (await api.emails(respondent.email)).at(-1)!;
    expect(invitation.to).toEqual([respondent.email]);
    expect(invitation.subject).toBe('You are invited to a confidential negotiation: Acme v. Widget');
    expect(invitation.text).toMatch(/\/invite\?token=[A-Za-z0-9_-]+/);
    expect(invitation.text).toContain('CV-2026-0042');
    expect(invitation.text).toContain('7% bonus');
    expect(await api.emails(claimant.email)).toEqual([]);
    expect(await api.emails(outsider.email)).toEqual([]);

    expect(wrongAddress.status).toBe(403);
    expect(wrongAddress.body.error.code).toBe('invitation_other_address');
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual(
      expectedView({
        id: created.body.id,
        myRole: 'respondent',
        phase: 'setup',
        caseNumber: 'CV-2026-0042',
        currency: 'EUR',
        bonusPercent: 7,
        claimant: [joined(claimant.email)],
        respondent: [joined(respondent.email)],
        terms: { version: 0, text: null, acceptedVersion: { claimant: null, respondent: null } },
      }),
    );
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('invitation_invalid');
    expect(usedByOther.status).toBe(410);
    expect(usedByOther.body.error.code).toBe('invitation_invalid');
    const outsiderView = await api.call('GET', `/sessions/${created.body.id}`, { token: outsider.token });
    expect(outsiderView.status).toBe(404);
  });

  it('shows a side its own pending invitations, the other side only joined members, and the mediator seat to all', async () => {
    // Prepare
    const who = emailsFor('members.invitations.e2e.example');
    const [claimant, respondent, mediator, claimantCounsel, respondentCounsel] = await api.people(
      who.claimant,
      who.respondent,
      who.mediator,
      who.at('claimant-counsel'),
      who.at('respondent-counsel'),
    );
    const created = await api.call('POST', '/sessions', {
      token: claimant.token,
      body: {
        title: 'Acme v. Widget',
        currency: 'USD',
        myRole: 'claimant',
        invite: { respondent: respondent.email, mediator: mediator.email },
      },
    });
    const id: string = created.body.id;
    await api.acceptInvitation(respondent);

    // Act
    const now = await api.clock(0);
    const ownSide = await api.call('POST', `/sessions/${id}/invitations`, {
      token: claimant.token,
      body: { email: claimantCounsel.email, role: 'claimant' },
    });
    const otherSide = await api.call('POST', `/sessions/${id}/invitations`, {
      token: claimant.token,
      body: { email: respondentCounsel.email, role: 'respondent' },
    });
    const theirOwn = await api.call('POST', `/sessions/${id}/invitations`, {
      token: respondent.token,
      body: { email: respondentCounsel.email, role: 'respondent' },
    });
    const views = {
      claimant: await api.view(id, claimant),
      respondent: await api.view(id, respondent),
    };
    await api.acceptInvitation(mediator);
    const mediatorView = await api.view(id, mediator);

    // Assess
    expect(ownSide.status).toBe(201);
    expect(ownSide.body).toEqual({ email: claimantCounsel.email, role: 'claimant', expiresAt: anyTime() });
    const validity = secondsBetween(now, ownSide.body.expiresAt);
    expect(validity).toBeGreaterThanOrEqual(14 * DAY - 1);
    expect(validity).toBeLessThanOrEqual(14 * DAY + 60);
    expect(otherSide.status).toBe(403);
    expect(theirOwn.status).toBe(201);

    const common = {
      id,
      phase: 'setup',
      terms: { version: 0, text: null, acceptedVersion: { claimant: null, respondent: null } },
    };
    expect(views.claimant).toEqual(
      expectedView({
        ...common,
        myRole: 'claimant',
        claimant: [joined(claimant.email), invited(claimantCounsel.email)],
        respondent: [joined(respondent.email)],
        mediator: invited(mediator.email),
      }),
    );
    expect(views.respondent).toEqual(
      expectedView({
        ...common,
        myRole: 'respondent',
        claimant: [joined(claimant.email)],
        respondent: [joined(respondent.email), invited(respondentCounsel.email)],
        mediator: invited(mediator.email),
      }),
    );
    expect(mediatorView).toEqual(
      expectedView({
        ...common,
        myRole: 'mediator',
        claimant: [joined(claimant.email)],
        respondent: [joined(respondent.email)],
        mediator: joined(mediator.email),
      }),
    );
    const list = await api.call('GET', '/sessions', { token: mediator.token });
    expect(list.status).toBe(200);
    expect(list.body.sessions).toEqual([mediatorView]);
    // Invitation emails go to the invited address only.
    expect(withSubject(await api.emails(claimantCounsel.email), 'You are invited')).toHaveLength(1);
    expect(withSubject(await api.emails(respondentCounsel.email), 'You are invited')).toHaveLength(1);
  });

  it('lets a co-counsel who joins later submit the side’s number and see it', async () => {
    // Prepare
    const s = await api.settledStep1({ domain: 'cocounsel.invitations.e2e.example' });
    const counsel = await api.person(emailsFor('cocounsel.invitations.e2e.example').at('counsel'));
    const invite = await api.call('POST', `/sessions/${s.id}/invitations`, {
      token: s.claimant.token,
      body: { email: counsel.email, role: 'claimant' },
    });
    await api.acceptInvitation(counsel);

    // Act
    await api.submit(s.id, counsel, 4_200_000);

    // Assess
    expect(invite.status).toBe(201);
    const own = await api.call('GET', `/sessions/${s.id}/number`, { token: s.claimant.token });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ amount: 4_200_000, submittedAt: anyTime() });
    const view = await api.view(s.id, s.respondent);
    expect(view.sides.claimant).toEqual({
      hasNumber: true,
      members: [joined(s.claimant.email), joined(counsel.email)],
    });
    const theirs = await api.call('GET', `/sessions/${s.id}/number`, { token: s.respondent.token });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('no_number');
  });
});
