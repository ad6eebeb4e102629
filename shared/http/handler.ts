/**
 * The HTTP side of every API function: a middy handler made of small middleware factories
 * `(opts) => ({ before, after, onError })` around a route table. Checks run in SPEC §3 order:
 * 413 body size → 401 identity → (route: 404 → 403 → 400 → 409). Errors that carry `expose`
 * are shown as `{"error": {"code", "message"}}`; a failed dependency is a 503; anything else a
 * plain 500. Nothing here ever logs a body.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import middy, { type MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { DependencyError } from '../adapters/errors';
import { ConflictError } from '../app/session-store';
import type { Clock } from '../ports';
import { errorBody, HttpError, type HttpResult, payloadTooLarge, unauthorized, unavailable } from './errors';
import type { Idempotency, IdempotencyGuard } from './idempotency';
import { API_ROUTES } from './routes';
import { type TokenVerifier, tokenVerifierFromEnv } from './token-verifier';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export const MAX_BODY_BYTES = 64 * 1024;

export interface Caller {
  email: string;
  sub: string;
}

/** The Lambda context, carrying the verified caller from `verifiedCaller` to the route. */
export type CallerContext = Context & { caller?: Caller };

export interface RouteRequest {
  caller: Caller;
  params: Record<string, string>;
  body: string | undefined;
  guard: IdempotencyGuard | null;
}

export type Route = (request: RouteRequest) => Promise<HttpResult>;

/** Routes by API Gateway's routeKey, e.g. `PUT /sessions/{id}/number`. */
export type Routes = Record<string, Route>;

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export function toApiResult(result: HttpResult): ApiResult {
  return result.body === undefined
    ? { statusCode: result.statusCode, headers: { 'cache-control': 'no-store' } }
    : { statusCode: result.statusCode, headers: JSON_HEADERS, body: JSON.stringify(result.body) };
}

function rawBody(event: ApiEvent): string | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** 413 when the body exceeds the limit: checked before anything else. */
export const bodyLimit = (
  opts: { maxBytes: number } = { maxBytes: MAX_BODY_BYTES },
): MiddlewareObj<ApiEvent, ApiResult> => ({
  before: (request) => {
    const body = request.event.body;
    if (!body) return;
    const bytes = request.event.isBase64Encoded
      ? Buffer.from(body, 'base64').length
      : Buffer.byteLength(body);
    if (bytes > opts.maxBytes) throw payloadTooLarge();
  },
});

/** The caller from the ID token's claims; unverified emails are refused. */
export function callerFromClaims(claims: Record<string, unknown>): Caller {
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  if (!email || !claims.sub) throw unauthorized();
  if (!verified) throw unauthorized('Your email address is not verified.');
  return { email, sub: String(claims.sub) };
}

/** The JWT authorizer's claims (API Gateway puts them in the event). */
export const authorizerClaims = (event: ApiEvent): Record<string, unknown> =>
  event.requestContext?.authorizer?.jwt?.claims ?? {};

/**
 * 401 unless the caller is known and verified. With a verifier (on AWS) the bearer token itself is
 * verified and its claims replace the authorizer's, so forged claims in a direct invoke get nothing.
 */
export const verifiedCaller = (
  opts: { verifier?: TokenVerifier } = {},
): MiddlewareObj<ApiEvent, ApiResult, Error, CallerContext> => ({
  before: async (request) => {
    const claims = opts.verifier
      ? await opts.verifier(request.event.headers?.authorization)
      : authorizerClaims(request.event);
    // Handed to the route through the context.
    request.context.caller = callerFromClaims(claims as Record<string, unknown>);
  },
});

/** Maps errors to JSON responses: exposed errors as they are, dependencies → 503, else 500. */
export const jsonErrors = (opts: { logger: Logger }): MiddlewareObj<ApiEvent, ApiResult> => ({
  onError: (request) => {
    const error: unknown = request.error;
    const failure = httpFailure(error);
    if (failure.statusCode >= 500) {
      // The error's name only: an SDK or library message could, in theory, quote its input.
      opts.logger.error('request failed', {
        routeKey: request.event.routeKey,
        error: error instanceof Error ? error.name : typeof error,
        status: failure.statusCode,
      });
    }
    request.response = toApiResult(failure);
  },
});

export function httpFailure(error: unknown): HttpResult {
  if (error instanceof HttpError)
    return { statusCode: error.statusCode, body: errorBody(error.code, error.message) };
  // Anything may be thrown (a string, null): only objects are looked into.
  const object = typeof error === 'object' && error !== null ? (error as Partial<Error>) : null;
  const dependency =
    error instanceof DependencyError ||
    error instanceof ConflictError ||
    (object !== null && ('$metadata' in object || object.name === 'TimeoutError'));
  const safe = dependency ? unavailable() : new HttpError(500, 'internal_error', 'Something went wrong.');
  return { statusCode: safe.statusCode, body: errorBody(safe.code, safe.message) };
}

/** 405 for a known path with another method, 404 for anything else (API Gateway has no 405). */
function unknownRoute(event: ApiEvent): HttpError {
  const segments = (event.rawPath ?? '').split('/');
  const known = API_ROUTES.some((route) => {
    const template = route.path.split('/');
    return (
      template.length === segments.length && template.every((t, i) => t.startsWith('{') || t === segments[i])
    );
  });
  return known
    ? new HttpError(405, 'method_not_allowed', 'This method is not allowed on this path.')
    : new HttpError(404, 'not_found', 'No such route.');
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface ApiHandlerOptions {
  routes: Routes;
  logger: Logger;
  clock: Clock;
  /** Needed when a route mutates; omitted by read-only functions. */
  idempotency?: Idempotency;
  /** Verifies the bearer token itself (default: from JWT_ISSUER / JWT_AUDIENCE, set on AWS). */
  verifier?: TokenVerifier;
}

/** Builds the Lambda handler for a route table. */
export function apiHandler(options: ApiHandlerOptions) {
  const { routes, logger, clock, idempotency } = options;
  const run = async (event: ApiEvent, context: CallerContext): Promise<ApiResult> => {
    const route = routes[event.routeKey];
    if (!route) throw unknownRoute(event);
    const caller = context.caller ?? callerFromClaims(authorizerClaims(event));
    const body = rawBody(event);
    const method = event.requestContext.http.method.toUpperCase();
    const key = event.headers?.['idempotency-key'];
    let guard: IdempotencyGuard | null = null;
    if (key !== undefined && MUTATING.has(method) && idempotency) {
      if (key.length < 1 || key.length > 255) {
        throw new HttpError(400, 'invalid_input', 'Idempotency-Key must be 1 to 255 characters.');
      }
      const started = await idempotency.begin({
        user: caller.sub,
        method,
        path: event.rawPath,
        key,
        rawBody: body,
        now: clock(),
      });
      if ('replay' in started) return toApiResult(started.replay);
      guard = started.guard;
    }
    try {
      const result = await route({
        caller,
        params: (event.pathParameters ?? {}) as Record<string, string>,
        body,
        guard,
      });
      logger.info('request', { routeKey: event.routeKey, status: result.statusCode });
      return toApiResult(result);
    } catch (error) {
      const failure = httpFailure(error);
      if (guard) {
        // 4xx answers are kept for the key; 5xx are not, so a retry runs again.
        if (failure.statusCode < 500) await guard.completeAlone(failure).catch(() => undefined);
        else await guard.release().catch(() => undefined);
      }
      logger.info('request', { routeKey: event.routeKey, status: failure.statusCode });
      throw error;
    }
  };
  return middy<ApiEvent, ApiResult, Error, CallerContext>(run)
    .use(bodyLimit())
    .use(verifiedCaller({ verifier: options.verifier ?? tokenVerifierFromEnv() }))
    .use(jsonErrors({ logger }));
}
