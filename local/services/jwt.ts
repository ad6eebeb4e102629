/**
 * The local identity provider: issues and verifies ID-token-like JWTs in place of Cognito.
 *
 * The signing key lives in a JWK file created on first use (mode 0600, in the git-ignored data
 * folder), so tokens stay valid across `npm start` restarts. Tokens expire in real time (a year by
 * default), never with the business clock. `sub` is stable per address: an HMAC of the
 * lower-cased email under a secret kept in the same file (like a Cognito sub, it reveals nothing).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';

export type LocalSigningAlgorithm = 'ES256' | 'RS256';

export const LOCAL_ISSUER = 'https://idp.backchannel.local';
export const LOCAL_AUDIENCE = 'backchannel-local';
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export interface IdTokenClaims extends JWTPayload {
  sub: string;
  email: string;
  email_verified: boolean;
  token_use: 'id';
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  auth_time: number;
}

export interface IssueTokenOptions {
  /** Default true. */
  emailVerified?: boolean;
  /** Lifetime from now, in real seconds. Default one year; negative gives an expired token. */
  expiresInSeconds?: number;
}

export interface IdentityOptions {
  issuer?: string;
  audience?: string;
  /** Used only when the key file is created. Default ES256. */
  algorithm?: LocalSigningAlgorithm;
}

/** What the HTTP gateway needs: verify a token, get its claims, or throw. */
export interface TokenVerifier {
  verify(token: string): Promise<IdTokenClaims>;
}

export class InvalidTokenError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

interface KeyFile {
  alg: LocalSigningAlgorithm;
  kid: string;
  privateJwk: JWK;
  subjectSecret: string;
}

async function newKeyFile(algorithm: LocalSigningAlgorithm): Promise<KeyFile> {
  const { privateKey } = await generateKeyPair(algorithm, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicPart(privateJwk));
  return { alg: algorithm, kid, privateJwk, subjectSecret: randomBytes(32).toString('base64url') };
}

function publicPart(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk;
  return rest;
}

export class LocalIdentityProvider implements TokenVerifier {
  readonly issuer: string;
  readonly audience: string;

  private constructor(
    private readonly keys: KeyFile,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    options: IdentityOptions,
  ) {
    this.issuer = options.issuer ?? LOCAL_ISSUER;
    this.audience = options.audience ?? LOCAL_AUDIENCE;
  }

  /** Loads the key file, creating it (mode 0600) when it does not exist. */
  static async fromKeyFile(path: string, options: IdentityOptions = {}): Promise<LocalIdentityProvider> {
    let keys: KeyFile;
    try {
      keys = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      keys = await newKeyFile(options.algorithm ?? 'ES256');
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      try {
        writeFileSync(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      } catch (writeError) {
        // Another process created it first: use theirs.
        if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
        keys = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
      }
    }
    return LocalIdentityProvider.fromKeys(keys, options);
  }

  /** A provider with a fresh key that is never written anywhere (tests). */
  static async ephemeral(options: IdentityOptions = {}): Promise<LocalIdentityProvider> {
    return LocalIdentityProvider.fromKeys(await newKeyFile(options.algorithm ?? 'ES256'), options);
  }

  private static async fromKeys(keys: KeyFile, options: IdentityOptions) {
    const privateKey = (await importJWK(keys.privateJwk, keys.alg)) as CryptoKey;
    const publicKey = (await importJWK(publicPart(keys.privateJwk), keys.alg)) as CryptoKey;
    return new LocalIdentityProvider(keys, privateKey, publicKey, options);
  }

  /** The public key set (what Cognito serves at /.well-known/jwks.json). */
  jwks(): { keys: JWK[] } {
    return {
      keys: [{ ...publicPart(this.keys.privateJwk), kid: this.keys.kid, alg: this.keys.alg, use: 'sig' }],
    };
  }

  /** A stable, opaque subject for an address (UUID-shaped, like Cognito's). */
  subjectFor(email: string): string {
    const hex = createHmac('sha256', this.keys.subjectSecret)
      .update(email.trim().toLowerCase(), 'utf8')
      .digest('hex')
      .slice(0, 32);
    const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  async issueToken(email: string, options: IssueTokenOptions = {}): Promise<string> {
    const address = email.trim();
    const now = Math.floor(Date.now() / 1000);
    const sub = this.subjectFor(address);
    return new SignJWT({
      email: address,
      email_verified: options.emailVerified ?? true,
      token_use: 'id',
      auth_time: now,
      'cognito:username': sub,
    })
      .setProtectedHeader({ alg: this.keys.alg, kid: this.keys.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresInSeconds ?? ONE_YEAR_SECONDS))
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  /** Verifies signature, algorithm, issuer, audience, expiry and token use; throws InvalidTokenError. */
  async verify(token: string): Promise<IdTokenClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: [this.keys.alg],
        requiredClaims: ['sub', 'email', 'iat', 'exp'],
      }));
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'ERR_INVALID';
      throw new InvalidTokenError(`invalid token (${code})`, code);
    }
    if (payload.token_use !== 'id' || typeof payload.email !== 'string') {
      throw new InvalidTokenError('invalid token (not an ID token)', 'ERR_TOKEN_USE');
    }
    return payload as IdTokenClaims;
  }
}
