/**
 * 401 unless the caller is known and its email verified. With a verifier (on AWS) the bearer token
 * itself is verified and its claims replace the authorizer's, so forged claims in a direct invoke
 * get nothing; locally the gateway has verified the token and put its claims in the event.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { unauthorized } from '../errors';
import type { TokenVerifier } from '../token-verifier';

export interface Caller {
  email: string;
  /** The identity provider's stable id of the user (idempotency keys are scoped to it). */
  sub: string;
}

/** The Lambda context, carrying the verified caller from this middleware to the route. */
export type CallerContext = Context & { caller?: Caller };

/** The caller from the ID token's claims; unverified emails are refused. */
export function callerFromClaims(claims: Record<string, unknown>): Caller {
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  if (!email || !claims.sub) throw unauthorized();
  if (!verified) throw unauthorized('Your email address is not verified.');
  return { email, sub: String(claims.sub) };
}

/** The JWT authorizer's claims (API Gateway puts them in the event). */
export const authorizerClaims = (event: APIGatewayProxyEventV2WithJWTAuthorizer): Record<string, unknown> =>
  event.requestContext?.authorizer?.jwt?.claims ?? {};

export const verifiedCaller = (
  opts: { verifier?: TokenVerifier } = {},
): MiddlewareObj<APIGatewayProxyEventV2WithJWTAuthorizer, unknown, Error, CallerContext> => ({
  before: async (request) => {
    const claims = opts.verifier
      ? await opts.verifier(request.event.headers?.authorization)
      : authorizerClaims(request.event);
    request.context.caller = callerFromClaims(claims as Record<string, unknown>);
  },
});
