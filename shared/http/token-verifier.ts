/**
 * Defence in depth for the HTTP functions on AWS. API Gateway's JWT authorizer already checked
 * the token, but a function that trusted the claims in its event could be invoked directly
 * (`lambda:InvokeFunction`) with forged claims — by an operator, without any change that is
 * alarmed. So, when JWT_ISSUER and JWT_AUDIENCE are set (on AWS), the function verifies the
 * bearer token's signature itself against the user pool's JWKS and takes the caller from it.
 * Locally the gateway verifies tokens with the local key and these variables are unset.
 */
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { unauthorized } from './errors';

export type TokenClaims = Pick<JWTPayload, 'sub'> & { email?: unknown; email_verified?: unknown };

export type TokenVerifier = (authorization: string | undefined) => Promise<TokenClaims>;

export function bearerTokenVerifier(options: {
  issuer: string;
  audience: string;
  keys?: JWTVerifyGetKey;
}): TokenVerifier {
  const keys = options.keys ?? createRemoteJWKSet(new URL(`${options.issuer}/.well-known/jwks.json`));
  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw unauthorized();
    try {
      const { payload } = await jwtVerify(match[1]!, keys, {
        issuer: options.issuer,
        audience: options.audience,
      });
      if (payload.token_use !== undefined && payload.token_use !== 'id') throw new Error('not an ID token');
      return payload;
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
