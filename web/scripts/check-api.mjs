/**
 * `npm run check:api`: fails when web/src/api/schema.d.ts is not what openapi-typescript makes
 * of openapi.yaml today (someone changed the contract and did not run `npm run gen:api`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const committed = join(root, 'web/src/api/schema.d.ts');
const dir = mkdtempSync(join(tmpdir(), 'backchannel-api-'));
try {
  const fresh = join(dir, 'schema.d.ts');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/openapi-typescript/bin/cli.js'), join(root, 'openapi.yaml'), '-o', fresh],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (readFileSync(fresh, 'utf8') !== readFileSync(committed, 'utf8')) {
    console.error('web/src/api/schema.d.ts is stale: run `npm run gen:api` and commit the result.');
    process.exit(1);
  }
  console.log('web/src/api/schema.d.ts matches openapi.yaml.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
