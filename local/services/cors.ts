/**
 * CORS for the local API: the web app's origin, and only it, may call the API from a browser
 * (`npm start` serves the web app on another port, so every call is cross-origin). The runtime
 * also allows Vite's dev server (`npm run dev:web`), the same app served another way.
 *
 * - A preflight (`OPTIONS` with `Access-Control-Request-Method`) on a path that has a route is
 *   answered 204; for the allowed origin with the route's methods, the allowed request headers
 *   and a max-age; for any other origin with no CORS header at all (the browser then refuses).
 * - Every other response to the allowed origin carries `Access-Control-Allow-Origin` and exposes
 *   the headers a client may read: `Date` (the business clock, so countdowns follow
 *   `/dev/clock`), `apigw-requestid`, and `Content-Disposition` (the file name of a download:
 *   openapi.yaml, `GET /sessions/{id}/calendar.ics`).
 * - Responses vary by `Origin`.
 *
 * No credentials (cookies) are involved: the API takes a bearer token.
 */
import type { IncomingMessage } from 'node:http';

export interface CorsOptions {
  /**
   * The origins allowed: exact origins (`http://127.0.0.1:3001`) or patterns (when the web app
   * may be reached under several host names). An allowed origin is echoed.
   */
  allowOrigin: string | RegExp | readonly (string | RegExp)[];
  /** Preflight cache. Default 600 s. */
  maxAgeSeconds?: number;
}

export const CORS_ALLOWED_HEADERS = 'authorization, content-type, idempotency-key';
export const CORS_EXPOSED_HEADERS = 'date, apigw-requestid, content-disposition';

/** The request's origin when it is allowed. */
function allowedOrigin(req: IncomingMessage, cors: CorsOptions | undefined): string | undefined {
  const origin = req.headers.origin;
  if (!cors || typeof origin !== 'string') return undefined;
  const rules: readonly (string | RegExp)[] =
    typeof cors.allowOrigin === 'string' || cors.allowOrigin instanceof RegExp
      ? [cors.allowOrigin]
      : cors.allowOrigin;
  const allowed = rules.some((rule) => (typeof rule === 'string' ? origin === rule : rule.test(origin)));
  return allowed ? origin : undefined;
}

export const isPreflight = (req: IncomingMessage) =>
  req.method === 'OPTIONS' && typeof req.headers['access-control-request-method'] === 'string';

/** Headers for a non-preflight response. */
export function corsHeaders(req: IncomingMessage, cors: CorsOptions | undefined): Record<string, string> {
  if (!cors) return {};
  const origin = allowedOrigin(req, cors);
  if (!origin) return { vary: 'Origin' };
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': CORS_EXPOSED_HEADERS,
    vary: 'Origin',
  };
}

/** Headers for a preflight on a path whose routes allow `methods`. */
export function preflightHeaders(
  req: IncomingMessage,
  cors: CorsOptions | undefined,
  methods: string[],
): Record<string, string> {
  const origin = allowedOrigin(req, cors);
  if (!cors || !origin) return cors ? { vary: 'Origin' } : {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': [...methods, 'OPTIONS'].join(', '),
    'access-control-allow-headers': CORS_ALLOWED_HEADERS,
    'access-control-max-age': String(cors.maxAgeSeconds ?? 600),
    vary: 'Origin',
  };
}
