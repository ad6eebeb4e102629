/**
 * The local gateway's CORS (the web app's origin only) and its `Date` header (the business clock),
 * over real HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../../local/services/http-gateway';
import { LocalIdentityProvider } from '../../../local/services/jwt';

const WEB_ORIGIN = 'http://127.0.0.1:47001';
const OTHER_ORIGIN = 'http://evil.example';
/** The business clock, far from real time: 2031-05-06T07:08:09Z. */
const BUSINESS_NOW = Date.UTC(2031, 4, 6, 7, 8, 9);

describe('local HTTP gateway: CORS and the Date header', () => {
  let server: Server;
  let base: string;
  let idp: LocalIdentityProvider;
  let handled = 0;

  beforeAll(async () => {
    idp = await LocalIdentityProvider.ephemeral();
    const listener = createGateway({
      identity: idp,
      onError: () => undefined,
      cors: { allowOrigin: WEB_ORIGIN, maxAgeSeconds: 300 },
      clock: () => BUSINESS_NOW,
      routes: [
        {
          method: 'PUT',
          path: '/sessions/{id}/number',
          handler: async () => {
            handled++;
            return { statusCode: 202, body: '{"accepted":true}' };
          },
        },
        {
          method: 'GET',
          path: '/sessions/{id}/number',
          handler: async () => ({
            statusCode: 200,
            body: '{}',
            headers: { date: 'Thu, 01 Jan 1970 00:00:00 GMT' },
          }),
        },
      ],
      devRoutes: [
        { method: 'POST', path: '/dev/token', handler: async () => ({ statusCode: 200, body: '{}' }) },
      ],
    });
    server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const preflight = (path: string, origin: string, method = 'PUT') =>
    fetch(`${base}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });

  describe('preflight', () => {
    it('allows the web origin on an API route: methods, headers, max-age; no handler runs', async () => {
      // Prepare
      const before = handled;

      // Act
      const response = await preflight('/sessions/abc/number', WEB_ORIGIN);

      // Assess
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
      expect(response.headers.get('access-control-allow-methods')?.split(', ').sort()).toEqual([
        'GET',
        'OPTIONS',
        'PUT',
      ]);
      expect(response.headers.get('access-control-allow-headers')).toBe(
        'authorization, content-type, idempotency-key',
      );
      expect(response.headers.get('access-control-max-age')).toBe('300');
      expect(handled).toBe(before);
    });

    it('allows the web origin on a dev route (the local sign-in calls POST /dev/token)', async () => {
      // Act
      const response = await preflight('/dev/token', WEB_ORIGIN, 'POST');

      // Assess
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
      expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    });

    it('gives another origin no CORS header at all', async () => {
      // Act
      const response = await preflight('/sessions/abc/number', OTHER_ORIGIN);

      // Assess
      expect(response.status).toBe(204);
      const cors = [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
      expect(cors).toEqual([]);
    });

    it('answers a preflight on an unknown path 404', async () => {
      // Act
      const response = await preflight('/nowhere', WEB_ORIGIN);

      // Assess
      expect(response.status).toBe(404);
    });
  });

  describe('responses', () => {
    it('carry the allowed origin and expose Date to the web app, even on an error', async () => {
      // Act
      const ok = await fetch(`${base}/dev/token`, { method: 'POST', headers: { origin: WEB_ORIGIN } });
      const unauthorized = await fetch(`${base}/sessions/abc/number`, {
        method: 'PUT',
        headers: { origin: WEB_ORIGIN },
      });

      // Assess
      for (const response of [ok, unauthorized]) {
        expect(response.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
        expect(response.headers.get('access-control-expose-headers')?.split(', ')).toContain('date');
        expect(response.headers.get('vary')).toBe('Origin');
      }
      expect(unauthorized.status).toBe(401);
    });

    it('carry no CORS header for another origin or without one', async () => {
      // Act
      const other = await fetch(`${base}/dev/token`, { method: 'POST', headers: { origin: OTHER_ORIGIN } });
      const none = await fetch(`${base}/dev/token`, { method: 'POST' });

      // Assess
      for (const response of [other, none]) {
        expect(response.status).toBe(200);
        const cors = [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
        expect(cors).toEqual([]);
      }
    });

    it('are dated by the business clock (RFC 7231), whatever the handler or the outcome', async () => {
      // Act
      const responses = await Promise.all([
        fetch(`${base}/dev/token`, { method: 'POST' }),
        fetch(`${base}/sessions/abc/number`, {
          headers: { authorization: `Bearer ${await idp.issueToken('a@b.example')}` },
        }),
        fetch(`${base}/sessions/abc/number`, { method: 'PUT' }),
        fetch(`${base}/nowhere`),
      ]);

      // Assess
      expect(responses.map((response) => response.status)).toEqual([200, 200, 401, 404]);
      for (const response of responses) {
        expect(response.headers.get('date')).toBe('Tue, 06 May 2031 07:08:09 GMT');
      }
    });
  });
});
