/**
 * Withdrawal over HTTP: a side ends the session without a deal at any phase before an end; the
 * mediator cannot; after a deal it is too late (docs/rules.md, "Phases", "Emails"; openapi.yaml).
 */
import { describe, expect, inject, it } from 'vitest';
import { E2eClient, emailsFor } from '../support/e2e-client';
import { anyTime, expectedView, expectNoAmounts, joined, withSubject } from './expected';

const api = new E2eClient(inject('apiUrl'));

describe('withdraw', () => {
  it('ends the session: 200 withdrawn, again 200, then numbers are gone (409 session_ended)', async () => {
    // Prepare
    const s = await api.settledStep1({ domain: 'withdraw.e2e.example', mediator: true });
    await api.submit(s.id, s.claimant, 8_765_432);
    const byMediator = await api.call('POST', `/sessions/${s.id}/withdraw`, {
      token: s.mediator!.token,
      body: {},
    });

    // Act
    const first = await api.call('POST', `/sessions/${s.id}/withdraw`, {
      token: s.respondent.token,
      body: {},
    });
    const again = await api.call('POST', `/sessions/${s.id}/withdraw`, { token: s.claimant.token, body: {} });
    await api.clock(0);

    // Assess
    expect(byMediator.status).toBe(403);
    expect(first.status).toBe(200);
    expect(first.body).toEqual(
      expectedView({
        id: s.id,
        myRole: 'respondent',
        phase: 'withdrawn',
        claimant: [joined(s.claimant.email)],
        respondent: [joined(s.respondent.email)],
        mediator: joined(s.mediator!.email),
        hasNumber: { claimant: true, respondent: false },
        schedule: { startsAt: anyTime(), initialRoundEndsAt: anyTime(), endsAt: null },
      }),
    );
    expect(again.status).toBe(200);
    expect(again.body.phase).toBe('withdrawn');
    expect(again.body.myRole).toBe('claimant');

    const put = await api.call('PUT', `/sessions/${s.id}/number`, {
      token: s.claimant.token,
      body: { amount: 1 },
    });
    expect(put.status).toBe(409);
    expect(put.body.error.code).toBe('session_ended');
    const get = await api.call('GET', `/sessions/${s.id}/number`, { token: s.claimant.token });
    expect(get.status).toBe(409);
    expect(get.body.error.code).toBe('session_ended');
    const terms = await api.call('PUT', `/sessions/${s.id}/terms`, {
      token: s.claimant.token,
      body: { text: 'x' },
    });
    expect(terms.status).toBe(409);

    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      const emails = await api.emails(who.email);
      expect(withSubject(emails, 'Withdrawn'), who.email).toHaveLength(1);
      expectNoAmounts(emails, [8_765_432]);
    }
  });

  it('works in step 1 already, and kills the open invitations', async () => {
    // Prepare
    const s = await api.joinedSession({ domain: 'withdraw-setup.e2e.example' });
    const counsel = await api.person(emailsFor('withdraw-setup.e2e.example').at('counsel'));
    await api.call('POST', `/sessions/${s.id}/invitations`, {
      token: s.respondent.token,
      body: { email: counsel.email, role: 'respondent' },
    });
    const token = await api.tokenFromInvitation(counsel.email);

    // Act
    const res = await api.call('POST', `/sessions/${s.id}/withdraw`, { token: s.claimant.token, body: {} });
    const accept = await api.call('POST', '/invitations/accept', { token: counsel.token, body: { token } });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.phase).toBe('withdrawn');
    expect(accept.status).toBe(410);
    expect(accept.body.error.code).toBe('invitation_invalid');
  });

  it('is too late after a deal: 409 session_ended', async () => {
    // Prepare
    const s = await api.settledStep1({ domain: 'withdraw-late.e2e.example' });
    await api.submit(s.id, s.claimant, 3_000_000);
    await api.submit(s.id, s.respondent, 3_000_000);
    await api.clock(0);

    // Act
    const res = await api.call('POST', `/sessions/${s.id}/withdraw`, { token: s.respondent.token, body: {} });

    // Assess
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('session_ended');
    expect((await api.view(s.id, s.claimant)).phase).toBe('settled');
  });

  it('cannot cancel a deal already made by an earlier number: a withdrawal right after the completing number answers 409', async () => {
    // Prepare
    const s = await api.settledStep1({ domain: 'withdraw-race.e2e.example', mediator: true });
    await api.submit(s.id, s.claimant, 3_000_000);
    await api.submit(s.id, s.respondent, 3_500_000);

    // Act: no settling in between; the withdrawal waits for the evaluation inside the request.
    const res = await api.call('POST', `/sessions/${s.id}/withdraw`, { token: s.claimant.token, body: {} });
    await api.clock(0);

    // Assess
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({
      status: 409,
      code: 'session_ended',
    });
    const view = await api.view(s.id, s.mediator!);
    expect(view.phase).toBe('settled');
    expect(view.outcome.reachedIn).toBe('initial_round');
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      const emails = await api.emails(who.email);
      expect(withSubject(emails, 'Deal reached'), who.email).toHaveLength(1);
      expect(withSubject(emails, 'Withdrawn'), who.email).toHaveLength(0);
    }
  });
});
