/**
 * The local stand-in for the HTTP API (API Gateway v2, payload format 2.0) with its JWT
 * authorizer: turns a Node request into an `APIGatewayProxyEventV2WithJWTAuthorizer`, invokes
 * the same handler code as on AWS, and writes its `APIGatewayProxyResultV2` back.
 *
 * Order of checks (SPEC §3): 413 body over 64 KiB → 404 unknown path / 405 wrong method → 401
 * missing or invalid token (never reaching the handler) → the handler (which checks
 * `email_verified`, membership, roles…). Dev routes skip the authorizer.
 *
 * Differences from AWS worth knowing: API Gateway HTTP APIs answer an authorizer failure with
 * `{"message":"Unauthorized"}` and an unknown route with `{"message":"Not Found"}` (their bodies
 * cannot be customised), they know no 405, and they do not limit bodies to 64 KiB (10 MB) and run
 * the authorizer before any handler code; this gateway uses the SPEC's error format and order.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { TokenVerifier } from './jwt';
import { lambdaContext } from './lambda-context';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type ApiHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export type DevHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface Route {
  method: HttpMethod;
  /** A route path with `{name}` parameters (one segment each), e.g. `/sessions/{id}/number`. */
  path: string;
  handler: ApiHandler;
  /** Lambda function name for the handler's context. Default derived from the route. */
  name?: string;
}

export interface DevRoute {
  method: HttpMethod;
  path: string;
  handler: DevHandler;
  name?: string;
}

export interface AccessLogEntry {
  requestId: string;
  /** The route template (`PUT /sessions/{id}/number`), never the raw path, body or its size. */
  routeKey: string;
  status: number;
  durationMs: number;
}

export interface GatewayOptions {
  routes: Route[];
  identity: TokenVerifier;
  /** Local-only routes (`/dev/...`): no token needed. */
  devRoutes?: DevRoute[];
  /** Default 64 KiB (SPEC §3). */
  maxBodyBytes?: number;
  /** Integration timeout → 503. Default 30 s (API Gateway's limit). Dev routes have none. */
  timeoutMs?: number;
  accessLog?: (entry: AccessLogEntry) => void;
  /** Where handler crashes are reported (default console.error). */
  onError?: (error: unknown, routeKey: string) => void;
}

const MAX_BODY_BYTES = 64 * 1024;

interface CompiledRoute {
  method: HttpMethod;
  path: string;
  segments: string[];
  dev: boolean;
  handler: ApiHandler | DevHandler;
  name: string;
}

interface Match {
  route: CompiledRoute;
  pathParameters: Record<string, string>;
}

class TooLarge extends Error {}

export function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

function compile(route: Route | DevRoute, dev: boolean): CompiledRoute {
  const segments = route.path.split('/').slice(1);
  const name =
    route.name ??
    `${route.method.toLowerCase()}-${segments.map((s) => s.replace(/[{}]/g, '')).join('-') || 'root'}`;
  return { method: route.method, path: route.path, segments, dev, handler: route.handler, name };
}

function matchPath(route: CompiledRoute, segments: string[]): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, pattern] of route.segments.entries()) {
    const actual = segments[index] as string;
    if (pattern.startsWith('{') && pattern.endsWith('}')) {
      if (actual === '') return undefined;
      try {
        parameters[pattern.slice(1, -1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (pattern !== actual) {
      return undefined;
    }
  }
  return parameters;
}

/** Static segments win over parameters, earliest segment first (API Gateway's "most specific"). */
function specificity(route: CompiledRoute): string {
  return route.segments.map((segment) => (segment.startsWith('{') ? '0' : '1')).join('');
}

/** Reads the body; rejects with TooLarge as soon as it exceeds `limit` (the rest is discarded). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new TooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** API Gateway passes JWT claims as strings: `true` → "true", 1700000000 → "1700000000". */
function stringifyClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) continue;
    out[name] =
      typeof value === 'string'
        ? value
        : Array.isArray(value)
          ? `[${value.join(' ')}]`
          : typeof value === 'object' && value !== null
            ? JSON.stringify(value)
            : String(value);
  }
  return out;
}

function requestTime(date: Date): string {
  // API Gateway's format: 12/Mar/2020:19:03:58 +0000
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Builds the payload-2.0 event (without the authorizer part). */
export function toApiGatewayEvent(
  req: IncomingMessage,
  body: Buffer,
  match: { routeKey: string; pathParameters: Record<string, string> },
  requestId: string,
  now = new Date(),
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const rawQuery = (req.url ?? '').includes('?')
    ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1)
    : '';
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    if (name === 'cookie') {
      cookies = values.flatMap((value) => value.split(/;\s*/)).filter(Boolean);
      continue;
    }
    headers[name] = values.join(',');
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const host = headers.host ?? 'localhost';
  const requestContext: APIGatewayEventRequestContextV2 = {
    accountId: '000000000000',
    apiId: 'local',
    domainName: host,
    domainPrefix: host.split('.')[0] ?? host,
    http: {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      userAgent: headers['user-agent'] ?? '',
    },
    requestId,
    routeKey: match.routeKey,
    stage: '$default',
    time: requestTime(now),
    timeEpoch: now.getTime(),
  };
  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: url.pathname,
    rawQueryString: rawQuery,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext,
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    ...(body.length > 0 ? { body: body.toString('utf8') } : {}),
    isBase64Encoded: false,
  };
}

/** Writes a handler's result the way API Gateway (payload 2.0) interprets it. */
export function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2, requestId: string): number {
  let structured: APIGatewayProxyStructuredResultV2;
  if (typeof result === 'string') {
    structured = { statusCode: 200, body: result, headers: { 'content-type': 'application/json' } };
  } else if (result && typeof result === 'object' && 'statusCode' in result) {
    structured = result;
  } else {
    // Valid JSON without statusCode: API Gateway answers 200 with it as the body.
    structured = {
      statusCode: 200,
      body: JSON.stringify(result),
      headers: { 'content-type': 'application/json' },
    };
  }
  const headers: Record<string, string | string[]> = { 'apigw-requestid': requestId };
  for (const [name, value] of Object.entries(structured.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body =
    structured.body === undefined
      ? undefined
      : structured.isBase64Encoded
        ? Buffer.from(structured.body, 'base64')
        : Buffer.from(structured.body, 'utf8');
  if (body && !headers['content-type']) headers['content-type'] = 'application/json';
  const status = structured.statusCode ?? 200;
  res.writeHead(status, headers);
  res.end(body);
  return status;
}

/** A request listener for `http.createServer`. */
export function createGateway(options: GatewayOptions): RequestListener {
  const routes = [
    ...options.routes.map((route) => compile(route, false)),
    ...(options.devRoutes ?? []).map((route) => compile(route, true)),
  ].sort((a, b) => (specificity(a) < specificity(b) ? 1 : specificity(a) > specificity(b) ? -1 : 0));
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const onError =
    options.onError ?? ((error, routeKey) => console.error(`[gateway] ${routeKey} failed:`, error));

  return (req, res) => {
    const started = Date.now();
    const requestId = randomBytes(12).toString('base64url');
    let routeKey = '-';
    const respond = (status: number, code: string, message: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'apigw-requestid': requestId, ...extra });
      res.end(errorBody(code, message));
      return status;
    };
    const finish = (status: number) =>
      options.accessLog?.({ requestId, routeKey, status, durationMs: Date.now() - started });

    void (async () => {
      // 1. Body size, before anything else.
      let body: Buffer;
      try {
        body = await readBody(req, limit);
      } catch (error) {
        if (error instanceof TooLarge) {
          finish(
            respond(413, 'payload_too_large', `The request body exceeds ${limit} bytes.`, {
              connection: 'close',
            }),
          );
          return;
        }
        throw error;
      }

      // 2. Route.
      const method = (req.method ?? 'GET').toUpperCase();
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const segments = path.split('/').slice(1);
      const candidates: Match[] = [];
      for (const route of routes) {
        const pathParameters = matchPath(route, segments);
        if (pathParameters) candidates.push({ route, pathParameters });
      }
      const match = candidates.find((candidate) => candidate.route.method === method);
      if (!match) {
        if (candidates.length === 0) {
          finish(respond(404, 'not_found', 'No such route.'));
        } else {
          const allow = [...new Set(candidates.map((candidate) => candidate.route.method))].join(', ');
          finish(respond(405, 'method_not_allowed', `Use ${allow} on this path.`, { allow }));
        }
        return;
      }
      const { route } = match;
      routeKey = `${route.method} ${route.path}`;
      const event = toApiGatewayEvent(
        req,
        body,
        { routeKey, pathParameters: match.pathParameters },
        requestId,
      );
      const context = lambdaContext(route.name, { requestId, timeoutMs });

      // 3. The JWT authorizer (not for dev routes).
      let invoke: () => Promise<APIGatewayProxyResultV2>;
      if (route.dev) {
        invoke = () => (route.handler as DevHandler)(event, context);
      } else {
        const header = event.headers.authorization ?? '';
        const token = header.replace(/^Bearer\s+/i, '').trim();
        if (!token) {
          finish(
            respond(401, 'unauthorized', 'A bearer token is required.', { 'www-authenticate': 'Bearer' }),
          );
          return;
        }
        let claims: Record<string, unknown>;
        try {
          claims = await options.identity.verify(token);
        } catch {
          finish(
            respond(401, 'unauthorized', 'The token is invalid or has expired.', {
              'www-authenticate': 'Bearer error="invalid_token"',
            }),
          );
          return;
        }
        const authorized: APIGatewayProxyEventV2WithJWTAuthorizer = {
          ...event,
          requestContext: {
            ...event.requestContext,
            authorizer: {
              principalId: '',
              integrationLatency: 0,
              jwt: { claims: stringifyClaims(claims), scopes: null },
            },
          },
        };
        invoke = () => (route.handler as ApiHandler)(authorized, context);
      }

      // 4. The handler.
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          if (!route.dev) timer = setTimeout(() => reject(new Error('integration timeout')), timeoutMs);
        });
        const result = await Promise.race([invoke(), timeout]);
        finish(writeResult(res, result, requestId));
      } catch (error) {
        if ((error as Error)?.message === 'integration timeout') {
          finish(respond(503, 'service_unavailable', 'The request took too long.'));
        } else {
          onError(error, routeKey);
          finish(respond(500, 'internal_error', 'Something went wrong on our side.'));
        }
      } finally {
        clearTimeout(timer);
      }
    })().catch((error) => {
      onError(error, routeKey);
      if (!res.headersSent) finish(respond(500, 'internal_error', 'Something went wrong on our side.'));
      else res.destroy();
    });
  };
}
