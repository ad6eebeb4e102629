/** Each middleware of the API handler on its own: body limit, verified caller, JSON errors. */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { DependencyError } from '../../../shared/adapters/errors';
import { Rejected } from '../../../shared/app/rejections';
import { HttpError } from '../../../shared/http/errors';
import { bodyLimit } from '../../../shared/http/middleware/body-limit';
import { httpFailure, jsonErrors, toApiResult } from '../../../shared/http/middleware/json-errors';
import { callerFromClaims, verifiedCaller } from '../../../shared/http/middleware/verified-caller';
import { ConflictError } from '../../../shared/ports';

const SECRET = '7391846250193';

/** A middy request with just what a middleware reads. */
const request = (event: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ event, context: {}, response: undefined, error: undefined, internal: {}, ...extra }) as never;

describe('bodyLimit', () => {
  it('lets 64 KiB through and refuses one byte more with 413', () => {
    // Prepare
    const limit = bodyLimit();
    // Act
    const fits = () => limit.before!(request({ body: 'x'.repeat(65536) }));
    const over = () => limit.before!(request({ body: 'x'.repeat(65537) }));
    // Assess
    expect(fits).not.toThrow();
    expect(over).toThrow(expect.objectContaining({ statusCode: 413, code: 'payload_too_large' }));
  });

  it('measures a base64 body by its decoded size, and a multi-byte body in bytes', () => {
    // Prepare
    const limit = bodyLimit({ maxBytes: 10 });
    // Act
    const encoded = () =>
      limit.before!(request({ body: Buffer.from('y'.repeat(10)).toString('base64'), isBase64Encoded: true }));
    const multiByte = () => limit.before!(request({ body: 'é'.repeat(6) })); // 12 bytes
    // Assess
    expect(encoded).not.toThrow();
    expect(multiByte).toThrow(expect.objectContaining({ statusCode: 413 }));
  });
});

describe('verifiedCaller', () => {
  it.each([
    ['no email', { sub: 's', email_verified: 'true' }],
    ['no sub', { email: 'a@b.co', email_verified: 'true' }],
    ['an unverified email', { sub: 's', email: 'a@b.co', email_verified: 'false' }],
    ['no email_verified claim', { sub: 's', email: 'a@b.co' }],
  ])('refuses %s with 401', (_, claims) => {
    // Act
    const refused = () => callerFromClaims(claims);
    // Assess
    expect(refused).toThrow(expect.objectContaining({ statusCode: 401, code: 'unauthorized' }));
  });

  it('puts the caller (address trimmed and lower-cased) in the context, from a verifier when it has one', async () => {
    // Prepare
    const verifier = vi.fn(async () => ({ sub: 'u1', email: ' Real@B.example ', email_verified: true }));
    const forged = {
      requestContext: {
        authorizer: { jwt: { claims: { sub: 'x', email: 'victim@b.example', email_verified: 'true' } } },
      },
      headers: { authorization: 'Bearer t' },
    };
    const withVerifier = request(forged) as { context: { caller?: unknown } };
    const withoutVerifier = request(forged) as { context: { caller?: unknown } };
    // Act
    await verifiedCaller({ verifier }).before!(withVerifier as never);
    await verifiedCaller().before!(withoutVerifier as never);
    // Assess
    expect(verifier).toHaveBeenCalledWith('Bearer t');
    expect(withVerifier.context.caller).toEqual({ email: 'real@b.example', sub: 'u1' });
    expect(withoutVerifier.context.caller).toEqual({ email: 'victim@b.example', sub: 'x' });
  });
});

describe('httpFailure', () => {
  it('shows an HttpError and a domain rejection as they are', () => {
    // Act
    const http = httpFailure(new HttpError(409, 'terms_closed', 'Step 1 is settled.'));
    const rejected = httpFailure(new Rejected('role_filled', 'The session already has a mediator.'));
    // Assess
    expect(http).toEqual({
      statusCode: 409,
      body: { error: { code: 'terms_closed', message: 'Step 1 is settled.' } },
    });
    expect(rejected).toEqual({
      statusCode: 409,
      body: { error: { code: 'role_filled', message: 'The session already has a mediator.' } },
    });
  });

  it.each([
    ['a DependencyError', new DependencyError('kms', 'Encrypt', 'ThrottlingException')],
    ['a write conflict that outlived its retries', new ConflictError()],
    ['an AWS SDK error', Object.assign(new Error(`ValidationException ${SECRET}`), { $metadata: {} })],
    ['a timeout', Object.assign(new Error('took too long'), { name: 'TimeoutError' })],
    ['a withdrawal that waited too long', new Rejected('evaluation_pending', 'Earlier numbers are pending.')],
  ])('answers 503 for %s, with a fixed sentence', (_, error) => {
    // Act
    const failure = httpFailure(error);
    // Assess
    expect(failure.statusCode).toBe(503);
    expect(failure.body).toEqual({
      error: { code: 'service_unavailable', message: expect.stringMatching(/safe to retry/) },
    });
    expect(JSON.stringify(failure)).not.toContain(SECRET);
  });

  it.each([
    ['an unknown Error', new Error(`amount ${SECRET} exploded`)],
    ['a TypeError', new TypeError(`Cannot read ${SECRET}`)],
    ['a thrown string', `oops ${SECRET}`],
    ['a thrown null', null],
    ['a thrown number', 7391846250193],
  ])('answers 500 with a plain message for %s', (_, error) => {
    // Act
    const failure = httpFailure(error);
    // Assess
    expect(failure).toEqual({
      statusCode: 500,
      body: { error: { code: 'internal_error', message: 'Something went wrong.' } },
    });
  });
});

describe('toApiResult', () => {
  it('answers JSON that is never cached, and a 204 without a body', () => {
    // Act
    const json = toApiResult({ statusCode: 200, body: { ok: true } });
    const empty = toApiResult({ statusCode: 204 });
    // Assess
    expect(json).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: '{"ok":true}',
    });
    expect(empty).toEqual({ statusCode: 204, headers: { 'cache-control': 'no-store' } });
  });

  it('answers a file as a download of its own type, never cached', () => {
    // Act
    const file = toApiResult({
      statusCode: 200,
      file: {
        contentType: 'text/calendar; charset=utf-8',
        fileName: 'backchannel-abc_D-1.ics',
        text: 'BEGIN:X',
      },
    });

    // Assess
    expect(file).toEqual({
      statusCode: 200,
      headers: {
        'content-type': 'text/calendar; charset=utf-8',
        'content-disposition': 'attachment; filename="backchannel-abc_D-1.ics"',
        'cache-control': 'no-store',
      },
      body: 'BEGIN:X',
    });
  });

  it.each(['a"b.ics', 'a b.ics', 'x\r\nset-cookie: y', 'café.ics', ''])(
    'refuses to put the file name %j into a header',
    (fileName) => {
      // Act / Assess
      expect(() =>
        toApiResult({ statusCode: 200, file: { contentType: 'text/plain', fileName, text: '' } }),
      ).toThrow('unsafe file name');
    },
  );
});

describe('jsonErrors', () => {
  it('logs a 5xx with the facts of its error (code, HTTP status, attempts) and never its message', () => {
    // Prepare: a fetch failure wraps ECONNREFUSED in its cause; an SDK error carries $metadata.
    const logger = new Logger({ logLevel: 'SILENT' });
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const refused = Object.assign(new TypeError(`fetch failed ${SECRET}`), {
      cause: Object.assign(new Error(`connect ECONNREFUSED ${SECRET}`), { code: 'ECONNREFUSED' }),
    });
    const throttled = Object.assign(new Error(`Rate exceeded for ${SECRET}`), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    const middleware = jsonErrors({ logger });
    const first = request({ routeKey: 'PUT /sessions/{id}/number' }, { error: refused }) as {
      response?: { statusCode: number };
    };
    const second = request({ routeKey: 'PUT /sessions/{id}/number' }, { error: throttled }) as {
      response?: { statusCode: number };
    };

    // Act
    middleware.onError!(first as never);
    middleware.onError!(second as never);

    // Assess
    expect(first.response?.statusCode).toBe(500);
    expect(second.response?.statusCode).toBe(503);
    expect(error.mock.calls.map((call) => call[1])).toEqual([
      { routeKey: 'PUT /sessions/{id}/number', status: 500, error: 'TypeError', code: 'ECONNREFUSED' },
      {
        routeKey: 'PUT /sessions/{id}/number',
        status: 503,
        error: 'ThrottlingException',
        httpStatus: 400,
        attempts: 3,
      },
    ]);
    expect(JSON.stringify(error.mock.calls)).not.toContain(SECRET);
  });

  it('logs nothing for a 4xx', () => {
    // Prepare
    const logger = new Logger({ logLevel: 'SILENT' });
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    // Act
    jsonErrors({ logger }).onError!(request({ routeKey: 'x' }, { error: new Rejected('forbidden', 'No.') }));
    // Assess
    expect(error).not.toHaveBeenCalled();
  });
});
