/**
 * What the local runtime's dev routes cost as data grows (issue 11): `POST /dev/clock
 * {"advanceSeconds": 0}` when nothing is due, and `GET /dev/emails?to=<one address>`, measured at
 * several amounts of mail. The runtime runs as `npm start` runs it (`local/start.ts` in a child
 * process, on a fresh data folder); the mail comes from invitations (two per session).
 *
 *   npx tsx bench/local-dev-routes.ts                       steps 0, 200, 700, 1400 mails
 *   npx tsx bench/local-dev-routes.ts --mails=100,400 --samples=30
 *
 * Prints one line per step: the median and p95 of each route, in milliseconds. Nothing is
 * asserted: performance is read, not tested.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../local/services/process';
import { REPO_ROOT } from './cold-start';
import { BenchClient } from './lib/api';
import { summarize } from './lib/stats';

const { values: args } = parseArgs({
  options: {
    mails: { type: 'string', default: '0,200,700,1400' },
    samples: { type: 'string', default: '25' },
  },
});
const steps = args.mails.split(',').map(Number);
const samples = Number(args.samples);

async function startRuntime(dataDir: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), BACKCHANNEL_DATA_DIR: dataDir, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = /Backchannel API on (http:\/\/\S+)/.exec(seen);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`runtime exited with ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    });
  return { url, stop };
}

const time = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'backchannel-bench-dev-'));
  const runtime = await startRuntime(dataDir);
  const client = new BenchClient(runtime.url);
  const clock = () =>
    client.request('POST', '/dev/clock', 'POST /dev/clock', { body: { advanceSeconds: 0 } });
  try {
    const creator = await client.person('creator@bench-dev.example');
    const probe = 'respondent.0@bench-dev.example';
    let mails = 0;
    console.log('mails | POST /dev/clock (idle) median / p95 | GET /dev/emails?to= median / p95');
    for (const target of steps) {
      for (; mails < target; mails += 2) {
        const n = mails / 2;
        const answer = await client.request('POST', '/sessions', 'POST /sessions', {
          token: creator.token,
          body: {
            title: `Bench ${n}`,
            currency: 'USD',
            myRole: 'claimant',
            invite: {
              respondent: `respondent.${n}@bench-dev.example`,
              mediator: `mediator.${n}@bench-dev.example`,
            },
          },
        });
        if (answer.status !== 201) throw new Error(`POST /sessions answered ${answer.status}`);
      }
      await clock();
      const all = await client.request('GET', '/dev/emails', 'GET /dev/emails');
      if (all.body.emails.length < target)
        throw new Error(`expected ${target} mails, got ${all.body.emails.length}`);
      // Warm up (the first requests after a start or a burst of writes pay for JIT and caches).
      for (let i = 0; i < 5; i++) await clock();
      const clockMs: number[] = [];
      const emailsMs: number[] = [];
      for (let i = 0; i < samples; i++) {
        clockMs.push(await time(clock));
        emailsMs.push(
          await time(() =>
            client.request('GET', `/dev/emails?to=${encodeURIComponent(probe)}`, 'GET /dev/emails'),
          ),
        );
      }
      const c = summarize(clockMs);
      const e = summarize(emailsMs);
      console.log(
        `${String(all.body.emails.length).padStart(5)} | ${c.median.toFixed(1)} / ${c.p95.toFixed(1)} ms | ${e.median.toFixed(1)} / ${e.p95.toFixed(1)} ms`,
      );
    }
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
