/**
 * `POST /sessions/{id}/withdraw` (docs/rules.md, "Phases"–2.2) against DynamoDB Local. No match function runs
 * here: a withdrawal behind an unevaluated number must wait, then give up with 503 having changed
 * nothing.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
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

const withdraw = (as: string, id: string, body: unknown = {}) =>
  api.call('POST', `/sessions/${id}/withdraw`, { as, body });

describe('POST /sessions/{id}/withdraw', () => {
  it('answers 200 withdrawn, again 200 with the same view; numbers, terms and invitations then answer 409', async () => {
    // Prepare
    const s = await flows.opened({ mediator: true });

    // Act
    const first = await withdraw(s.respondent, s.id);
    const again = await withdraw(s.claimant, s.id);
    const number = await api.call('PUT', `/sessions/${s.id}/number`, {
      as: s.claimant,
      body: { amount: 1000 },
    });
    const own = await api.call('GET', `/sessions/${s.id}/number`, { as: s.claimant });
    const invite = await api.call('POST', `/sessions/${s.id}/invitations`, {
      as: s.claimant,
      body: { email: freshEmail('late'), role: 'claimant' },
    });

    // Assess
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ phase: 'withdrawn', myRole: 'respondent', outcome: null });
    expect(again.status).toBe(200);
    expect(again.body.phase).toBe('withdrawn');
    expect(number.status).toBe(409);
    expect(number.body.error.code).toBe('session_ended');
    expect(own.status).toBe(409);
    expect(invite.body.error.code).toBe('session_ended');
    const mediatorView = await api.call('GET', `/sessions/${s.id}`, { as: s.mediator });
    expect(mediatorView.body.phase).toBe('withdrawn');
    const items = await api.sessionItems(s.id);
    expect(items.filter((i) => i.event === 'Withdrawn')).toEqual([
      expect.objectContaining({ side: 'respondent', actor: s.respondent }),
    ]);
    expect(items.filter((i) => i.type === 'outbox' && i.sk === 'OUTBOX#withdrawn')).toHaveLength(1);
    const session = items.find((i) => i.sk === 'SESSION')!;
    expect(session.workPk).toBeUndefined();
  });

  it('works in setup, and terms then answer 409 session_ended', async () => {
    // Prepare
    const s = await flows.joined();

    // Act
    const res = await withdraw(s.claimant, s.id);
    const terms = await api.call('PUT', `/sessions/${s.id}/terms`, { as: s.respondent, body: { text: 'x' } });

    // Assess
    expect(res.body.phase).toBe('withdrawn');
    expect(terms.status).toBe(409);
    expect(terms.body.error.code).toBe('session_ended');
  });

  it('answers 403 to the mediator, who cannot end a session', async () => {
    // Prepare
    const s = await flows.opened({ mediator: true });

    // Act
    const res = await withdraw(s.mediator, s.id);

    // Assess
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await api.call('GET', `/sessions/${s.id}`, { as: s.mediator })).body.phase).toBe('initial_round');
  });

  it('answers 404 to an outsider and 400 to a body that is not {}', async () => {
    // Prepare
    const s = await flows.opened();

    // Act
    const outsider = await withdraw(freshEmail('outsider'), s.id);
    const invalid = await withdraw(s.claimant, s.id, { reason: 'tired' });

    // Assess
    expect(outsider.status).toBe(404);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_input');
  });

  it('answers 409 session_ended after a no-deal end', async () => {
    // Prepare
    const s = await flows.opened({ create: { initialRoundSeconds: 60, adjustmentSeconds: 60 } });
    api.setClock(121_000);

    // Act
    const res = await withdraw(s.claimant, s.id);

    // Assess
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('session_ended');
  });

  it('answers 409 session_ended after a deal, whose outcome every member and the mediator see', async () => {
    // Prepare: a settled session, written here as match would write it.
    const s = await flows.opened({ mediator: true });
    const settledAt = Date.now() - 5000;
    await api.dynamo.send(
      new UpdateItemCommand({
        TableName: api.tableName,
        Key: { pk: { S: `SESSION#${s.id}` }, sk: { S: 'SESSION' } },
        UpdateExpression: 'SET outcome = :o, announcedPhase = :p, rev = rev + :one REMOVE workPk, workSk',
        ExpressionAttributeValues: {
          ':o': {
            M: {
              amount: { S: '9500000' },
              baseAmount: { S: '10000000' },
              bonusSide: { S: 'respondent' },
              reachedIn: { S: 'adjustment' },
              settledAt: { N: String(settledAt) },
            },
          },
          ':p': { S: 'settled' },
          ':one': { N: '1' },
        },
      }),
    );

    // Act
    const res = await withdraw(s.claimant, s.id);
    const number = await api.call('PUT', `/sessions/${s.id}/number`, { as: s.claimant, body: { amount: 1 } });
    const views = await Promise.all(
      [s.claimant, s.respondent, s.mediator].map((as) => api.call('GET', `/sessions/${s.id}`, { as })),
    );

    // Assess
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('session_ended');
    expect(number.body.error.code).toBe('session_ended');
    for (const view of views) {
      expect(view.body.phase).toBe('settled');
      expect(view.body.outcome).toEqual({
        amount: 9500000,
        baseAmount: 10000000,
        bonusSide: 'respondent',
        reachedIn: 'adjustment',
        settledAt: new Date(settledAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
    }
  });

  it('waits for an unevaluated number, then answers 503 having changed nothing', async () => {
    // Prepare: a number is in and no match function will evaluate it.
    const s = await flows.opened();
    await api.call('PUT', `/sessions/${s.id}/number`, { as: s.claimant, body: { amount: 250000 } });
    const before = await api.sessionItems(s.id);
    const started = Date.now();

    // Act
    const res = await withdraw(s.respondent, s.id);

    // Assess
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('service_unavailable');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(await api.sessionItems(s.id)).toEqual(before);
    expect((await api.call('GET', `/sessions/${s.id}`, { as: s.respondent })).body.phase).toBe(
      'initial_round',
    );
  });

  it('deletes the sealed numbers once the withdrawal ends the session', async () => {
    // Prepare: a number is in, and evaluated — written here as match would write it.
    const s = await flows.opened();
    await api.call('PUT', `/sessions/${s.id}/number`, { as: s.claimant, body: { amount: 250000 } });
    await api.dynamo.send(
      new UpdateItemCommand({
        TableName: api.tableName,
        Key: { pk: { S: `SESSION#${s.id}` }, sk: { S: 'SESSION' } },
        UpdateExpression:
          'SET evaluatedSeq = :one, pendingMoves = :none, standingSeq.claimant = :one, rev = rev + :one REMOVE matchDue',
        ExpressionAttributeValues: { ':one': { N: '1' }, ':none': { L: [] } },
      }),
    );
    const before = (await api.sessionItems(s.id)).find((i) => i.sk === 'SESSION')!;

    // Act
    const res = await withdraw(s.respondent, s.id);

    // Assess
    expect(Object.keys(before.sealed as object)).toEqual(['1']);
    expect(res.status).toBe(200);
    expect(res.body.phase).toBe('withdrawn');
    // hasNumber keeps its last value after an end.
    expect(res.body.sides.claimant.hasNumber).toBe(true);
    const after = (await api.sessionItems(s.id)).find((i) => i.sk === 'SESSION')!;
    expect(after.sealed).toEqual({});
  });
});

describe('POST /sessions/{id}/withdraw without a body', () => {
  it('reads an empty body as {} and withdraws', async () => {
    // Prepare
    const s = await flows.opened();

    // Act
    const res = await api.call('POST', `/sessions/${s.id}/withdraw`, { as: s.claimant });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.phase).toBe('withdrawn');
  });

  it('still refuses a body with fields (400, nothing changed)', async () => {
    // Prepare
    const s = await flows.opened();

    // Act
    const res = await withdraw(s.claimant, s.id, { reason: 'x' });
    const after = await api.call('GET', `/sessions/${s.id}`, { as: s.claimant });

    // Assess
    expect(res.status).toBe(400);
    expect(after.body.phase).toBe('initial_round');
  });
});
