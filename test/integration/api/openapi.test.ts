/**
 * openapi.yaml describes every route of openapi.yaml, and the validator the API harness applies to
 * every real response (in every file of this folder) is not blind: it rejects what the document
 * does not allow.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, ContractViolation, createApiHarness, ROUTES } from '../../support/api-harness';
import { OpenApiContract } from '../../support/openapi-contract';
import { sessionFlows } from '../../support/session-flows';

let api: ApiHarness;
let flows: ReturnType<typeof sessionFlows>;

beforeAll(async () => {
  api = await createApiHarness();
  flows = sessionFlows(api);
});

describe('openapi.yaml', () => {
  it('is OpenAPI 3.1 and describes exactly the routes the functions serve', () => {
    // Prepare
    const contract = new OpenApiContract();

    // Act
    const documented = contract.operations().map((o) => `${o.method} ${o.path}`);

    // Assess
    expect(contract.doc.openapi).toBe('3.1.0');
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('has every route of the shared table served by the function the table names', async () => {
    // Act: a valid caller, an unknown session, an empty body: never "No such route".
    const results = await Promise.all(
      ROUTES.map((r) =>
        api.call(
          r.method,
          r.path.replace('{id}', 'AAAAAAAAAAAAAAAAAAAAAA').replace('{email}', 'x@example.com'),
          {
            as: 'router@example.com',
            ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} }),
          },
        ),
      ),
    );

    // Assess
    expect(results.map((r) => r.body?.error?.message)).not.toContain('No such route.');
    const expected: Record<string, number> = {
      'GET /sessions': 200,
      'POST /sessions': 400,
      'POST /invitations/accept': 400,
      'POST /invitations/preview': 400,
      'GET /currencies': 200,
      'GET /me': 200,
      'PUT /me': 400,
    };
    expect(results.map((r) => r.status)).toEqual(ROUTES.map((r) => expected[`${r.method} ${r.path}`] ?? 404));
  });

  it('documents 401, 413, 500 and 503 on every route, and 404 on every route under a session', () => {
    // Prepare
    const contract = new OpenApiContract();

    // Act
    const missing = ROUTES.flatMap((r) =>
      [401, 413, 500, 503, ...(r.path.includes('{id}') ? [404] : [])]
        .filter((status) => !contract.response(r.path, r.method, status))
        .map((status) => `${r.method} ${r.path} ${status}`),
    );

    // Assess
    expect(missing).toEqual([]);
  });

  it('rejects what it does not describe: an extra view field, a wrong error code, an undocumented status', async () => {
    // Prepare
    const contract = new OpenApiContract();
    const s = await flows.opened({ mediator: true });
    const view = (await api.call('GET', `/sessions/${s.id}`, { as: s.claimant })).body;

    // Act
    const valid = contract.check('/sessions/{id}', 'GET', 200, view);
    const withSeq = contract.check('/sessions/{id}', 'GET', 200, { ...view, seq: 3 });
    const withUpdatedAt = contract.check('/sessions/{id}', 'GET', 200, {
      ...view,
      updatedAt: '2026-01-01T00:00:00Z',
    });
    const millis = contract.check('/sessions/{id}', 'GET', 200, {
      ...view,
      schedule: { ...view.schedule, startsAt: '2026-01-01T00:00:00.123Z' },
    });
    const wrongCode = contract.check('/sessions/{id}/number', 'PUT', 409, {
      error: { code: 'terms_closed', message: 'x' },
    });
    const undocumented = contract.check('/sessions', 'GET', 404, {
      error: { code: 'not_found', message: 'x' },
    });
    const noBody = contract.check('/sessions/{id}/invitations/{email}', 'DELETE', 204, { unexpected: true });

    // Assess
    expect(valid).toEqual([]);
    for (const problems of [withSeq, withUpdatedAt, millis, wrongCode, undocumented, noBody]) {
      expect(problems).not.toEqual([]);
    }
  });

  it('is checked on every response the harness returns', async () => {
    // Prepare
    const before = api.checkedResponses();

    // Act
    await api.call('GET', '/sessions', { as: 'someone@example.com' });

    // Assess
    expect(api.checkedResponses()).toBe(before + 1);
    expect(new ContractViolation('x').name).toBe('ContractViolation');
  });
});
