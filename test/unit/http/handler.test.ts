/**
 * The API handler as a whole: its middleware in order (413 → 401 → route), route dispatch
 * (404/405), and the Idempotency-Key claimed beside the route and recorded with its change. The
 * middleware are tested one by one in middleware.test.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../../local/services/lambda-context';
import { DependencyError } from '../../../shared/adapters/errors';
import { HttpError } from '../../../shared/http/errors';
import { type ApiEvent, type ApiResult, apiHandler, type Routes } from '../../../shared/http/handler';
import type { Idempotency, IdempotencyGuard } from '../../../shared/http/idempotency';

const SECRET = '7391846250193';

/** A real Powertools logger whose info and error lines are captured instead of printed. */
function capturingLogger() {
  const lines: { level: string; message: string; data: unknown }[] = [];
  const logger = new Logger({ logLevel: 'SILENT' });
  vi.spyOn(logger, 'info').mockImplementation(((message: string, data: unknown) => {
    lines.push({ level: 'info', message, data });
  }) as never);
  vi.spyOn(logger, 'error').mockImplementation(((message: string, data: unknown) => {
    lines.push({ level: 'error', message, data });
  }) as never);
  return { logger, lines };
}

function event(
  routeKey: string,
  options: {
    body?: string;
    claims?: Record<string, string | boolean> | null;
    headers?: Record<string, string>;
    base64?: boolean;
    rawPath?: string;
  } = {},
): ApiEvent {
  const [method] = routeKey.split(' ');
  const claims =
    options.claims === undefined
      ? { sub: 'sub-1', email: 'Alice@Example.com', email_verified: 'true' }
      : options.claims;
  return {
    version: '2.0',
    routeKey,
    rawPath: options.rawPath ?? '/sessions',
    rawQueryString: '',
    headers: options.headers ?? {},
    requestContext: {
      http: {
        method,
        path: options.rawPath ?? '/sessions',
        protocol: 'HTTP/1.1',
        sourceIp: '1.2.3.4',
        userAgent: 'x',
      },
      routeKey,
      ...(claims
        ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: null } } }
        : {}),
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.base64 ?? false,
  } as unknown as ApiEvent;
}

async function invoke(routes: Routes, e: ApiEvent, extra: { idempotency?: Idempotency } = {}) {
  const { logger, lines } = capturingLogger();
  const handler = apiHandler({ routes, logger, clock: () => 1_800_000_000_000, ...extra });
  const result = (await handler(e, lambdaContext('api'))) as ApiResult;
  return { result, body: result.body ? JSON.parse(result.body) : undefined, lines };
}

describe('apiHandler', () => {
  const ok: Routes = { 'POST /sessions': async () => ({ statusCode: 201, body: { id: 'x' } }) };

  it('answers 413 to a body over 64 KiB before looking at the token', async () => {
    // Act
    const { result, body } = await invoke(
      ok,
      event('POST /sessions', { body: 'x'.repeat(65537), claims: null }),
    );

    // Assess
    expect(result.statusCode).toBe(413);
    expect(body.error.code).toBe('payload_too_large');
  });

  it('measures a base64 body by its decoded size', async () => {
    // Prepare
    const small = Buffer.from('y'.repeat(60_000)).toString('base64'); // 80,000 characters encoded
    const large = Buffer.from('y'.repeat(65_537)).toString('base64');

    // Act
    const fits = await invoke(ok, event('POST /sessions', { body: small, base64: true }));
    const over = await invoke(ok, event('POST /sessions', { body: large, base64: true }));

    // Assess
    expect(fits.result.statusCode).toBe(201);
    expect(over.result.statusCode).toBe(413);
  });

  it.each([
    ['no claims', null],
    ['no email', { sub: 's', email_verified: 'true' }],
    ['no sub', { email: 'a@b.co', email_verified: 'true' }],
    ['an unverified email', { sub: 's', email: 'a@b.co', email_verified: 'false' }],
    ['no email_verified claim', { sub: 's', email: 'a@b.co' }],
  ])('answers 401 for %s', async (_, claims) => {
    // Act
    const { result, body } = await invoke(ok, event('POST /sessions', { body: '{}', claims }));

    // Assess
    expect(result.statusCode).toBe(401);
    expect(body.error.code).toBe('unauthorized');
  });

  it('hands the route the caller (email lower-cased), the path parameters and the body', async () => {
    // Prepare
    const route = vi.fn<Routes[string]>(async () => ({ statusCode: 200, body: {} }));
    const e = {
      ...event('POST /sessions', {
        body: '{"a":1}',
        claims: { sub: 's', email: ' Bob@X.CO ', email_verified: true },
      }),
    };
    (e as { pathParameters?: Record<string, string> }).pathParameters = { id: 'abc' };

    // Act
    await invoke({ 'POST /sessions': route }, e);

    // Assess
    const request = route.mock.calls[0]![0];
    expect(request.caller).toEqual({ email: 'bob@x.co', sub: 's' });
    expect(request.params).toEqual({ id: 'abc' });
    expect(request.body.body).toBe('{"a":1}');
    expect(request.receipt(() => ({ statusCode: 200 }))).toBeUndefined();
  });

  it('answers 404 for a route it does not serve', async () => {
    // Act
    const { result } = await invoke(ok, event('GET /elsewhere', { rawPath: '/elsewhere' }));

    // Assess
    expect(result.statusCode).toBe(404);
  });

  it('exposes an HttpError, maps a DependencyError to 503 and anything else to a plain 500, logging names only', async () => {
    // Prepare
    const routes: Routes = {
      'POST /a': async () => {
        throw new HttpError(403, 'forbidden', 'Your role may not do this.');
      },
      'POST /b': async () => {
        throw new DependencyError('kms', 'Encrypt', 'KMSInternalException');
      },
      'POST /c': async () => {
        throw new Error(`could not handle ${SECRET}`);
      },
    };

    // Act
    const a = await invoke(routes, event('POST /a', { body: '{}' }));
    const b = await invoke(routes, event('POST /b', { body: '{}' }));
    const c = await invoke(routes, event('POST /c', { body: `{"amount":${SECRET}}` }));

    // Assess
    expect([a.result.statusCode, b.result.statusCode, c.result.statusCode]).toEqual([403, 503, 500]);
    expect(a.body.error).toEqual({ code: 'forbidden', message: 'Your role may not do this.' });
    expect(c.body.error).toEqual({ code: 'internal_error', message: 'Something went wrong.' });
    expect(c.result.body).not.toContain(SECRET);
    expect(JSON.stringify(c.lines)).not.toContain(SECRET);
    expect(c.lines.find((l) => l.level === 'error')?.data).toEqual({
      routeKey: 'POST /c',
      status: 500,
      error: 'Error',
    });
    expect(b.lines.find((l) => l.level === 'error')?.data).toEqual({
      routeKey: 'POST /b',
      status: 503,
      error: 'KMSInternalException',
      dependency: 'kms',
      operation: 'Encrypt',
    });
    expect(a.lines.some((l) => l.level === 'error')).toBe(false);
  });

  describe('with an Idempotency-Key', () => {
    function fakeIdempotency(start: Awaited<ReturnType<Idempotency['begin']>> | 'guard') {
      const guard = {
        completeAlone: vi.fn(async () => undefined),
        release: vi.fn(async () => undefined),
        completeWith: vi.fn((response: unknown) => ({ atomicWrite: response })),
      } as unknown as IdempotencyGuard;
      const begin = vi.fn(async () => (start === 'guard' ? { guard } : start));
      return { idempotency: { begin } as unknown as Idempotency, begin, guard };
    }

    it("claims the key scoped to (user sub, method, path) and records the route's result with its change", async () => {
      // Prepare: a route that, like every use case, writes its receipt with the change.
      const { idempotency, begin, guard } = fakeIdempotency('guard');
      const written: unknown[] = [];
      const present = (id: string) => ({ statusCode: 201, body: { id } });
      const route: Routes[string] = async ({ receipt }) => {
        const ready = await receipt(present);
        written.push(ready?.with('s-1'));
        return present('s-1');
      };

      // Act
      await invoke(
        { 'POST /sessions': route },
        event('POST /sessions', { body: '{"t":1}', headers: { 'idempotency-key': 'k1' } }),
        { idempotency },
      );

      // Assess
      expect(begin).toHaveBeenCalledWith({
        user: 'sub-1',
        method: 'POST',
        path: '/sessions',
        key: 'k1',
        rawBody: '{"t":1}',
        now: 1_800_000_000_000,
      });
      expect(guard.completeWith).toHaveBeenCalledWith({ statusCode: 201, body: { id: 's-1' } });
      expect(written).toEqual([{ atomicWrite: { statusCode: 201, body: { id: 's-1' } } }]);
      expect(guard.completeAlone).not.toHaveBeenCalled();
    });

    it('records the response of a route that changes nothing, so a retry gets the same answer', async () => {
      // Prepare
      const { idempotency, guard } = fakeIdempotency('guard');
      const route: Routes[string] = async () => ({ statusCode: 200, body: { title: 't' } });

      // Act
      await invoke(
        { 'POST /sessions': route },
        event('POST /sessions', { body: '{}', headers: { 'idempotency-key': 'k' } }),
        { idempotency },
      );

      // Assess
      expect(guard.completeAlone).toHaveBeenCalledWith({ statusCode: 200, body: { title: 't' } });
    });

    it('answers a replay, and the route (which ran beside the claim) writes nothing', async () => {
      // Prepare
      const { idempotency } = fakeIdempotency({ replay: { statusCode: 201, body: { id: 'first' } } });
      const commit = vi.fn();
      const route: Routes[string] = async ({ receipt }) => {
        await receipt(() => ({ statusCode: 201 })); // throws: the first response stands
        commit();
        return { statusCode: 201, body: { id: 'second' } };
      };

      // Act
      const { result, body } = await invoke(
        { 'POST /sessions': route },
        event('POST /sessions', { body: '{}', headers: { 'idempotency-key': 'k' } }),
        { idempotency },
      );

      // Assess
      expect(result.statusCode).toBe(201);
      expect(body).toEqual({ id: 'first' });
      expect(commit).not.toHaveBeenCalled();
    });

    it('stores a 4xx for the key and releases it after a 5xx', async () => {
      // Prepare
      const four = fakeIdempotency('guard');
      const five = fakeIdempotency('guard');
      const routes: Routes = {
        'POST /four': async () => {
          throw new HttpError(409, 'round_not_open', 'Numbers are not open yet.');
        },
        'POST /five': async () => {
          throw new DependencyError('kms', 'Encrypt', 'ThrottlingException');
        },
      };
      const headers = { 'idempotency-key': 'k' };

      // Act
      await invoke(routes, event('POST /four', { body: '{}', headers }), { idempotency: four.idempotency });
      await invoke(routes, event('POST /five', { body: '{}', headers }), { idempotency: five.idempotency });

      // Assess
      expect(four.guard.completeAlone).toHaveBeenCalledWith({
        statusCode: 409,
        body: { error: { code: 'round_not_open', message: 'Numbers are not open yet.' } },
      });
      expect(four.guard.release).not.toHaveBeenCalled();
      expect(five.guard.release).toHaveBeenCalled();
      expect(five.guard.completeAlone).not.toHaveBeenCalled();
    });

    it('ignores the key on a GET, and refuses one longer than 255 characters', async () => {
      // Prepare
      const { idempotency, begin } = fakeIdempotency('guard');
      const routes: Routes = { 'GET /sessions': async () => ({ statusCode: 200, body: {} }), ...ok };

      // Act
      const get = await invoke(routes, event('GET /sessions', { headers: { 'idempotency-key': 'k' } }), {
        idempotency,
      });
      const long = await invoke(
        routes,
        event('POST /sessions', { body: '{}', headers: { 'idempotency-key': 'k'.repeat(256) } }),
        { idempotency },
      );

      // Assess
      expect(get.result.statusCode).toBe(200);
      expect(long.result.statusCode).toBe(400);
      expect(begin).not.toHaveBeenCalled();
    });
  });
});

describe('apiHandler on a route it does not serve (API Gateway’s catch-all route)', () => {
  it('answers 405 for a known path with another method and 404 for an unknown path', async () => {
    // Prepare
    const routes: Routes = { 'GET /sessions/{id}': async () => ({ statusCode: 200, body: {} }) };

    // Act
    const wrongMethod = await invoke(routes, event('PATCH /sessions/{id}', { rawPath: '/sessions/abc' }));
    const unknownPath = await invoke(routes, event('GET /nowhere', { rawPath: '/nowhere/at/all' }));

    // Assess
    expect(wrongMethod.result.statusCode).toBe(405);
    expect(wrongMethod.body.error.code).toBe('method_not_allowed');
    expect(unknownPath.result.statusCode).toBe(404);
    expect(unknownPath.body.error.code).toBe('not_found');
  });
});
