/**
 * The local stand-in for the HTTP API (API Gateway v2, payload format 2.0) with its JWT
 * authorizer: turns a Node request into an `APIGatewayProxyEventV2WithJWTAuthorizer`, invokes
 * the same handler code as on AWS, and writes its `APIGatewayProxyResultV2` back.
 *
 * Order of checks (openapi.yaml): 413 body over 64 KiB → 404 unknown path / 405 wrong method → 401
 * missing or invalid token (never reaching the handler) → the handler (which checks
 * `email_verified`, membership, roles…). Dev routes skip the authorizer. A CORS preflight on a
 * known path is answered before any of that (cors.ts), and with `clock` every response's `Date`
 * header is the business clock.
 *
 * Differences from AWS worth knowing: API Gateway HTTP APIs answer an authorizer failure with
 * `{"message":"Unauthorized"}` and an unknown route with `{"message":"Not Found"}` (their bodies
 * cannot be customised), they know no 405, and they do not limit bodies to 64 KiB (10 MB) and run
 * the authorizer before any handler code; this gateway uses openapi.yaml's error format and order.
 */
import { randomBytes } from 'node:crypto';
import type { RequestListener } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  Context,
} from 'aws-lambda';
import { readBody, stringifyClaims, TooLarge, toApiGatewayEvent, writeResult } from './api-gateway-event';
import { type CorsOptions, corsHeaders, isPreflight, preflightHeaders } from './cors';
import { errorLabel } from './error-label';
import type { TokenVerifier } from './jwt';
import { lambdaContext } from './lambda-context';
import { candidatesFor, compileRoutes } from './routing';

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
  /** Default 64 KiB (openapi.yaml). */
  maxBodyBytes?: number;
  /** Integration timeout → 503. Default 30 s (API Gateway's limit). Dev routes have none. */
  timeoutMs?: number;
  accessLog?: (entry: AccessLogEntry) => void;
  /** Where handler crashes are reported (default console.error, by error class only). */
  onError?: (error: unknown, routeKey: string) => void;
  /** Answer CORS for this origin (the local web app). */
  cors?: CorsOptions;
  /** Epoch ms for every response's `Date` header (default: Node's own, real time). */
  clock?: () => number;
}

const MAX_BODY_BYTES = 64 * 1024;

export function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/** A request listener for `http.createServer`. */
export function createGateway(options: GatewayOptions): RequestListener {
  const routes = compileRoutes(options.routes, options.devRoutes);
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const onError =
    options.onError ??
    ((error, routeKey) => console.error(`[gateway] ${routeKey} failed: ${errorLabel(error)}`));

  return (req, res) => {
    const started = Date.now();
    const requestId = randomBytes(12).toString('base64url');
    let routeKey = '-';
    // On every response: CORS for the web app's origin, and the business clock as `Date`.
    const common = () => ({
      ...corsHeaders(req, options.cors),
      ...(options.clock ? { date: new Date(options.clock()).toUTCString() } : {}),
    });
    const respond = (status: number, code: string, message: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'apigw-requestid': requestId,
        ...common(),
        ...extra,
      });
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

      // 2. Route (a CORS preflight on a known path is answered here).
      const method = (req.method ?? 'GET').toUpperCase();
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const candidates = candidatesFor(routes, path);
      const methods = [...new Set(candidates.map((candidate) => candidate.route.method))];
      if (candidates.length > 0 && isPreflight(req)) {
        routeKey = `OPTIONS ${candidates[0]?.route.path}`;
        const { date } = common();
        res.writeHead(204, {
          'apigw-requestid': requestId,
          ...(date ? { date } : {}),
          ...preflightHeaders(req, options.cors, methods),
        });
        res.end();
        finish(204);
        return;
      }
      const match = candidates.find((candidate) => candidate.route.method === method);
      if (!match) {
        if (candidates.length === 0) {
          finish(respond(404, 'not_found', 'No such route.'));
        } else {
          const allow = methods.join(', ');
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
        finish(writeResult(res, result, requestId, common()));
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
