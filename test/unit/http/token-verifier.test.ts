import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../local/services/lambda-context';
import { HttpError } from '../../../shared/http/errors';
import { bearerTokenVerifier } from '../../../shared/http/token-verifier';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool';
const AUDIENCE = 'client-id';

async function keyPair() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  return { privateKey, jwks: { keys: [jwk] } as never };
}

const sign = (key: Parameters<SignJWT['sign']>[0], claims: Record<string, unknown>, issuer = ISSUER) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);

describe('bearerTokenVerifier', () => {
  it('returns the claims of a token signed by the user pool', async () => {
    // Prepare
    const { privateKey, jwks } = await keyPair();
    const verify = bearerTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks });
    const token = await sign(privateKey, {
      sub: 'u1',
      email: 'a@b.example',
      email_verified: true,
      token_use: 'id',
    });
    // Act
    const claims = await verify(`Bearer ${token}`);
    // Assess
    expect(claims).toMatchObject({ sub: 'u1', email: 'a@b.example', email_verified: true });
  });

  it.each([
    ['no header', undefined],
    ['not a bearer token', 'Basic abc'],
    ['garbage', 'Bearer not.a.jwt'],
  ])('refuses %s with 401', async (_name, header) => {
    // Prepare
    const { jwks } = await keyPair();
    const verify = bearerTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks });
    // Act
    const failure = await verify(header).catch((e: unknown) => e);
    // Assess
    expect(failure).toBeInstanceOf(HttpError);
    expect((failure as HttpError).statusCode).toBe(401);
  });

  it('refuses a token signed by another key (forged claims in a direct invoke)', async () => {
    // Prepare
    const pool = await keyPair();
    const forger = await keyPair();
    const verify = bearerTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: pool.jwks });
    const forged = await sign(forger.privateKey, {
      sub: 'victim',
      email: 'victim@b.example',
      email_verified: true,
    });
    // Act
    const failure = await verify(`Bearer ${forged}`).catch((e: unknown) => e);
    // Assess
    expect((failure as HttpError).statusCode).toBe(401);
  });

  it('refuses an access token and a token of another issuer', async () => {
    // Prepare
    const { privateKey, jwks } = await keyPair();
    const verify = bearerTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks });
    const access = await sign(privateKey, { sub: 'u1', token_use: 'access' });
    const otherIssuer = await sign(privateKey, { sub: 'u1', token_use: 'id' }, 'https://elsewhere.example');
    // Act
    const failures = await Promise.all(
      [access, otherIssuer].map((t) => verify(`Bearer ${t}`).catch((e: unknown) => e)),
    );
    // Assess
    expect(failures.map((f) => (f as HttpError).statusCode)).toEqual([401, 401]);
  });
});

describe('apiHandler with a token verifier', () => {
  it('ignores forged authorizer claims and answers 401 without a valid token', async () => {
    // Prepare
    const { Logger } = await import('@aws-lambda-powertools/logger');
    const { apiHandler } = await import('../../../shared/http/handler');
    const { jwks, privateKey } = await keyPair();
    const handler = apiHandler({
      logger: new Logger({ logLevel: 'SILENT' }),
      clock: () => 0,
      verifier: bearerTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks }),
      routes: { 'GET /who': async ({ caller }) => ({ statusCode: 200, body: { email: caller.email } }) },
    });
    const event = (authorization?: string) =>
      ({
        routeKey: 'GET /who',
        rawPath: '/who',
        headers: authorization ? { authorization } : {},
        requestContext: {
          http: { method: 'GET' },
          authorizer: {
            jwt: { claims: { sub: 'victim', email: 'victim@b.example', email_verified: 'true' } },
          },
        },
      }) as never;
    const good = await sign(privateKey, { sub: 'u1', email: 'Real@B.example', email_verified: true });
    // Act
    const forged = await handler(event(), lambdaContext('api'));
    const real = await handler(event(`Bearer ${good}`), lambdaContext('api'));
    // Assess
    expect(forged).toMatchObject({ statusCode: 401 });
    expect(JSON.parse((real as { body: string }).body)).toEqual({ email: 'real@b.example' });
  });
});
