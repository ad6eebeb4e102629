/**
 * globalSetup of the `browser` project: the local runtime started as `npm start` starts it
 * (`local/start.ts` in a child process, a fresh data folder), serving the built web app
 * (web/dist, built by `npm run test:browser` first) with `/config.json` and CORS for its origin.
 * Tests read `inject('webUrl')` (the app as a person opens it) and `inject('apiUrl')` (for the
 * local-only /dev routes: the clock, the mail).
 */
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { freshDataDir, startRuntimeProcess } from '../../setup/local-runtime';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export default async function setup(project: TestProject) {
  if (!existsSync(`${repoRoot}web/dist/index.html`)) {
    throw new Error('web/dist is missing: run `npm run build:web` first (npm run test:browser does).');
  }
  const dataDir = freshDataDir('browser');
  const runtime = await startRuntimeProcess({ dataDir });
  project.provide('apiUrl', runtime.url);
  project.provide('webUrl', runtime.webUrl);
  return async () => {
    try {
      await runtime.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
