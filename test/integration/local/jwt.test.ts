import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { InvalidTokenError, LocalIdentityProvider } from '../../../local/services/jwt';
import { tempDir } from './helpers';

describe('LocalIdentityProvider', () => {
  describe('fromKeyFile', () => {
    it('creates the key file with mode 0600 and reuses it after a restart', async () => {
      // Prepare
      const path = join(tempDir('idp-'), 'nested', 'jwt-key.json');
      const first = await LocalIdentityProvider.fromKeyFile(path);
      const token = await first.issueToken('alice@example.com');

      // Act
      const second = await LocalIdentityProvider.fromKeyFile(path);
      const claims = await second.verify(token);

      // Assess
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(path, 'utf8')).alg).toBe('ES256');
      expect(claims.email).toBe('alice@example.com');
      expect(second.subjectFor('alice@example.com')).toBe(first.subjectFor('alice@example.com'));
    });

    it('can use RS256', async () => {
      // Prepare
      const path = join(tempDir('idp-'), 'rsa.json');

      // Act
      const idp = await LocalIdentityProvider.fromKeyFile(path, { algorithm: 'RS256' });
      const token = await idp.issueToken('alice@example.com');

      // Assess
      expect(decodeProtectedHeader(token).alg).toBe('RS256');
      await expect(idp.verify(token)).resolves.toMatchObject({ email: 'alice@example.com' });
    });
  });

  describe('issueToken', () => {
    it('issues an ID-token-like JWT valid for a year, with a stable opaque sub', async () => {
      // Prepare
      const idp = await LocalIdentityProvider.ephemeral();
      const now = Math.floor(Date.now() / 1000);

      // Act
      const claims = decodeJwt(await idp.issueToken('Alice@Example.com'));

      // Assess
      expect(claims).toMatchObject({
        email: 'Alice@Example.com',
        email_verified: true,
        token_use: 'id',
        iss: idp.issuer,
        aud: idp.audience,
      });
      expect(claims.sub).toBe(idp.subjectFor('alice@example.com'));
      expect(claims.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(claims.sub).not.toContain('alice');
      expect((claims.exp as number) - (claims.iat as number)).toBe(365 * 24 * 3600);
      expect(Math.abs((claims.iat as number) - now)).toBeLessThanOrEqual(2);
    });

    it('issues unverified-email tokens when asked', async () => {
      // Prepare
      const idp = await LocalIdentityProvider.ephemeral();

      // Act
      const claims = await idp.verify(await idp.issueToken('bob@example.com', { emailVerified: false }));

      // Assess
      expect(claims.email_verified).toBe(false);
    });
  });

  describe('verify', () => {
    it('rejects a token signed by another key', async () => {
      // Prepare
      const idp = await LocalIdentityProvider.ephemeral();
      const impostor = await LocalIdentityProvider.ephemeral();
      const forged = await impostor.issueToken('alice@example.com');

      // Act
      const result = idp.verify(forged);

      // Assess
      await expect(result).rejects.toThrow(InvalidTokenError);
      await expect(result).rejects.toMatchObject({ reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    });

    it('rejects an expired token', async () => {
      // Prepare
      const idp = await LocalIdentityProvider.ephemeral();
      const expired = await idp.issueToken('alice@example.com', { expiresInSeconds: -60 });

      // Act
      const result = idp.verify(expired);

      // Assess
      await expect(result).rejects.toMatchObject({ name: 'InvalidTokenError', reason: 'ERR_JWT_EXPIRED' });
    });

    it('rejects another issuer or audience, garbage, and an unsigned token', async () => {
      // Prepare
      const idp = await LocalIdentityProvider.ephemeral();
      const path = join(tempDir('idp-'), 'key.json');
      const otherAudience = await LocalIdentityProvider.fromKeyFile(path, { audience: 'someone-else' });
      const sameKeyWrongAudience = await otherAudience.issueToken('alice@example.com');
      const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
      const body = Buffer.from(JSON.stringify({ sub: 'x', email: 'a@b.c', token_use: 'id' })).toString(
        'base64url',
      );

      // Act
      const verifier = await LocalIdentityProvider.fromKeyFile(path);

      // Assess
      await expect(verifier.verify(sameKeyWrongAudience)).rejects.toMatchObject({
        reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      });
      await expect(idp.verify('not.a.jwt')).rejects.toThrow(InvalidTokenError);
      await expect(idp.verify(`${header}.${body}.`)).rejects.toThrow(InvalidTokenError);
    });
  });
});
