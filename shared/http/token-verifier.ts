/**
 * Defence in depth for the HTTP functions on AWS. API Gateway's JWT authorizer already checked
 * the token, but a function that trusted the claims in its event could be invoked directly
 * (`lambda:InvokeFunction`) with forged claims — by an operator, without any change that is
 * alarmed. So, when JWT_ISSUER and JWT_AUDIENCE are set (on AWS), the function verifies the
 * bearer token's signature itself against the user pool's JWKS (aws-jwt-verify: no dependencies,
 * JWKS fetched on first use and cached) and takes the caller from it. Locally the gateway
 * verifies tokens with the local key and these variables are unset.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { unauthorized } from './errors';

export type TokenClaims = { sub?: string; email?: unknown; email_verified?: unknown; token_use?: unknown };

export type TokenVerifier = (authorization: string | undefined) => Promise<TokenClaims>;

export function bearerTokenVerifier(options: {
  issuer: string;
  audience: string;
  jwks?: Jwks;
}): TokenVerifier {
  const verifier = JwtVerifier.create({
    issuer: options.issuer,
    audience: options.audience,
    jwksUri: `${options.issuer}/.well-known/jwks.json`,
    // An ID token only (Cognito's access tokens carry `token_use: access` and no audience).
    customJwtCheck: ({ payload }) => {
      if (payload.token_use !== undefined && payload.token_use !== 'id') throw new Error('not an ID token');
    },
  });
  if (options.jwks) verifier.cacheJwks(options.jwks);
  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw unauthorized();
    try {
      return (await verifier.verify(match[1]!)) as TokenClaims;
    } catch {
      throw unauthorized();
    }
  };
}

/** The verifier the environment asks for: on AWS both variables are set; locally neither. */
export function tokenVerifierFromEnv(): TokenVerifier | undefined {
  const issuer = process.env.JWT_ISSUER;
  const audience = process.env.JWT_AUDIENCE;
  return issuer && audience ? bearerTokenVerifier({ issuer, audience }) : undefined;
}
