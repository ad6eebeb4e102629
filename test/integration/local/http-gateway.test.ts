import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessLogEntry, createGateway } from '../../../local/services/http-gateway';
import { LocalIdentityProvider } from '../../../local/services/jwt';

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe('local HTTP gateway', () => {
  let server: Server;
  let base: string;
  let idp: LocalIdentityProvider;
  const seen: APIGatewayProxyEventV2WithJWTAuthorizer[] = [];
  const devSeen: APIGatewayProxyEventV2[] = [];
  const accessLog: AccessLogEntry[] = [];

  beforeAll(async () => {
    idp = await LocalIdentityProvider.ephemeral();
    const listener = createGateway({
      identity: idp,
      accessLog: (entry) => accessLog.push(entry),
      onError: () => undefined,
      routes: [
        {
          method: 'PUT',
          path: '/sessions/{id}/number',
          handler: async (event) => {
            seen.push(event);
            return { statusCode: 202, body: JSON.stringify({ accepted: true }), headers: { 'x-custom': 1 } };
          },
        },
        { method: 'GET', path: '/sessions/{id}/number', handler: async () => ({ statusCode: 404 }) },
        { method: 'GET', path: '/sessions', handler: async () => ({ sessions: [] }) as never },
        {
          method: 'DELETE',
          path: '/sessions/{id}/invitations/{email}',
          handler: async (event) => ({ statusCode: 200, body: JSON.stringify(event.pathParameters) }),
        },
        {
          method: 'POST',
          path: '/sessions/{id}/withdraw',
          handler: async () => {
            throw new Error('boom');
          },
        },
      ],
      devRoutes: [
        {
          method: 'POST',
          path: '/dev/token',
          handler: async (event) => {
            devSeen.push(event);
            const { email } = JSON.parse(event.body ?? '{}');
            return { statusCode: 200, body: JSON.stringify({ token: await idp.issueToken(email) }) };
          },
        },
      ],
    });
    server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const bearer = async (email = 'alice@example.com', options = {}) => ({
    authorization: `Bearer ${await idp.issueToken(email, options)}`,
  });

  describe('checks before the handler', () => {
    it('answers 413 for a body over 64 KiB, even without a token', async () => {
      // Prepare
      const body = JSON.stringify({ amount: 1, padding: 'x'.repeat(64 * 1024) });

      // Act
      const response = await fetch(`${base}/sessions/s1/number`, { method: 'PUT', body });

      // Assess
      expect(response.status).toBe(413);
      expect((await errorOf(response)).code).toBe('payload_too_large');
    });

    it('accepts a body of exactly 64 KiB', async () => {
      // Prepare
      const prefix = '{"amount":1,"p":"';
      const body = `${prefix}${'x'.repeat(64 * 1024 - prefix.length - 2)}"}`;

      // Act
      const response = await fetch(`${base}/sessions/s1/number`, {
        method: 'PUT',
        body,
        headers: await bearer(),
      });

      // Assess
      expect(Buffer.byteLength(body)).toBe(64 * 1024);
      expect(response.status).toBe(202);
    });

    it('answers 401 without a token, with a forged one and with an expired one', async () => {
      // Prepare
      const impostor = await LocalIdentityProvider.ephemeral();
      const forged = await impostor.issueToken('alice@example.com');
      const expired = await idp.issueToken('alice@example.com', { expiresInSeconds: -1 });
      const count = seen.length;

      // Act
      const responses = await Promise.all([
        fetch(`${base}/sessions/s1/number`, { method: 'PUT', body: '{"amount":1}' }),
        fetch(`${base}/sessions/s1/number`, {
          method: 'PUT',
          body: '{"amount":1}',
          headers: { authorization: `Bearer ${forged}` },
        }),
        fetch(`${base}/sessions/s1/number`, {
          method: 'PUT',
          body: '{"amount":1}',
          headers: { authorization: `Bearer ${expired}` },
        }),
        fetch(`${base}/sessions/s1/number`, {
          method: 'PUT',
          body: '{}',
          headers: { authorization: 'Basic abc' },
        }),
      ]);

      // Assess
      expect(responses.map((response) => response.status)).toEqual([401, 401, 401, 401]);
      for (const response of responses) {
        expect(await response.json()).toEqual({
          error: { code: 'unauthorized', message: expect.any(String) },
        });
      }
      expect(seen.length).toBe(count);
    });

    it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
      // Prepare
      const headers = await bearer();

      // Act
      const unknown = await fetch(`${base}/nothing/here`, { headers });
      const trailing = await fetch(`${base}/sessions/s1/number/extra`, { headers });
      const wrongMethod = await fetch(`${base}/sessions/s1/number`, { method: 'POST', body: '{}', headers });

      // Assess
      expect(unknown.status).toBe(404);
      expect((await errorOf(unknown)).code).toBe('not_found');
      expect(trailing.status).toBe(404);
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('PUT, GET');
      expect((await errorOf(wrongMethod)).code).toBe('method_not_allowed');
    });
  });

  describe('the event', () => {
    it('is a payload-2.0 event with the verified claims as strings', async () => {
      // Prepare
      const headers = {
        ...(await bearer('Bob@Example.com')),
        'X-Trace': 'abc',
        'content-type': 'application/json',
      };

      // Act
      const response = await fetch(`${base}/sessions/abc123/number?x=1&x=2&y=3`, {
        method: 'PUT',
        body: '{"amount":1000}',
        headers,
      });

      // Assess
      expect(response.status).toBe(202);
      expect(response.headers.get('x-custom')).toBe('1');
      expect(response.headers.get('apigw-requestid')).toBeTruthy();
      expect(await response.json()).toEqual({ accepted: true });
      const event = seen.at(-1) as APIGatewayProxyEventV2WithJWTAuthorizer;
      expect(event).toMatchObject({
        version: '2.0',
        routeKey: 'PUT /sessions/{id}/number',
        rawPath: '/sessions/abc123/number',
        rawQueryString: 'x=1&x=2&y=3',
        queryStringParameters: { x: '1,2', y: '3' },
        pathParameters: { id: 'abc123' },
        body: '{"amount":1000}',
        isBase64Encoded: false,
        headers: { 'x-trace': 'abc', 'content-type': 'application/json' },
        requestContext: {
          routeKey: 'PUT /sessions/{id}/number',
          stage: '$default',
          http: { method: 'PUT', path: '/sessions/abc123/number', sourceIp: '127.0.0.1' },
        },
      });
      expect(event.requestContext.requestId).toBe(response.headers.get('apigw-requestid'));
      expect(typeof event.requestContext.timeEpoch).toBe('number');
      const claims = event.requestContext.authorizer.jwt.claims;
      expect(claims).toMatchObject({
        email: 'Bob@Example.com',
        email_verified: 'true',
        token_use: 'id',
        sub: idp.subjectFor('bob@example.com'),
      });
      expect(claims.exp).toMatch(/^\d+$/);
    });

    it('passes an unverified email through as "false" (the handler decides, as on AWS)', async () => {
      // Prepare
      const headers = await bearer('carol@example.com', { emailVerified: false });

      // Act
      const response = await fetch(`${base}/sessions/s1/number`, { method: 'PUT', body: '{}', headers });

      // Assess
      expect(response.status).toBe(202);
      expect(seen.at(-1)?.requestContext.authorizer.jwt.claims.email_verified).toBe('false');
    });

    it('decodes path parameters and maps a result without statusCode to 200 JSON', async () => {
      // Prepare
      const headers = await bearer();

      // Act
      const deleted = await fetch(`${base}/sessions/s1/invitations/a%2Bb%40example.com`, {
        method: 'DELETE',
        headers,
      });
      const list = await fetch(`${base}/sessions`, { headers });

      // Assess
      expect(await deleted.json()).toEqual({ id: 's1', email: 'a+b@example.com' });
      expect(list.status).toBe(200);
      expect(list.headers.get('content-type')).toBe('application/json');
      expect(await list.json()).toEqual({ sessions: [] });
    });

    it('turns a handler crash into a 500 in the error format', async () => {
      // Prepare
      const headers = await bearer();

      // Act
      const response = await fetch(`${base}/sessions/s1/withdraw`, { method: 'POST', body: '{}', headers });

      // Assess
      expect(response.status).toBe(500);
      expect((await errorOf(response)).code).toBe('internal_error');
    });
  });

  describe('dev routes', () => {
    it('need no token, and the token they issue is accepted', async () => {
      // Prepare
      const body = JSON.stringify({ email: 'dana@example.com' });

      // Act
      const issued = await fetch(`${base}/dev/token`, { method: 'POST', body });
      const { token } = (await issued.json()) as { token: string };
      const used = await fetch(`${base}/sessions/s1/number`, {
        method: 'PUT',
        body: '{}',
        headers: { authorization: `Bearer ${token}` },
      });

      // Assess
      expect(issued.status).toBe(200);
      expect(devSeen.at(-1)?.routeKey).toBe('POST /dev/token');
      expect(used.status).toBe(202);
    });
  });

  describe('the access log', () => {
    it('records route templates and statuses, never raw paths or body sizes', async () => {
      // Prepare
      const headers = await bearer();

      // Act
      await fetch(`${base}/sessions/secret-id/number`, { method: 'PUT', body: '{"amount":123456}', headers });

      // Assess
      const entry = accessLog.at(-1) as AccessLogEntry;
      expect(entry).toEqual({
        requestId: expect.any(String),
        routeKey: 'PUT /sessions/{id}/number',
        status: 202,
        durationMs: expect.any(Number),
      });
      expect(JSON.stringify(accessLog)).not.toContain('secret-id');
    });
  });
});
