/**
 * CORS for the local API: the web app's origin, and only it, may call the API from a browser
 * (`npm start` serves the web app on another port, so every call is cross-origin).
 *
 * - A preflight (`OPTIONS` with `Access-Control-Request-Method`) on a path that has a route is
 *   answered 204; for the allowed origin with the route's methods, the allowed request headers
 *   and a max-age; for any other origin with no CORS header at all (the browser then refuses).
 * - Every other response to the allowed origin carries `Access-Control-Allow-Origin` and exposes
 *   the headers a client may read: `Date` (the business clock, so countdowns follow
 *   `/dev/clock`) and `apigw-requestid`.
 * - Responses vary by `Origin`.
 *
 * No credentials (cookies) are involved: the API takes a bearer token.
 */
import type { IncomingMessage } from 'node:http';

export interface CorsOptions {
  /** The one origin allowed, e.g. `http://127.0.0.1:3001`. */
  allowOrigin: string;
  /** Preflight cache. Default 600 s. */
  maxAgeSeconds?: number;
}

export const CORS_ALLOWED_HEADERS = 'authorization, content-type, idempotency-key';
export const CORS_EXPOSED_HEADERS = 'date, apigw-requestid';

const originOf = (req: IncomingMessage) => {
  const origin = req.headers.origin;
  return typeof origin === 'string' ? origin : undefined;
};

export const isPreflight = (req: IncomingMessage) =>
  req.method === 'OPTIONS' && typeof req.headers['access-control-request-method'] === 'string';

/** Headers for a non-preflight response. */
export function corsHeaders(req: IncomingMessage, cors: CorsOptions | undefined): Record<string, string> {
  if (!cors) return {};
  if (originOf(req) !== cors.allowOrigin) return { vary: 'Origin' };
  return {
    'access-control-allow-origin': cors.allowOrigin,
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
  if (!cors || originOf(req) !== cors.allowOrigin) return { vary: 'Origin' };
  return {
    'access-control-allow-origin': cors.allowOrigin,
    'access-control-allow-methods': [...methods, 'OPTIONS'].join(', '),
    'access-control-allow-headers': CORS_ALLOWED_HEADERS,
    'access-control-max-age': String(cors.maxAgeSeconds ?? 600),
    vary: 'Origin',
  };
}
