import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../src/auth/auth';
import { createLocalAuth } from '../src/auth/local-auth';
import { ConfigError, parseConfig } from '../src/config/config';

describe('config.json', () => {
  it('reads the local and the Cognito shapes', () => {
    // Prepare
    const cognito = {
      apiUrl: 'https://api.example.com/',
      signIn: 'cognito',
      userPoolId: 'eu-west-1_abc',
      userPoolClientId: 'client',
      region: 'eu-west-1',
      authDomain: 'auth.example.com',
      redirectUri: 'https://app.example.com/auth/callback',
    };

    // Act
    const local = parseConfig({ apiUrl: 'http://127.0.0.1:3000', signIn: 'local' });
    const aws = parseConfig(cognito);

    // Assess
    expect(local).toEqual({ apiUrl: 'http://127.0.0.1:3000', signIn: 'local' });
    expect(aws).toEqual({ ...cognito, apiUrl: 'https://api.example.com' });
  });

  it('refuses a file it cannot use, naming what is missing', () => {
    // Act
    const attempt = (value: unknown) => {
      try {
        parseConfig(value);
        return 'accepted';
      } catch (error) {
        return error instanceof ConfigError ? error.message : 'other error';
      }
    };

    // Assess
    expect(attempt(null)).toBe('config.json is not an object.');
    expect(attempt({ signIn: 'local' })).toBe('config.json needs "apiUrl", an http(s) URL.');
    expect(attempt({ apiUrl: 'https://a.example', signIn: 'cognito', region: 'x' })).toBe(
      'config.json lacks userPoolId, userPoolClientId, authDomain, redirectUri for Cognito sign-in.',
    );
    expect(attempt({ apiUrl: 'https://a.example', signIn: 'password' })).toBe(
      'config.json needs "signIn": "local" or "cognito".',
    );
  });
});

describe('sign-in state', () => {
  it('returns only to a path of this app after sign-in', () => {
    // Act
    const targets = [
      '/invite?token=abc',
      '//evil.example/x',
      'https://evil.example',
      '/\\evil',
      null,
      '',
    ].map(safeReturnTo);

    // Assess
    expect(targets).toEqual(['/invite?token=abc', '/', '/', '/', '/', '/']);
  });

  it('keeps a local sign-in in sessionStorage only, survives a reload, and forgets it on a refused token', async () => {
    // Prepare
    const fetchImpl = (async () =>
      new Response(JSON.stringify({ token: 'jwt-for-alice' }), { status: 200 })) as typeof fetch;
    const first = createLocalAuth('http://api.test', window.sessionStorage);
    const original = globalThis.fetch;
    globalThis.fetch = fetchImpl;

    // Act
    try {
      await first.signInWithEmail?.(' Alice@Claimant.example ');
    } finally {
      globalThis.fetch = original;
    }
    const afterReload = createLocalAuth('http://api.test', window.sessionStorage);
    const token = await afterReload.token();
    afterReload.rejected();

    // Assess
    expect(token).toBe('jwt-for-alice');
    expect(first.getSnapshot()).toEqual({ status: 'signed-in', email: 'alice@claimant.example' });
    expect(window.localStorage.length).toBe(0);
    expect(afterReload.getSnapshot()).toEqual({ status: 'signed-out' });
    expect(window.sessionStorage.length).toBe(0);
  });
});
