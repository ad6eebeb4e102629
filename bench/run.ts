/**
 * `npm run bench`: how fast and how cheap the service is, against the minimum its design allows
 * (issue 8). Prints a table and writes bench/results.md; the cost tables also go into the
 * generated block of docs/cost.md.
 *
 *   npm run bench                      the full run (about 5 minutes on a quiet 2-core machine)
 *   npm run bench -- --quick           a smoke run: few samples, nothing written unless --write
 *   npm run bench -- --only=cold,cost  some sections only (cold, submit, deal, throughput, cost, rooms)
 *   npm run bench -- --clients=8 --seconds=20 --runs=20 --samples=200 --deals=30 --negotiations=10
 *
 * Sections:
 * 1. cold start (bench/cold-start.ts)       4. throughput (bench/throughput.ts)
 * 2. submit latency (bench/submit-latency)  5. AWS requests and cost (bench/aws-requests.ts,
 * 3. time to deal (bench/time-to-deal.ts)      bench/cost-model.ts)
 * 7. rooms: posting and reading (bench/rooms.ts)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { awsRequests } from './aws-requests';
import { coldStart, REPO_ROOT } from './cold-start';
import { costModel } from './cost-model';
import { loadAverageText, machineInfo } from './lib/machine';
import { type BenchRuntime, startBenchRuntime } from './lib/runtime';
import { render, updateCostDoc } from './report/render';
import type { Results } from './report/results';
import { roomsBench } from './rooms';
import { submitLatency } from './submit-latency';
import { throughput } from './throughput';
import { timeToDeal } from './time-to-deal';

const SECTIONS = ['cold', 'submit', 'deal', 'throughput', 'cost', 'rooms'] as const;
type Section = (typeof SECTIONS)[number];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean' },
    only: { type: 'string' },
    runs: { type: 'string' },
    samples: { type: 'string' },
    deals: { type: 'string' },
    negotiations: { type: 'string' },
    clients: { type: 'string' },
    seconds: { type: 'string' },
  },
});

const quick = args.quick === true;
const num = (value: string | undefined, full: number, smoke: number) =>
  value !== undefined ? Number(value) : quick ? smoke : full;
const config = {
  runs: num(args.runs, 20, 3),
  samples: num(args.samples, 200, 20),
  deals: num(args.deals, 30, 5),
  negotiations: num(args.negotiations, 10, 3),
  waitingSessions: quick ? 3 : 10,
  clients: num(args.clients, 8, 4),
  seconds: num(args.seconds, 20, 6),
  idleSeconds: quick ? 2 : 5,
};
const only = new Set<Section>(
  args.only ? (args.only.split(',').map((s) => s.trim()) as Section[]) : [...SECTIONS],
);
for (const s of only)
  if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s}; one of ${SECTIONS.join(', ')}`);
const write = args.write ?? !quick;

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

const started = performance.now();
const results: Results = { machine: machineInfo(), loadEnd: '', wallSeconds: 0 };
log(
  `load average ${loadAverageText()} on ${results.machine.cores} cores; sections: ${[...only].join(', ')}${quick ? ' (quick)' : ''}`,
);

if (only.has('cold')) {
  log(`cold start: bundling and ${config.runs} runs per bundle`);
  results.cold = await coldStart({ runs: config.runs, log });
}

const needsRuntime = ['submit', 'deal', 'throughput', 'cost', 'rooms'].some((s) => only.has(s as Section));
if (needsRuntime) {
  log('starting the local runtime in this process');
  const bench: BenchRuntime = await startBenchRuntime();
  try {
    // Warm-up: the first negotiations pay for JIT (ours and DynamoDB Local's) and key files.
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      const s = await bench.prepareSession({ claimantNumber: true, tag: 'warmup' });
      await bench.client.submit(s.id, s.respondent, 12_000_000);
      await bench.runtime.settle();
    }
    // Counts first: the runtime's own reconciler has just run at start, the next run is a minute away.
    if (only.has('cost')) {
      log(`AWS requests: ${config.negotiations} negotiations`);
      results.usage = await awsRequests(bench, {
        negotiations: config.negotiations,
        waitingSessions: config.waitingSessions,
        log,
      });
      results.cost = costModel(results.usage.negotiation, results.usage.reconciler);
      await bench.runtime.ses.clear();
    }
    if (only.has('submit')) {
      log(`submit latency: ${config.samples} samples per series`);
      results.submit = await submitLatency(bench, { samples: config.samples, log });
      await bench.runtime.ses.clear();
    }
    if (only.has('deal')) {
      log(`time to deal: ${config.deals} samples`);
      results.deal = await timeToDeal(bench, { samples: config.deals, log });
      await bench.runtime.ses.clear();
    }
    if (only.has('rooms')) {
      log(`rooms: ${config.samples} samples per series`);
      results.rooms = await roomsBench(bench, { samples: config.samples, log });
    }
    if (only.has('throughput')) {
      results.throughput = await throughput(bench, {
        clients: config.clients,
        seconds: config.seconds,
        idleSeconds: config.idleSeconds,
        log,
      });
    }
  } finally {
    await bench.stop();
  }
}

results.loadEnd = loadAverageText();
results.wallSeconds = (performance.now() - started) / 1000;
const markdown = render(results, quick);
console.log(`\n${markdown}`);
if (write) {
  writeFileSync(join(REPO_ROOT, 'bench', 'results.md'), markdown);
  log('wrote bench/results.md');
  if (updateCostDoc(results)) log('updated the generated block of docs/cost.md');
}
// Child processes are gone; keep-alive sockets of fetch must not hold the process open.
process.exit(0);
