/**
 * The life of a case over real HTTP against `npm start` (docs/rules.md, "Across the life of a
 * case"): profiles, display names in views and emails, a matter's sessions, negotiating again
 * after a withdrawal with the invitation emails it sends, and its errors.
 */
import { describe, expect, inject, it } from 'vitest';
import { E2eClient } from '../support/e2e-client';
import { expectedView, invited, joined } from './expected';

const api = new E2eClient(inject('apiUrl'));

describe('profiles', () => {
  it('GET /me is empty until PUT /me; bad input is 400 and stores nothing', async () => {
    // Prepare
    const alice = await api.person(`alice.${Date.now()}@profiles.e2e.example`);

    // Act
    const before = await api.call('GET', '/me', { token: alice.token });
    const bad = await api.call('PUT', '/me', {
      token: alice.token,
      body: { displayName: '', organization: 7 },
    });
    const saved = await api.call('PUT', '/me', {
      token: alice.token,
      body: { displayName: ' Alice Brandt ', organization: 'Brandt LLP' },
    });
    const after = await api.call('GET', '/me', { token: alice.token });

    // Assess
    expect(before.body).toEqual({ email: alice.email, displayName: null, organization: null });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    expect(bad.body.error.message).toMatch(/displayName/);
    expect(saved.status).toBe(200);
    expect(after.body).toEqual({
      email: alice.email,
      displayName: 'Alice Brandt',
      organization: 'Brandt LLP',
    });
  });
});

describe('negotiate again', () => {
  it('after a withdrawal: 201 the next session of the matter, invitations mailed, names greeted', async () => {
    // Prepare
    const s = await api.settledStep1({ domain: 'again.e2e.example', mediator: true });
    await api.call('PUT', '/me', { token: s.claimant.token, body: { displayName: 'Clara Oduya' } });
    await api.call('PUT', '/me', { token: s.respondent.token, body: { displayName: 'Ravi Menon' } });
    const running = await api.call('POST', `/sessions/${s.id}/again`, { token: s.claimant.token, body: {} });
    await api.submit(s.id, s.respondent, 4_440_123);
    await api.call('POST', `/sessions/${s.id}/withdraw`, { token: s.respondent.token, body: {} });
    const old = await api.view(s.id, s.claimant);

    // Act
    const again = await api.call('POST', `/sessions/${s.id}/again`, { token: s.claimant.token, body: {} });
    const twice = await api.call('POST', `/sessions/${s.id}/again`, { token: s.mediator!.token, body: {} });
    await api.clock(0);
    const mails = await api.emails(s.respondent.email);

    // Assess
    expect(running.status).toBe(409);
    expect(running.body.error.code).toBe('session_not_ended');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(
      expectedView({
        id: again.body.id,
        matterId: old.matterId,
        previousSessionId: s.id,
        myRole: 'claimant',
        phase: 'setup',
        claimant: [joined(s.claimant.email, 'Clara Oduya')],
        respondent: [],
        mediator: invited(s.mediator!.email),
        terms: { version: 0, text: null, acceptedVersion: { claimant: null, respondent: null } },
      }),
    );
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_started_again');
    const invitation = mails.filter((m) => m.subject.includes('invited')).at(-1)!;
    expect(invitation.text).toContain('Hello Ravi Menon,');
    expect(invitation.text).toContain(`Clara Oduya (${s.claimant.email}) invites you`);
    expect(JSON.stringify(again.body)).not.toContain('4440123');
    const matter = await api.call('GET', `/sessions?matterId=${old.matterId}`, { token: s.mediator!.token });
    expect(matter.body.sessions.map((v: { id: string }) => v.id)).toEqual([s.id]);
  });
});
