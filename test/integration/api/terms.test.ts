/**
 * Step 1 (docs/rules.md, "Phases"): `PUT /sessions/{id}/terms` and `POST /sessions/{id}/terms/accept`, and the
 * phase that follows from them, against DynamoDB Local.
 */
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

const propose = (as: string, id: string, text: string) =>
  api.call('PUT', `/sessions/${id}/terms`, { as, body: { text } });
const acceptVersion = (as: string, id: string, version: number) =>
  api.call('POST', `/sessions/${id}/terms/accept`, { as, body: { version } });

const isoSecond = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('PUT /sessions/{id}/terms', () => {
  it('answers 200 with version 1, and the proposal counts as the side’s acceptance', async () => {
    // Prepare
    const s = await flows.joined();

    // Act
    const res = await propose(s.claimant, s.id, 'MOU: mutual release, no admission.');

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.terms).toEqual({
      version: 1,
      text: 'MOU: mutual release, no admission.',
      acceptedVersion: { claimant: 1, respondent: null },
    });
    expect(res.body.phase).toBe('setup');
  });

  it('lets the mediator propose a new version that accepts nothing', async () => {
    // Prepare
    const s = await flows.joined({ mediator: true });
    await propose(s.respondent, s.id, 'Version 1');

    // Act
    const res = await propose(s.mediator, s.id, 'Version 2, by the mediator');

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.myRole).toBe('mediator');
    expect(res.body.terms).toEqual({
      version: 2,
      text: 'Version 2, by the mediator',
      acceptedVersion: { claimant: null, respondent: 1 },
    });
  });

  it('accepts 20,000 characters and refuses 20,001, or an empty text', async () => {
    // Prepare
    const s = await flows.joined();

    // Act
    const longest = await propose(s.claimant, s.id, 'x'.repeat(20_000));
    const tooLong = await propose(s.claimant, s.id, 'y'.repeat(20_001));
    const empty = await propose(s.claimant, s.id, '');
    const extra = await api.call('PUT', `/sessions/${s.id}/terms`, {
      as: s.claimant,
      body: { text: 'ok', version: 3 },
    });

    // Assess
    expect(longest.status).toBe(200);
    for (const res of [tooLong, empty, extra]) {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.message).not.toContain('yyyy');
    }
  });

  it('answers 409 terms_closed once step 1 is settled', async () => {
    // Prepare
    const s = await flows.opened();

    // Act
    const res = await propose(s.claimant, s.id, 'Too late');

    // Assess
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('terms_closed');
  });

  it('answers 404 to an outsider, whatever the body', async () => {
    // Prepare
    const s = await flows.joined();

    // Act
    const res = await api.call('PUT', `/sessions/${s.id}/terms`, { as: freshEmail('outsider'), body: {} });

    // Assess
    expect(res.status).toBe(404);
  });
});

describe('POST /sessions/{id}/terms/accept', () => {
  it('accepts version 0 ("no terms, numbers first") at any time', async () => {
    // Prepare
    const s = await flows.joined();
    await propose(s.claimant, s.id, 'Version 1');

    // Act
    const res = await acceptVersion(s.respondent, s.id, 0);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.terms.acceptedVersion).toEqual({ claimant: 1, respondent: 0 });
    expect(res.body.phase).toBe('setup');
  });

  it('answers 409 terms_changed for a version that is not the current one', async () => {
    // Prepare
    const s = await flows.joined();
    await propose(s.claimant, s.id, 'Version 1');
    await propose(s.claimant, s.id, 'Version 2');

    // Act
    const stale = await acceptVersion(s.respondent, s.id, 1);
    const future = await acceptVersion(s.respondent, s.id, 3);

    // Assess
    for (const res of [stale, future]) {
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('terms_changed');
    }
  });

  it('settles step 1 when both joined sides accept the same version: step 2 opens at once', async () => {
    // Prepare
    const s = await flows.joined({ mediator: true });
    await propose(s.claimant, s.id, 'Version 1');
    const before = Date.now();

    // Act
    const res = await acceptVersion(s.respondent, s.id, 1);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.phase).toBe('initial_round');
    expect(res.body.terms).toEqual({
      version: 1,
      text: 'Version 1',
      acceptedVersion: { claimant: 1, respondent: 1 },
    });
    const startsAt = Date.parse(res.body.schedule.startsAt);
    expect(startsAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(res.body.schedule).toEqual({
      startsAt: res.body.schedule.startsAt,
      initialRoundEndsAt: isoSecond(startsAt + 172800_000),
      endsAt: null,
      initialRoundSeconds: 172800,
      adjustmentSeconds: 2419200,
    });
    const asMediator = await api.call('GET', `/sessions/${s.id}`, { as: s.mediator });
    expect(asMediator.body.phase).toBe('initial_round');
  });

  it('does not settle step 1 while the other side has no member', async () => {
    // Prepare
    const p = people();
    const created = await flows.create(p.claimant, { invite: { respondent: p.respondent } });

    // Act
    const alone = await acceptVersion(p.claimant, created.id, 0);
    await flows.accept(p.respondent, created.id);
    const joined = await api.call('GET', `/sessions/${created.id}`, { as: p.respondent });
    const both = await acceptVersion(p.respondent, created.id, 0);

    // Assess
    expect(alone.body.phase).toBe('setup');
    expect(joined.body.phase).toBe('setup');
    expect(both.body.phase).toBe('initial_round');
  });

  it('is `scheduled` until a later requested start, which the view shows, then opens by the clock alone', async () => {
    // Prepare
    const requested = Math.floor((Date.now() + 7 * 24 * 3600_000) / 1000) * 1000;
    const s = await flows.joined({ create: { startsAt: new Date(requested).toISOString() } });
    await acceptVersion(s.claimant, s.id, 0);

    // Act
    const settled = await acceptVersion(s.respondent, s.id, 0);
    const early = await api.call('PUT', `/sessions/${s.id}/number`, { as: s.claimant, body: { amount: 5 } });
    api.setClock(requested - Date.now() + 1000);
    const opened = await api.call('GET', `/sessions/${s.id}`, { as: s.claimant });

    // Assess
    expect(settled.body.phase).toBe('scheduled');
    expect(settled.body.schedule).toMatchObject({
      startsAt: isoSecond(requested),
      initialRoundEndsAt: isoSecond(requested + 172800_000),
      endsAt: null,
    });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('round_not_open');
    expect(opened.body.phase).toBe('initial_round');
    expect(opened.body.schedule.startsAt).toBe(isoSecond(requested));
  });

  it('opens step 2 at the settling moment when the requested start has passed', async () => {
    // Prepare
    const s = await flows.joined({ create: { startsAt: '2020-01-01T00:00:00Z' } });
    await acceptVersion(s.claimant, s.id, 0);

    // Act
    const res = await acceptVersion(s.respondent, s.id, 0);

    // Assess
    expect(res.body.phase).toBe('initial_round');
    expect(Date.parse(res.body.schedule.startsAt)).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
  });

  it('answers 409 terms_closed after step 1, even for version 0', async () => {
    // Prepare
    const s = await flows.opened();

    // Act
    const res = await acceptVersion(s.claimant, s.id, 0);

    // Assess
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('terms_closed');
  });

  it('answers 403 to the mediator, before looking at the body', async () => {
    // Prepare
    const s = await flows.joined({ mediator: true });

    // Act
    const valid = await acceptVersion(s.mediator, s.id, 0);
    const invalid = await api.call('POST', `/sessions/${s.id}/terms/accept`, {
      as: s.mediator,
      body: { version: 'latest' },
    });

    // Assess
    expect(valid.status).toBe(403);
    expect(valid.body.error.code).toBe('forbidden');
    expect(invalid.status).toBe(403);
  });

  it.each([
    ['a negative version', { version: -1 }],
    ['a fractional version', { version: 1.5 }],
    ['a version as a string', { version: '1' }],
    ['no version', {}],
    ['an unknown field', { version: 0, side: 'respondent' }],
  ])('answers 400 for %s', async (_, body) => {
    // Prepare
    const s = await flows.joined();

    // Act
    const res = await api.call('POST', `/sessions/${s.id}/terms/accept`, { as: s.claimant, body });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });

  it('answers 404 to an outsider', async () => {
    // Prepare
    const s = await flows.joined();

    // Act
    const res = await acceptVersion(freshEmail('outsider'), s.id, 0);

    // Assess
    expect(res.status).toBe(404);
  });
});
