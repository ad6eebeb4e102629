/**
 * Step 1 (terms) and scheduling over HTTP: a side's proposal accepted by the other, a mediator's
 * proposal, a stale acceptance, skipping terms, and a start in the future (docs/rules.md, "Phases", "Emails"; openapi.yaml).
 */
import { describe, expect, inject, it } from 'vitest';
import { E2eClient } from '../support/e2e-client';
import { anyTime, DAY, expectedView, INITIAL_ROUND, joined, plusSeconds, withSubject } from './expected';

const api = new E2eClient(inject('apiUrl'));

describe('step 1 (terms)', () => {
  it('settles step 1 when the other side accepts a side’s proposal; the deal email quotes the terms', async () => {
    // Prepare
    const s = await api.joinedSession({ domain: 'proposal.terms.e2e.example', mediator: true });
    const text = 'MOU: Widget Inc. pays the settlement amount within 30 days; mutual release <all claims>.';

    // Act
    const proposed = await api.call('PUT', `/sessions/${s.id}/terms`, {
      token: s.claimant.token,
      body: { text },
    });
    const accepted = await api.acceptTerms(s.id, s.respondent, 1);
    const late = await api.call('PUT', `/sessions/${s.id}/terms`, {
      token: s.mediator!.token,
      body: { text: 'v2' },
    });
    await api.submit(s.id, s.claimant, 5_000_000);
    await api.submit(s.id, s.respondent, 5_000_000);
    await api.clock(0);

    // Assess
    expect(proposed.status).toBe(200);
    expect(proposed.body).toEqual(
      expectedView({
        id: s.id,
        myRole: 'claimant',
        phase: 'setup',
        claimant: [joined(s.claimant.email)],
        respondent: [joined(s.respondent.email)],
        mediator: joined(s.mediator!.email),
        terms: { version: 1, text, acceptedVersion: { claimant: 1, respondent: null } },
      }),
    );
    expect(accepted).toEqual(
      expectedView({
        id: s.id,
        myRole: 'respondent',
        phase: 'initial_round',
        claimant: [joined(s.claimant.email)],
        respondent: [joined(s.respondent.email)],
        mediator: joined(s.mediator!.email),
        terms: { version: 1, text, acceptedVersion: { claimant: 1, respondent: 1 } },
        schedule: { startsAt: anyTime(), initialRoundEndsAt: anyTime(), endsAt: null },
      }),
    );
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      const deal = withSubject(await api.emails(who.email), 'Deal reached');
      expect(deal, who.email).toHaveLength(1);
      expect(deal[0]!.text).toContain(text);
      expect(deal[0]!.html).toContain('mutual release &lt;all claims&gt;.');
      expect(deal[0]!.html).not.toContain('<all claims>');
    }
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('terms_closed');
  });

  it('lets the mediator propose without accepting anything, and refuses a stale version with terms_changed', async () => {
    // Prepare
    const s = await api.joinedSession({ domain: 'mediator.terms.e2e.example', mediator: true });
    await api.call('PUT', `/sessions/${s.id}/terms`, { token: s.claimant.token, body: { text: 'Draft 1' } });

    // Act
    const mediated = await api.call('PUT', `/sessions/${s.id}/terms`, {
      token: s.mediator!.token,
      body: { text: 'Mediator draft 2' },
    });
    const stale = await api.call('POST', `/sessions/${s.id}/terms/accept`, {
      token: s.respondent.token,
      body: { version: 1 },
    });
    const respondentOn2 = await api.acceptTerms(s.id, s.respondent, 2);
    const claimantOn2 = await api.acceptTerms(s.id, s.claimant, 2);
    const mediatorAccept = await api.call('POST', `/sessions/${s.id}/terms/accept`, {
      token: s.mediator!.token,
      body: { version: 2 },
    });

    // Assess
    expect(mediated.status).toBe(200);
    expect(mediated.body.myRole).toBe('mediator');
    expect(mediated.body.terms).toEqual({
      version: 2,
      text: 'Mediator draft 2',
      acceptedVersion: { claimant: 1, respondent: null },
    });
    expect(mediated.body.phase).toBe('setup');
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('terms_changed');
    expect(respondentOn2.phase).toBe('setup');
    expect(respondentOn2.terms.acceptedVersion).toEqual({ claimant: 1, respondent: 2 });
    expect(claimantOn2.phase).toBe('initial_round');
    expect(claimantOn2.terms).toEqual({
      version: 2,
      text: 'Mediator draft 2',
      acceptedVersion: { claimant: 2, respondent: 2 },
    });
    expect(mediatorAccept.status).toBe(403);
  });

  it('skips terms with version 0 on both sides: numbers first, and the deal email says so', async () => {
    // Prepare
    const s = await api.joinedSession({ domain: 'skip.terms.e2e.example' });
    await api.call('PUT', `/sessions/${s.id}/terms`, {
      token: s.respondent.token,
      body: { text: 'Unwanted draft' },
    });

    // Act
    const first = await api.acceptTerms(s.id, s.claimant, 0);
    const second = await api.acceptTerms(s.id, s.respondent, 0);
    await api.submit(s.id, s.claimant, 2_000_000);
    await api.submit(s.id, s.respondent, 2_000_000);
    await api.clock(0);

    // Assess
    expect(first.phase).toBe('setup');
    expect(first.terms).toEqual({
      version: 1,
      text: 'Unwanted draft',
      acceptedVersion: { claimant: 0, respondent: 1 },
    });
    expect(second.phase).toBe('initial_round');
    expect(second.terms).toEqual({
      version: 1,
      text: 'Unwanted draft',
      acceptedVersion: { claimant: 0, respondent: 0 },
    });
    const deal = withSubject(await api.emails(s.claimant.email), 'Deal reached');
    expect(deal).toHaveLength(1);
    expect(deal[0]!.text).toContain('No terms: numbers first.');
    expect(deal[0]!.text).not.toContain('Unwanted draft');
  });

  it('refuses numbers before step 2 opens (409 round_not_open)', async () => {
    // Prepare
    const s = await api.joinedSession({ domain: 'not-open.terms.e2e.example' });

    // Act
    const put = await api.call('PUT', `/sessions/${s.id}/number`, {
      token: s.claimant.token,
      body: { amount: 100 },
    });

    // Assess
    expect(put.status).toBe(409);
    expect(put.body.error.code).toBe('round_not_open');
  });
});

describe('scheduling', () => {
  it('waits in scheduled until startsAt, then opens step 2 and sends the "step 2 opened" email', async () => {
    // Prepare
    const now = await api.clock(0);
    const startsAt = plusSeconds(now, 7 * DAY);
    const s = await api.joinedSession({
      domain: 'scheduled.terms.e2e.example',
      create: { startsAt },
      mediator: true,
    });
    const inSetup = await api.view(s.id, s.mediator!);
    await api.acceptTerms(s.id, s.claimant, 0);
    const settled = await api.acceptTerms(s.id, s.respondent, 0);
    const early = await api.call('PUT', `/sessions/${s.id}/number`, {
      token: s.claimant.token,
      body: { amount: 100 },
    });
    await api.clock(0);
    const mailBefore = withSubject(await api.emails(s.claimant.email), 'Step 2 is open');

    // Act
    await api.clock(7 * DAY);

    // Assess
    expect(inSetup).toEqual(
      expectedView({
        id: s.id,
        myRole: 'mediator',
        phase: 'setup',
        claimant: [joined(s.claimant.email)],
        respondent: [joined(s.respondent.email)],
        mediator: joined(s.mediator!.email),
        terms: { version: 0, text: null, acceptedVersion: { claimant: null, respondent: null } },
        schedule: { startsAt, initialRoundEndsAt: null, endsAt: null },
      }),
    );
    expect(settled.phase).toBe('scheduled');
    expect(settled.schedule).toEqual(
      expect.objectContaining({
        startsAt,
        initialRoundEndsAt: plusSeconds(startsAt, INITIAL_ROUND),
        endsAt: null,
      }),
    );
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('round_not_open');
    expect(mailBefore).toHaveLength(0);

    const view = await api.view(s.id, s.respondent);
    expect(view.phase).toBe('initial_round');
    expect(view.schedule).toEqual(
      expect.objectContaining({
        startsAt,
        initialRoundEndsAt: plusSeconds(startsAt, INITIAL_ROUND),
        endsAt: null,
      }),
    );
    for (const who of [s.claimant, s.respondent, s.mediator!]) {
      expect(withSubject(await api.emails(who.email), 'Step 2 is open'), who.email).toHaveLength(1);
    }
    await api.submit(s.id, s.claimant, 100);
  });
});
