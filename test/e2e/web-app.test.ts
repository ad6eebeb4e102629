/**
 * What the local runtime offers the web app (README.md, "Settings for npm start"): the app
 * served on its own port with a generated config.json, CORS for the app's origin only, a `Date`
 * header that follows the business clock, email links into the app, and the HOST / MAIL_PORT /
 * WEB_DIST_DIR settings.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../local/services/process';
import { freshDataDir, type RuntimeProcess, startRuntimeProcess } from '../setup/local-runtime';
import { E2eClient, emailsFor } from '../support/e2e-client';

const apiUrl = inject('apiUrl');
const webUrl = inject('webUrl');
const api = new E2eClient(apiUrl);

/** Whether a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('the web app and the API it calls', () => {
  it('is served on its own port with a generated config.json pointing at the API', async () => {
    // Act
    const response = await fetch(`${webUrl}/config.json`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ apiUrl, signIn: 'local' });
  });

  it("answers CORS for the web app's origin only: preflight and response, on API and dev routes", async () => {
    // Act
    const preflight = (origin: string) =>
      fetch(`${apiUrl}/sessions/abc/number`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'authorization, content-type, idempotency-key',
        },
      });
    const [allowed, other] = await Promise.all([preflight(webUrl), preflight('http://evil.example')]);
    const signIn = await fetch(`${apiUrl}/dev/token`, {
      method: 'POST',
      headers: { origin: webUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ email: emailsFor('cors.web.e2e.example').claimant }),
    });
    const signInElsewhere = await fetch(`${apiUrl}/dev/token`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ email: emailsFor('cors.web.e2e.example').claimant }),
    });

    // Assess
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(webUrl);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(allowed.headers.get('access-control-allow-headers')).toBe(
      'authorization, content-type, idempotency-key',
    );
    expect(Number(allowed.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect([...other.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('access-control-allow-origin')).toBe(webUrl);
    expect(signIn.headers.get('access-control-expose-headers')).toContain('date');
    expect(signInElsewhere.status).toBe(200);
    expect(signInElsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('dates every API response by the business clock, so countdowns follow /dev/clock', async () => {
    // Prepare
    const person = await api.person(emailsFor('date.web.e2e.example').claimant);

    // Act
    const now = Date.parse(await api.clock(3_600));
    const list = await api.call('GET', '/sessions', { token: person.token });
    const unauthorized = await api.call('GET', '/sessions');

    // Assess
    for (const response of [list, unauthorized]) {
      const date = response.headers.get('date') ?? '';
      expect(date).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      // Business time, not real time: an hour (at least) ahead, at most a few seconds after `now`.
      expect(Date.parse(date) - Date.now()).toBeGreaterThan(3_500_000);
      expect(Date.parse(date)).toBeGreaterThanOrEqual(now - 1_000);
      expect(Date.parse(date)).toBeLessThan(now + 60_000);
    }
  });

  it('sends email links into the web app: <web app>/invite?token=…', async () => {
    // Prepare
    const who = emailsFor('links.web.e2e.example');
    const claimant = await api.person(who.claimant);
    const created = await api.call('POST', '/sessions', {
      token: claimant.token,
      body: { title: 'Links', currency: 'USD', myRole: 'claimant', invite: { respondent: who.respondent } },
    });

    // Act
    await api.clock(0);
    const [invitation] = await api.emails(who.respondent);

    // Assess
    expect(created.status).toBe(201);
    expect(invitation?.text).toContain(`${webUrl}/invite?token=`);
    expect(invitation?.html).toContain(`${webUrl}/invite?token=`);
  });
});

describe('HOST, MAIL_PORT and WEB_DIST_DIR', () => {
  const dataDir = freshDataDir('web-settings');
  const dist = join(dataDir, 'fake-dist');
  let runtime: RuntimeProcess;
  let mailPort: number;
  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>fake app</title>');
    writeFileSync(join(dist, 'assets', 'app-1.js'), 'export {}');
    mailPort = await freePort();
    // 127.0.0.2: a loopback address that is not the default (Linux answers all of 127/8).
    runtime = await startRuntimeProcess({
      dataDir,
      env: { HOST: '127.0.0.2', MAIL_PORT: String(mailPort), WEB_DIST_DIR: dist },
    });
  }, 120_000);
  afterAll(async () => {
    try {
      await runtime?.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('listens on HOST only, and names it in the startup line', async () => {
    // Act
    const token = await new E2eClient(runtime.url).token('host@web-settings.e2e.example');
    const onDefault = await accepts('127.0.0.1', runtime.port);

    // Assess
    expect(runtime.url).toBe(`http://127.0.0.2:${runtime.port}`);
    expect(runtime.webUrl).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    expect(token).toMatch(/^ey/);
    expect(onDefault).toBe(false);
  });

  it('puts the mail viewer on MAIL_PORT', async () => {
    // Act
    const viewer = await fetch(`http://127.0.0.2:${mailPort}/`);

    // Assess
    expect(runtime.mailUrl).toBe(`http://127.0.0.2:${mailPort}`);
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('content-type')).toContain('text/html');
  });

  it('serves the app from WEB_DIST_DIR with the SPA fallback, and config.json for this API', async () => {
    // Act
    const page = await fetch(`${runtime.webUrl}/sessions/abc`);
    const asset = await fetch(`${runtime.webUrl}/assets/app-1.js`);
    const missing = await fetch(`${runtime.webUrl}/assets/app-2.js`);
    const config = await fetch(`${runtime.webUrl}/config.json`);

    // Assess
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('fake app');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(missing.status).toBe(404);
    expect(await config.json()).toEqual({ apiUrl: runtime.url, signIn: 'local' });
  });
});
