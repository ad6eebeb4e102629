/**
 * The HTTP side of every API function: a middy handler made of small middleware factories around
 * a route table. Checks run in the order of openapi.yaml: 413 body size → 401 identity → (the
 * route: 404 → 403 → 400/415 → 409). Routes call use cases (shared/app) and say how a result is
 * presented; this file adds the Idempotency-Key (claimed while the route runs, recorded with the
 * route's change) and turns failures into JSON. Nothing here ever logs a body.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { PendingReceipt } from '../app/command';
import type { Clock } from '../ports';
import type { BodySource } from './body';
import { HttpError, type HttpResult } from './errors';
import type { Idempotency, IdempotencyStart } from './idempotency';
import { bodyLimit } from './middleware/body-limit';
import { httpFailure, jsonErrors, toApiResult } from './middleware/json-errors';
import {
  authorizerClaims,
  type Caller,
  type CallerContext,
  callerFromClaims,
  verifiedCaller,
} from './middleware/verified-caller';
import { API_ROUTES } from './routes';
import { type TokenVerifier, tokenVerifierFromEnv } from './token-verifier';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export interface RouteRequest {
  caller: Caller;
  params: Record<string, string>;
  query: Record<string, string>;
  body: BodySource;
  /**
   * The receipt of this request's Idempotency-Key (undefined without one). `present` says what
   * is stored for a retry; a route whose answer holds something that must never be stored in
   * plaintext (a side's answer to a proposal) stores it without that, and `replayed` puts it back
   * from the retried request, which is JSON-equal to the first.
   */
  receipt<T>(
    present: (result: T) => HttpResult,
    options?: { replayed?: (stored: HttpResult) => HttpResult },
  ): PendingReceipt<T>;
}

export type Route = (request: RouteRequest) => Promise<HttpResult>;

/** Routes by API Gateway's routeKey, e.g. `PUT /sessions/{id}/number`. */
export type Routes = Record<string, Route>;

/** A stored response returned in place of running the request again. */
class Replay extends Error {
  constructor(readonly response: HttpResult) {
    super('replay');
  }
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

/** Starts claiming the request's Idempotency-Key, if it has one (not awaited: it runs beside the route). */
function claimKey(
  event: ApiEvent,
  caller: Caller,
  options: ApiHandlerOptions,
): Promise<IdempotencyStart> | null {
  const key = event.headers?.['idempotency-key'];
  const method = event.requestContext.http.method.toUpperCase();
  if (key === undefined || !MUTATING.has(method) || !options.idempotency) return null;
  if (key.length < 1 || key.length > 255) {
    throw new HttpError(400, 'invalid_input', 'Idempotency-Key must be 1 to 255 characters.');
  }
  const body = event.body ?? undefined;
  const claim = options.idempotency.begin({
    user: caller.sub,
    method,
    path: event.rawPath,
    key,
    rawBody: body && event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body,
    now: options.clock(),
  });
  claim.catch(() => undefined); // awaited below on every path; never an unhandled rejection
  return claim;
}

/** Builds the Lambda handler for a route table. */
export function apiHandler(options: ApiHandlerOptions) {
  const { routes, logger } = options;
  const run = async (event: ApiEvent, context: CallerContext): Promise<ApiResult> => {
    const route = routes[event.routeKey];
    if (!route) throw unknownRoute(event);
    const caller = context.caller ?? callerFromClaims(authorizerClaims(event));
    const claim = claimKey(event, caller, options);
    let receiptAsked = false;
    let replayed = (stored: HttpResult) => stored;
    const request: RouteRequest = {
      caller,
      params: (event.pathParameters ?? {}) as Record<string, string>,
      query: (event.queryStringParameters ?? {}) as Record<string, string>,
      body: event,
      receipt: <T>(
        present: (result: T) => HttpResult,
        receiptOptions: { replayed?: (stored: HttpResult) => HttpResult } = {},
      ) => {
        if (!claim) return undefined;
        receiptAsked = true;
        if (receiptOptions.replayed) replayed = receiptOptions.replayed;
        const receipt = claim.then((started) => {
          if ('replay' in started) throw new Replay(started.replay);
          const { guard } = started;
          return {
            with: (result: T) => guard.completeWith(present(result)),
            alone: (result: T) => guard.completeAlone(present(result)),
          };
        });
        // A route that fails before it needs the receipt never awaits it: never an unhandled rejection.
        receipt.catch(() => undefined);
        return receipt;
      },
    };
    let result: HttpResult;
    try {
      result = await route(request);
    } catch (error) {
      if (error instanceof Replay) return toApiResult(replayed(error.response));
      const failure = httpFailure(error);
      if (claim) {
        const started = await claim; // a 409/422 of the key itself wins over the route's failure
        if ('replay' in started) return toApiResult(replayed(started.replay));
        // 4xx answers are kept for the key; 5xx are not, so a retry runs again.
        if (failure.statusCode < 500) await started.guard.completeAlone(failure).catch(() => undefined);
        else await started.guard.release().catch(() => undefined);
      }
      logger.info('request', { routeKey: event.routeKey, status: failure.statusCode });
      throw error;
    }
    if (claim && !receiptAsked) {
      // A route that changes nothing (a preview) still answers a retry the same way.
      const started = await claim;
      if ('replay' in started) return toApiResult(started.replay);
      await started.guard.completeAlone(result);
    }
    logger.info('request', { routeKey: event.routeKey, status: result.statusCode });
    return toApiResult(result);
  };
  return middy<ApiEvent, ApiResult, Error, CallerContext>(run)
    .use(injectLambdaContext(logger))
    .use(bodyLimit())
    .use(verifiedCaller({ verifier: options.verifier ?? tokenVerifierFromEnv() }))
    .use(jsonErrors({ logger }));
}
