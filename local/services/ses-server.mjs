#!/usr/bin/env node
/**
 * `node ses-server.mjs --port <p> --host <h> --journal <file>`: the local SES v2 endpoint
 * (aws-ses-v2-local, its web viewer at `/`) with every accepted email appended to `journal`
 * (JSON lines) before SES answers 200. So an email SES accepted is on disk whatever happens next
 * (the runtime or this process killed), and the runtime reads the journal rather than asking
 * this process. On start the viewer's store is filled from the journal (all mail since the last
 * clear); clearing the store (the viewer's button, `POST /clear-store`) appends a
 * `{"cleared": <epoch ms>}` line, and readers forget what came before it.
 *
 * It exits when its stdin (a pipe from the runtime) closes: it never outlives the runtime.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string' }, journal: { type: 'string' } },
});
if (!values.port || !values.host || !values.journal) {
  console.error('usage: node ses-server.mjs --port <p> --host <h> --journal <file>');
  process.exit(2);
}
const journal = values.journal;

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();

const require = createRequire(import.meta.url);
const store = require('aws-ses-v2-local/dist/store.js');
const server = require('aws-ses-v2-local/dist/index.js').default;

// The viewer shows every email since the last clear.
if (existsSync(journal)) {
  const emails = [];
  for (const line of readFileSync(journal, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line);
      if (entry.cleared !== undefined) emails.length = 0;
      else emails.push(entry);
    } catch {
      // a torn last line (a crash mid-write): skipped
    }
  }
  store.getStoreReadonly().emails.push(...emails);
}

// sendEmail & co. call `store_1.saveEmail(...)` through the module's exports, so these replace them.
const saveEmail = store.saveEmail;
store.saveEmail = (email) => {
  appendFileSync(journal, `${JSON.stringify(email)}\n`, { mode: 0o600 });
  saveEmail(email);
};
const clearStore = store.clearStore;
store.clearStore = () => {
  appendFileSync(journal, `${JSON.stringify({ cleared: Date.now() })}\n`, { mode: 0o600 });
  clearStore();
};

await server({ host: values.host, port: Number(values.port) });
console.log(`ses-server: listening on ${values.host}:${values.port}`);
