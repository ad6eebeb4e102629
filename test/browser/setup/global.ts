/**
 * globalSetup of the `browser` project: the local runtime started as `npm start` starts it
 * (`local/start.ts` in a child process, fresh data folder), and the built web app (web/dist,
 * built by `npm run test:browser` first) served where the runtime serves it.
 *
 * The runtime serves the app itself at PORT + 1 with `/config.json` and CORS for that origin.
 * A runtime too old for that (no `/config.json` there) gets the app from Vite's preview server
 * instead, which proxies the API on the same origin: the tests are the same either way.
 */
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../../local/services/process';
import { freshDataDir, startRuntimeProcess } from '../../setup/local-runtime';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The API, for the local-only /dev routes (clock, emails). */
    browserApiUrl: string;
    /** The web app as a person opens it. */
    webUrl: string;
  }
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const API_PATHS = ['/sessions', '/invitations', '/currencies', '/me', '/dev'];

async function servesApp(webUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${webUrl}/config.json`);
    return response.ok && typeof ((await response.json()) as { apiUrl?: unknown }).apiUrl === 'string';
  } catch {
    return false;
  }
}

/** Vite's preview server for web/dist, with /config.json and the API proxied on its own origin. */
async function previewServer(apiUrl: string) {
  const { preview } = await import('vite');
  const port = await freePort();
  const server = await preview({
    configFile: `${repoRoot}web/vite.config.ts`,
    logLevel: 'warn',
    preview: {
      host: '127.0.0.1',
      port,
      strictPort: true,
      proxy: Object.fromEntries(
        API_PATHS.map((path) => [
          path,
          {
            target: apiUrl,
            bypass: (req: { headers: { accept?: string } }) =>
              req.headers.accept?.includes('text/html') ? '/index.html' : undefined,
          },
        ]),
      ),
    },
    plugins: [
      {
        name: 'browser-test-config-json',
        configurePreviewServer(server) {
          server.middlewares.use('/config.json', (_req, res) => {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify({ apiUrl: `http://127.0.0.1:${port}`, signIn: 'local' }));
          });
        },
      },
    ],
  });
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

export default async function setup(project: TestProject) {
  if (!existsSync(`${repoRoot}web/dist/index.html`)) {
    throw new Error('web/dist is missing: run `npm run build:web` first (npm run test:browser does).');
  }
  const dataDir = freshDataDir('browser');
  const runtime = await startRuntimeProcess({ dataDir });
  const ownWeb = `http://127.0.0.1:${runtime.port + 1}`;
  const preview = (await servesApp(ownWeb)) ? null : await previewServer(runtime.url);
  project.provide('browserApiUrl', runtime.url);
  project.provide('webUrl', preview?.url ?? ownWeb);
  return async () => {
    try {
      await preview?.close();
      await runtime.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
