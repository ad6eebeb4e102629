/**
 * Sealed numbers: `PUT /sessions/{id}/number` (submit-number, encrypt only) and `GET
 * /sessions/{id}/number` (own-number, the only function that decrypts), against DynamoDB Local.
 * No match function runs here, so numbers stay unevaluated. The last test scans the whole table
 * for every distinctive amount submitted in this file.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findAmounts } from '../../support/amount-scan';
import { type ApiHarness, createApiHarness, freshEmail } from '../../support/api-harness';
import { sessionFlows } from '../../support/session-flows';

let api: ApiHarness;
let flows: ReturnType<typeof sessionFlows>;

beforeAll(async () => {
  api = await createApiHarness();
  flows = sessionFlows(api);
});

afterEach(() => api.setClock(0));

/** Distinctive amounts: the final scan looks for each of them in every attribute. */
const CLAIMANT_AMOUNT = 7391846250193;
const RESPONDENT_AMOUNT = 4817263;
const REPLACED_AMOUNT = 6029384756;
const LATE_AMOUNT = 5550193;
const STEP3_AMOUNT = 918273645;
const SUBMITTED: number[] = [CLAIMANT_AMOUNT, RESPONDENT_AMOUNT, REPLACED_AMOUNT, LATE_AMOUNT, STEP3_AMOUNT];

const submit = (as: string, id: string, body: unknown, headers?: Record<string, string>) =>
  api.call('PUT', `/sessions/${id}/number`, { as, body, ...(headers ? { headers } : {}) });
const readOwn = (as: string, id: string) => api.call('GET', `/sessions/${id}/number`, { as });

describe('PUT /sessions/{id}/number', () => {
  it('answers 202 {accepted, submittedAt}; both sides then see hasNumber for the submitting side', async () => {
    // Prepare
    const s = await flows.opened({ mediator: true });
    const before = Math.floor(Date.now() / 1000) * 1000;

    // Act
    const res = await submit(s.claimant, s.id, { amount: CLAIMANT_AMOUNT });

    // Assess
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: true, submittedAt: expect.any(String) });
    expect(Date.parse(res.body.submittedAt)).toBeGreaterThanOrEqual(before);
    for (const as of [s.claimant, s.respondent, s.mediator]) {
      const view = await api.call('GET', `/sessions/${s.id}`, { as });
      expect(view.body.sides.claimant.hasNumber).toBe(true);
      expect(view.body.sides.respondent.hasNumber).toBe(false);
      expect(view.rawBody).not.toContain(String(CLAIMANT_AMOUNT));
    }
  });

  it('answers 409 round_not_open while step 1 is not settled', async () => {
    // Prepare
    const s = await flows.joined();

    // Act
    const res = await submit(s.claimant, s.id, { amount: 1000 });

    // Assess
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('round_not_open');
  });

  it('answers 403 to the mediator, even with an invalid body, and stores nothing', async () => {
    // Prepare
    const s = await flows.opened({ mediator: true });

    // Act
    const valid = await submit(s.mediator, s.id, { amount: 1000 });
    const invalid = await submit(s.mediator, s.id, { amount: 'lots' });

    // Assess
    expect(valid.status).toBe(403);
    expect(valid.body.error.code).toBe('forbidden');
    expect(invalid.status).toBe(403);
    const view = await api.call('GET', `/sessions/${s.id}`, { as: s.mediator });
    expect(view.body.sides).toMatchObject({
      claimant: { hasNumber: false },
      respondent: { hasNumber: false },
    });
  });

  it('answers 404 to an outsider and for an unknown session', async () => {
    // Prepare
    const s = await flows.opened();

    // Act
    const outsider = await submit(freshEmail('outsider'), s.id, { amount: 1000 });
    const unknown = await submit(s.claimant, 'AAAAAAAAAAAAAAAAAAAAAA', { amount: 1000 });

    // Assess
    expect(outsider.status).toBe(404);
    expect(unknown.rawBody).toBe(outsider.rawBody);
  });

  it.each([
    ['a fraction', '{"amount": 1000.5}'],
    ['zero', '{"amount": 0}'],
    ['a negative amount', '{"amount": -4817263}'],
    ['10^15 + 1', '{"amount": 1000000000000001}'],
    ['1e16', '{"amount": 1e16}'],
    ['a string', '{"amount": "4817263"}'],
    ['null', '{"amount": null}'],
    ['no amount', '{}'],
    ['an unknown field', '{"amount": 4817263, "currency": "USD"}'],
    ['not JSON', '{"amount": 4817263'],
  ])('answers 400 for %s, and the message never repeats it', async (_, body) => {
    // Prepare
    const s = await flows.opened();

    // Act
    const res = await submit(s.claimant, s.id, body);

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.rawBody).not.toMatch(/4817263|1000\.5|1000000000000001|1e16/);
  });

  it('accepts 1e3 as 1000 and 10^15 exactly, and GET reads them back as integers', async () => {
    // Prepare
    const s = await flows.opened();

    // Act
    const small = await submit(s.claimant, s.id, '{"amount": 1e3}');
    const readSmall = await readOwn(s.claimant, s.id);
    const largest = await submit(s.respondent, s.id, '{"amount": 1000000000000000}');
    const readLargest = await readOwn(s.respondent, s.id);

    // Assess
    expect(small.status).toBe(202);
    expect(readSmall.body).toEqual({ amount: 1000, submittedAt: small.body.submittedAt });
    expect(readSmall.rawBody).toContain('"amount":1000,');
    expect(largest.status).toBe(202);
    expect(readLargest.body.amount).toBe(1e15);
  });

  it('lets a side replace its number until the other side’s first number arrives', async () => {
    // Prepare
    const s = await flows.opened();
    await submit(s.claimant, s.id, { amount: REPLACED_AMOUNT });

    // Act
    const replaced = await submit(s.claimant, s.id, { amount: CLAIMANT_AMOUNT });
    const own = await readOwn(s.claimant, s.id);

    // Assess
    expect(replaced.status).toBe(202);
    expect(own.body.amount).toBe(CLAIMANT_AMOUNT);
  });

  it('accepts a number after step 2’s deadline as a step-3 move, without any timer having run', async () => {
    // Prepare
    const s = await flows.opened({ create: { initialRoundSeconds: 60, adjustmentSeconds: 3600 } });
    api.setClock(61_000);

    // Act
    const res = await submit(s.respondent, s.id, { amount: STEP3_AMOUNT });
    const view = await api.call('GET', `/sessions/${s.id}`, { as: s.respondent });

    // Assess
    expect(res.status).toBe(202);
    expect(view.body.phase).toBe('adjustment');
    expect(view.body.schedule.endsAt).toBe(
      new Date(Date.parse(view.body.schedule.initialRoundEndsAt) + 3600_000)
        .toISOString()
        .replace('.000', ''),
    );
    const audit = (await api.sessionItems(s.id)).filter((i) => i.event === 'NumberAccepted');
    expect(audit).toEqual([expect.objectContaining({ side: 'respondent', seq: 1, step: 'adjustment' })]);
  });

  it('answers 409 session_ended after step 3’s end even though no timer ran', async () => {
    // Prepare: one unevaluated number is in; both durations are a minute.
    const s = await flows.opened({ create: { initialRoundSeconds: 60, adjustmentSeconds: 60 } });
    await submit(s.claimant, s.id, { amount: 123456 });
    api.setClock(121_000);

    // Act
    const late = await submit(s.respondent, s.id, { amount: LATE_AMOUNT });

    // Assess
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('session_ended');
    expect(late.rawBody).not.toContain(String(LATE_AMOUNT));
    const session = (await api.sessionItems(s.id)).find((i) => i.sk === 'SESSION')!;
    expect(session.seq).toBe(1);
    expect(
      (await api.call('GET', `/sessions/${s.id}`, { as: s.respondent })).body.sides.respondent.hasNumber,
    ).toBe(false);
  });

  it('answers 409 session_ended after a no-deal end, and GET too (numbers are deleted)', async () => {
    // Prepare: no number at all, so the end is final as soon as the clock passes it.
    const s = await flows.opened({ create: { initialRoundSeconds: 60, adjustmentSeconds: 60 } });
    api.setClock(121_000);

    // Act
    const view = await api.call('GET', `/sessions/${s.id}`, { as: s.claimant });
    const put = await submit(s.claimant, s.id, { amount: 1000 });
    const get = await readOwn(s.claimant, s.id);

    // Assess
    expect(view.body.phase).toBe('no_deal');
    expect(put.status).toBe(409);
    expect(put.body.error.code).toBe('session_ended');
    expect(get.status).toBe(409);
    expect(get.body.error.code).toBe('session_ended');
  });

  it('retries write conflicts internally: concurrent numbers from both sides are all accepted, in seq order', async () => {
    // Prepare
    const s = await flows.opened();
    const sides = [s.claimant, s.respondent, s.claimant, s.respondent, s.claimant, s.respondent];

    // Act
    const results = await Promise.all(sides.map((as, i) => submit(as, s.id, { amount: 1000 + i })));

    // Assess
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const items = await api.sessionItems(s.id);
    expect(items.find((i) => i.sk === 'SESSION')!.seq).toBe(6);
    expect(
      items
        .filter((i) => i.event === 'NumberAccepted')
        .map((i) => i.seq)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('records one audit entry and one seq per accepted number, never an amount', async () => {
    // Prepare
    const s = await flows.opened();

    // Act
    await submit(s.claimant, s.id, { amount: RESPONDENT_AMOUNT + 1 });
    await submit(s.respondent, s.id, { amount: RESPONDENT_AMOUNT });

    // Assess
    const items = await api.sessionItems(s.id);
    const session = items.find((i) => i.sk === 'SESSION')!;
    expect(session).toMatchObject({ seq: 2, evaluatedSeq: 0, matchDue: 1 });
    expect(Object.keys(session.sealed as object).sort()).toEqual(['1', '2']);
    for (const sealed of Object.values(session.sealed as Record<string, Uint8Array>)) {
      expect(sealed.byteLength).toBe(36);
    }
    const audit = items.filter((i) => i.event === 'NumberAccepted');
    expect(audit.map((a) => [a.side, a.seq, a.step])).toEqual([
      ['claimant', 1, 'initial_round'],
      ['respondent', 2, 'initial_round'],
    ]);
  });
});

describe('GET /sessions/{id}/number', () => {
  it('answers each side its own number and never the other side’s', async () => {
    // Prepare
    const s = await flows.opened({ mediator: true });
    const claimantCo = freshEmail('claimant-co');
    await api.call('POST', `/sessions/${s.id}/invitations`, {
      as: s.claimant,
      body: { email: claimantCo, role: 'claimant' },
    });
    await flows.accept(claimantCo, s.id);
    const put = await submit(s.claimant, s.id, { amount: CLAIMANT_AMOUNT });

    // Act
    const respondentBefore = await readOwn(s.respondent, s.id);
    await submit(s.respondent, s.id, { amount: RESPONDENT_AMOUNT });
    const claimant = await readOwn(s.claimant, s.id);
    const coCounsel = await readOwn(claimantCo, s.id);
    const respondent = await readOwn(s.respondent, s.id);
    const mediator = await readOwn(s.mediator, s.id);

    // Assess
    expect(respondentBefore.status).toBe(404);
    expect(respondentBefore.body.error.code).toBe('no_number');
    expect(claimant).toMatchObject({
      status: 200,
      body: { amount: CLAIMANT_AMOUNT, submittedAt: put.body.submittedAt },
    });
    expect(coCounsel.body.amount).toBe(CLAIMANT_AMOUNT);
    expect(respondent.body.amount).toBe(RESPONDENT_AMOUNT);
    expect(mediator.status).toBe(403);
    for (const res of [respondentBefore, respondent, mediator]) {
      expect(res.rawBody).not.toContain(String(CLAIMANT_AMOUNT));
    }
    expect(claimant.rawBody).not.toContain(String(RESPONDENT_AMOUNT));
  });

  it('answers 404 no_number to a side without a number, and 404 not_found to an outsider', async () => {
    // Prepare
    const s = await flows.opened();

    // Act
    const none = await readOwn(s.claimant, s.id);
    const outsider = await readOwn(freshEmail('outsider'), s.id);

    // Assess
    expect(none.body.error.code).toBe('no_number');
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe('not_found');
  });
});

describe('the table after every test of this file', () => {
  it('finds an amount planted in any of those forms (the scan below is not blind)', () => {
    // Prepare
    const planted = (value: AttributeValue) => [{ pk: { S: 'X' }, sk: { S: 'Y' }, data: value }];
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64BE(BigInt(RESPONDENT_AMOUNT));

    // Act
    const found = [
      { S: 'offer: 4,817,263' },
      { S: 'USD 48,172.63' },
      { M: { deep: { L: [{ S: '48.172,63 €' }] } } },
      { N: '4817263' },
      { N: '48172.63' },
      { B: Buffer.concat([Buffer.from([1, 2, 3]), bytes]) },
    ].map((value) => findAmounts(planted(value), [RESPONDENT_AMOUNT]).length);

    // Assess
    expect(found.every((n) => n > 0)).toBe(true);
  });

  it('holds none of the submitted amounts in any attribute, in any form: they are sealed only', async () => {
    // Prepare
    const items = await api.scanRaw();

    // Act
    const found = findAmounts(items, SUBMITTED);

    // Assess
    expect(items.length).toBeGreaterThan(50);
    expect(items.some((i) => i.sealed?.M && Object.keys(i.sealed.M).length > 0)).toBe(true);
    expect(found).toEqual([]);
  });
});
