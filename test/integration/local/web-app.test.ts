/**
 * The web app as the local runtime serves it (local/web-app.ts), over real HTTP, from a fake
 * built app in a temporary folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebApp } from '../../../local/web-app';
import { tempDir } from './helpers';

const INDEX = '<!doctype html><title>Backchannel test app</title><div id="root"></div>';
const CONFIG = { apiUrl: 'http://127.0.0.1:47000', signIn: 'local' as const };

async function serve(distDir: string): Promise<{ base: string; server: Server }> {
  const server = createServer(createWebApp({ distDir, config: CONFIG }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the local web app server', () => {
  describe('with a built app', () => {
    let base: string;
    let server: Server;
    beforeAll(async () => {
      const parent = tempDir('web-');
      const dist = join(parent, 'dist');
      mkdirSync(join(dist, 'assets'), { recursive: true });
      writeFileSync(join(parent, 'secret.txt'), 'not served');
      writeFileSync(join(dist, 'index.html'), INDEX);
      writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("app")');
      writeFileSync(join(dist, 'assets', 'index-abc123.css'), 'body{}');
      writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
      writeFileSync(join(dist, 'config.json'), '{"apiUrl":"https://stale.example"}');
      ({ base, server } = await serve(dist));
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('serves files with their content types; hashed assets cached, index.html never', async () => {
      // Act
      const [index, script, style, icon] = (await Promise.all(
        ['/', '/assets/index-abc123.js', '/assets/index-abc123.css', '/favicon.svg'].map((path) =>
          fetch(`${base}${path}`),
        ),
      )) as [Response, Response, Response, Response];

      // Assess
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(index.headers.get('cache-control')).toBe('no-store');
      expect(await index.text()).toBe(INDEX);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await script.text()).toBe('console.log("app")');
      expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(icon.headers.get('content-type')).toBe('image/svg+xml');
      expect(icon.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('answers any unknown path without an extension with index.html (SPA fallback)', async () => {
      // Act
      const pages = await Promise.all(
        ['/invite?token=abc', '/sessions/0f3c9a', '/sessions/new', '/profile/'].map((path) =>
          fetch(`${base}${path}`),
        ),
      );

      // Assess
      for (const page of pages) {
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(page.headers.get('cache-control')).toBe('no-store');
        expect(await page.text()).toBe(INDEX);
      }
    });

    it('answers 404 for an unknown file, and never serves outside its folder', async () => {
      // Act
      const missing = await fetch(`${base}/logo.png`);
      const missingAsset = await fetch(`${base}/assets/gone-123.js`);
      const traversal = await fetch(`${base}/..%2Fsecret.txt`);
      const traversalBackslash = await fetch(`${base}/..%5Csecret.txt`);

      // Assess
      expect(missing.status).toBe(404);
      expect(missingAsset.status).toBe(404);
      for (const response of [traversal, traversalBackslash]) {
        expect(response.status).toBe(404);
        expect(await response.text()).not.toContain('not served');
      }
    });

    it('generates config.json (not the file in the folder): the local API and local sign-in, never cached', async () => {
      // Act
      const response = await fetch(`${base}/config.json`);

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ apiUrl: 'http://127.0.0.1:47000', signIn: 'local' });
    });

    it('answers HEAD without a body and refuses other methods', async () => {
      // Act
      const head = await fetch(`${base}/sessions/x`, { method: 'HEAD' });
      const post = await fetch(`${base}/`, { method: 'POST', body: '{}' });

      // Assess
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(INDEX));
      expect(await head.text()).toBe('');
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
    });
  });

  describe('listening on every interface', () => {
    it('works config.json out from the request, so a browser on another machine finds the API', async () => {
      // Prepare
      const server = createServer(
        createWebApp({
          distDir: join(tempDir('no-web-'), 'dist'),
          config: (req) => ({ apiUrl: `http://${req.headers.host?.split(':')[0]}:47000`, signIn: 'local' }),
        }),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;

      // Act
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/config.json', headers: { host: 'box.example:3001' } },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => {
              text += chunk.toString('utf8');
            });
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end();
      });
      await new Promise((resolve) => server.close(resolve));

      // Assess
      expect(JSON.parse(body)).toEqual({ apiUrl: 'http://box.example:47000', signIn: 'local' });
    });
  });

  describe('without a built app', () => {
    it('says the web app is not built and how to build it, and still serves config.json', async () => {
      // Prepare
      const { base, server } = await serve(join(tempDir('no-web-'), 'dist'));

      // Act
      const page = await fetch(`${base}/sessions/abc`);
      const config = await fetch(`${base}/config.json`);
      await new Promise((resolve) => server.close(resolve));

      // Assess
      expect(page.status).toBe(503);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const text = await page.text();
      expect(text).toContain('The web app is not built');
      expect(text).toContain('npm run build:web');
      expect(config.status).toBe(200);
    });
  });
});
