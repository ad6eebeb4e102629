#!/usr/bin/env node
// `npm start` runs this first: when the web app is not built (no web/dist/index.html, or no
// WEB_DIST_DIR/index.html) and the repository has a web/ project and a `build:web` script, it
// builds it. Without a web/ project or a build:web script it does nothing (the runtime then
// serves a page saying the web app is not built); a failed build is reported and the API starts
// anyway.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.WEB_DIST_DIR ? resolve(process.env.WEB_DIST_DIR) : join(root, 'web', 'dist');

if (existsSync(join(dist, 'index.html'))) process.exit(0);
if (process.env.WEB_DIST_DIR) process.exit(0); // a folder of one's own: not ours to build
if (!existsSync(join(root, 'web'))) process.exit(0);
const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {};
if (!scripts['build:web']) process.exit(0);

console.log('The web app is not built yet: npm run build:web');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['run', 'build:web'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('Building the web app failed (see above); the API starts anyway.');
}
