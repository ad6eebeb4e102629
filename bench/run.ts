/**
 * `npm run bench`: how fast and how cheap the service is, against the minimum its design allows
 * (issue 8). Prints a table and writes bench/results.md; the cost tables also go into the
 * generated block of docs/cost.md.
 *
 *   npm run bench                      the full run (about 5 minutes on a quiet 2-core machine)
 *   npm run bench -- --quick           a smoke run: few samples, nothing written unless --write
 *   npm run bench -- --only=cold,cost  some sections only (cold, submit, deal, throughput, cost)
 *   npm run bench -- --clients=8 --seconds=20 --runs=20 --samples=200 --deals=30 --negotiations=10
 *
 * Sections:
 * 1. cold start (bench/cold-start.ts)       4. throughput (bench/throughput.ts)
 * 2. submit latency (bench/submit-latency)  5. AWS requests and cost (bench/aws-requests.ts,
 * 3. time to deal (bench/time-to-deal.ts)      bench/cost-model.ts)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { awsRequests, type NegotiationUsage, type ReconcilerUsage } from './aws-requests';
import { CLIENTS_USED, type ColdStartResult, coldStart, REPO_ROOT } from './cold-start';
import { type CostModel, costModel, costTables } from './cost-model';
import { loadAverageText, type MachineInfo, machineInfo } from './lib/machine';
import { type BenchRuntime, startBenchRuntime } from './lib/runtime';
import { fmtSpread, type Summary } from './lib/stats';
import { fmtRatio, markdownTable } from './lib/table';
import { type SubmitLatencyResult, submitLatency } from './submit-latency';
import { type ThroughputResult, throughput } from './throughput';
import { type TimeToDealResult, timeToDeal } from './time-to-deal';

const SECTIONS = ['cold', 'submit', 'deal', 'throughput', 'cost'] as const;
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

const TARGETS = { coldRatio: 1.3, submitRatio: 1.5, dealMedianMs: 500, usdPerNegotiation: 0.01 };

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const ms = (x: number, digits = 1) => `${x.toFixed(digits)} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)}`;
const met = (ok: boolean) => (ok ? 'met' : '**missed**');
const spread = (s: Summary, digits = 1) => fmtSpread(s, 'ms', digits);

interface Results {
  machine: MachineInfo;
  loadEnd: string;
  wallSeconds: number;
  cold?: ColdStartResult;
  submit?: SubmitLatencyResult;
  deal?: TimeToDealResult;
  throughput?: ThroughputResult;
  usage?: { negotiation: NegotiationUsage; reconciler: ReconcilerUsage };
  cost?: CostModel;
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function targetsTable(r: Results): string {
  const rows: string[][] = [];
  if (r.cold) {
    const worst = r.cold.rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const over = r.cold.rows.filter((row) => row.ratio > TARGETS.coldRatio).map((row) => row.name);
    rows.push([
      'cold start: load time / SDK-only baseline',
      `${fmtRatio(worst.ratio)} worst (${worst.name}); over target: ${over.join(', ') || 'none'}`,
      `≤ ${TARGETS.coldRatio}×`,
      met(over.length === 0),
    ]);
  }
  if (r.submit) {
    rows.push([
      'submit latency: PUT / raw seal + transaction',
      fmtRatio(r.submit.ratio),
      `≤ ${TARGETS.submitRatio}×`,
      met(r.submit.ratio <= TARGETS.submitRatio),
    ]);
  }
  if (r.deal) {
    rows.push([
      'time to deal (median)',
      ms(r.deal.deal.median, 0),
      `≤ ${TARGETS.dealMedianMs} ms`,
      met(r.deal.deal.median <= TARGETS.dealMedianMs),
    ]);
  }
  if (r.throughput) {
    rows.push([
      'throughput',
      `${r.throughput.perSecond.toFixed(2)} negotiations/s (${r.throughput.clients} clients)`,
      '(no target)',
      '—',
    ]);
  }
  if (r.cost) {
    rows.push([
      'cost per negotiation, emails included',
      `$${r.cost.perNegotiation.toFixed(5)} (open 30 days: $${r.cost.perNegotiationOpen30Days.toFixed(5)})`,
      `≤ $${TARGETS.usdPerNegotiation}`,
      met(r.cost.perNegotiationOpen30Days <= TARGETS.usdPerNegotiation),
    ]);
  }
  return markdownTable(['metric', 'measured', 'target', ''], rows);
}

function coldSection(c: ColdStartResult): string {
  const main = markdownTable(
    [
      'function',
      'bundle KiB',
      'baseline KiB',
      'load (as deployed)',
      'baseline load',
      'ratio',
      'load w/o source maps',
      'network at import',
    ],
    c.rows.map((row) => [
      row.name,
      kib(row.fn.bytes),
      kib(row.baseline.bytes),
      spread(row.fnLoad),
      spread(row.baselineLoad),
      fmtRatio(row.ratio),
      ms(row.fnLoadNoMaps.median),
      row.network ? '**yes**' : 'no',
    ]),
  );
  const groups = ['app', 'aws-sdk', 'zod', 'powertools', 'middy', 'jose', 'other'];
  const composition = markdownTable(
    ['function', ...groups.map((g) => `${g} KiB`), 'SDK clients bundled', 'SDK clients used'],
    c.rows.map((row) => [
      row.name,
      ...groups.map((g) => kib(row.fn.composition[g] ?? 0)),
      row.fn.sdkClients.join(', '),
      CLIENTS_USED[row.name].join(', '),
    ]),
  );
  return [
    `Median of ${c.runs} fresh \`node\` processes per bundle (runs interleaved function/baseline), \`import()\` timed inside the process with \`--enable-source-maps\` as NODE_OPTIONS sets it on Lambda; "w/o source maps" from ${Math.ceil(c.runs / 2)} runs. Bundles built with esbuild's JS API and the options of lib/constructs/service-function.ts (ESM, node22, minify, source map without sources content, createRequire banner, no externals).${c.bundlingDrift.length > 0 ? ` **Warning: service-function.ts no longer contains ${c.bundlingDrift.join('; ')}: the bench may not bundle as the CDK app does.**` : ''}`,
    '',
    main,
    '',
    'What the bundles are made of (minified bytes by origin, from the esbuild metafile):',
    '',
    composition,
  ].join('\n');
}

function submitSection(s: SubmitLatencyResult): string {
  return [
    `${s.samples} samples each, interleaved (rotating order) on one runtime; the runtime settled after each sample. Client-side times (fetch to body read) for the PUTs; the raw series is \`LocalSealer.sealNumber\` + one \`TransactWriteItems\` (a copy of a real session item conditional on its revision, plus an audit entry) through the same DynamoDB document client.`,
    '',
    markdownTable(
      ['series', 'median (p5 – p95)', 'IQR', 'ratio to raw'],
      [
        [
          'A: PUT /sessions/{id}/number',
          spread(s.put),
          `${s.put.p25.toFixed(1)} – ${s.put.p75.toFixed(1)}`,
          fmtRatio(s.ratio),
        ],
        [
          'A′: same with Idempotency-Key',
          spread(s.putWithKey),
          `${s.putWithKey.p25.toFixed(1)} – ${s.putWithKey.p75.toFixed(1)}`,
          fmtRatio(s.ratioWithKey),
        ],
        [
          'B: raw seal + TransactWriteItems',
          spread(s.raw),
          `${s.raw.p25.toFixed(1)} – ${s.raw.p75.toFixed(1)}`,
          '1.00×',
        ],
        [
          'A measured at the server',
          spread(s.serverPut),
          `${s.serverPut.p25.toFixed(1)} – ${s.serverPut.p75.toFixed(1)}`,
          fmtRatio(s.serverPut.median / s.raw.median),
        ],
      ],
    ),
    '',
    `Where A's server time goes (medians of each part, ms): ${Object.entries(s.putBreakdown)
      .filter(([, x]) => x > 0.005)
      .map(([part, x]) => `${part} ${x.toFixed(2)}`)
      .join(
        ' · ',
      )}. B: seal ${s.rawBreakdown.seal.toFixed(2)} · TransactWriteItems ${s.rawBreakdown.transaction.toFixed(2)}.`,
  ].join('\n');
}

function dealSection(d: TimeToDealResult): string {
  return [
    `${d.samples} fresh sessions (claimant's number in and evaluated beforehand); from the respondent's matching PUT response to the first \`GET /sessions/{id}\` showing \`phase: settled\`, polled every 5 ms. No /dev/clock, no settle(): only the stream poller (idle delay 25 ms) delivers the write to match.`,
    '',
    markdownTable(
      ['measure', 'median (p5 – p95)', 'p95'],
      [
        ['time to deal', spread(d.deal, 0), ms(d.deal.p95, 0)],
        [
          'GET polls until settled',
          `${d.polls.median} (p5 ${d.polls.p5.toFixed(0)} – p95 ${d.polls.p95.toFixed(0)})`,
          d.polls.p95.toFixed(0),
        ],
        ['the matching PUT itself', spread(d.put), ms(d.put.p95)],
      ],
    ),
  ].join('\n');
}

function throughputSection(t: ThroughputResult): string {
  const totalServer = Object.values(t.serverRoutes).reduce((s, r) => s + r.totalMs, 0);
  const routes = markdownTable(
    ['route', 'requests', 'client median (p95)', 'server median (p95)', 'share of server time'],
    Object.entries(t.serverRoutes)
      .sort((a, b) => b[1].totalMs - a[1].totalMs)
      .map(([route, r]) => {
        const c = t.clientRoutes[route];
        return [
          route,
          String(r.summary.n),
          c ? `${c.median.toFixed(1)} (${c.p95.toFixed(1)})` : '—',
          `${r.summary.median.toFixed(1)} (${r.summary.p95.toFixed(1)})`,
          `${((100 * r.totalMs) / totalServer).toFixed(0)} %`,
        ];
      }),
  );
  const aws = markdownTable(
    ['AWS call (local twin)', 'calls', 'per negotiation', 'mean ms', 'failed'],
    t.aws.map((l) => [
      l.line,
      String(l.requests),
      (t.awsPerNegotiation[l.line] ?? 0).toFixed(2),
      (l.totalMs / Math.max(l.requests, 1)).toFixed(1),
      String(l.errors),
    ]),
  );
  const cpuRows = t.cpu.map((c) => {
    const idle = t.idle.cpu.find((i) => i.process === c.process);
    return [
      c.process,
      c.cpuSeconds.toFixed(1),
      `${(100 * c.cores).toFixed(0)} %`,
      t.completed > 0 ? `${((1000 * c.cpuSeconds) / t.completed).toFixed(0)} ms` : '—',
      idle ? `${(100 * idle.cores).toFixed(0)} %` : '—',
    ];
  });
  return [
    `${t.clients} concurrent clients (a child process) for ${t.seconds.toFixed(1)} s, each running complete negotiations back to back (respondent token, create with invite, wait for the invitation email, accept, terms ×2, two numbers, poll until settled; polls every 50 ms).`,
    '',
    markdownTable(
      ['measure', 'value'],
      [
        ['negotiations completed in the window', String(t.completed)],
        ['throughput', `**${t.perSecond.toFixed(2)} negotiations/s**`],
        ['negotiation, start → settled seen', spread(t.negotiation, 0)],
        ['notify lag: create → invitation email visible', spread(t.inviteLag, 0)],
        ['match lag: matching PUT → settled visible', spread(t.dealLag, 0)],
        [
          'runtime event-loop utilization',
          `${(100 * t.eventLoopUtilization).toFixed(0)} % (idle: ${(100 * t.idle.eventLoopUtilization).toFixed(0)} %)`,
        ],
        ['failed AWS calls (conflicts, conditions)', String(t.conflicts)],
        [
          'client errors',
          t.errors.length === 0 ? '0' : `${t.errors.length}: ${t.errors.slice(0, 3).join(' | ')}`,
        ],
      ],
    ),
    '',
    `CPU by process over the window (share of one core; the machine has ${results.machine.cores}) and per negotiation completed in it; the last column is the same process idle (no clients, ${t.idle.seconds} s):`,
    '',
    markdownTable(['process', 'CPU s', 'cores', 'CPU per negotiation', 'idle'], cpuRows),
    '',
    "Server-side time by route (the runtime's HTTP server, request in → response written):",
    '',
    routes,
    '',
    `AWS calls made under load (DynamoDB Local, local SES; sealer and local timers as the calls they stand for; "per negotiation" divides by every negotiation completed, in the window or just after, and includes the clients' polling GETs${t.reconcilerRuns > 0 ? ` and ${t.reconcilerRuns} run(s) of the runtime's own reconciler` : ''}):`,
    '',
    aws,
  ].join('\n');
}

function usageSection(u: { negotiation: NegotiationUsage; reconciler: ReconcilerUsage }): string {
  const n = u.negotiation;
  const scopes = Object.keys(n.scopes).sort((a, b) =>
    a === 'background' ? 1 : b === 'background' ? -1 : a.localeCompare(b),
  );
  const lines = Object.keys(n.lines).sort();
  const byLine = markdownTable(
    [
      'AWS request',
      'per negotiation',
      ...scopes.map((s) => (s === 'background' ? 'background (match, notify)' : s)),
    ],
    lines.map((line) => [
      line,
      n.lines[line]!.toFixed(2) + (n.errors[line] ? ` (${n.errors[line]!.toFixed(2)} failed)` : ''),
      ...scopes.map((s) => {
        const v = n.scopes[s]?.[line];
        return v ? v.toFixed(2) : '';
      }),
    ]),
  );
  const put = 'PUT /sessions/{id}/number';
  const numbers = n.apiRequests[put] ?? 0;
  const evaluations = n.streamRecords.match ?? 0;
  const bg = n.scopes.background ?? {};
  const design = markdownTable(
    ['per …', 'design minimum', 'measured'],
    [
      ['number: KMS Encrypt', '1', ((n.scopes[put]?.['KMS Encrypt'] ?? 0) / numbers).toFixed(2)],
      [
        'number: transaction',
        '1',
        ((n.scopes[put]?.['DynamoDB TransactWriteItems'] ?? 0) / numbers).toFixed(2),
      ],
      [
        'number: other requests',
        '— (1 consistent read of the session is needed for seq and rev)',
        `${((n.scopes[put]?.['DynamoDB GetItem'] ?? 0) / numbers).toFixed(2)} GetItem`,
      ],
      [
        'evaluation: KMS Decrypt (the lone first number, then the pair)',
        '≤ 2',
        `${((bg['KMS Decrypt'] ?? 0) / evaluations).toFixed(2)} (${bg['KMS Decrypt']?.toFixed(0) ?? 0} over ${evaluations.toFixed(0)} evaluations)`,
      ],
      ['evaluation: transaction', '≤ 1', ((bg['DynamoDB TransactWriteItems'] ?? 0) / evaluations).toFixed(2)],
    ],
  );
  const sizes = markdownTable(
    ['item type', 'writes', 'median bytes', 'max bytes'],
    Object.entries(n.dynamodb.itemBytes).map(([kind, xs]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return [
        kind,
        String(xs.length),
        String(sorted[Math.floor(sorted.length / 2)] ?? 0),
        String(sorted.at(-1) ?? 0),
      ];
    }),
  );
  const r = u.reconciler;
  return [
    `${n.negotiations} complete negotiations run one after the other through the local runtime in this process; every request of the handlers' SDK clients counted by the middleware (\`countRequests\`), the local sealer counted as the KMS calls it stands for, local timers as Scheduler calls. API requests per negotiation: ${Object.entries(
      n.apiRequests,
    )
      .map(([route, x]) => `${x.toFixed(0)} × ${route}`)
      .join(
        ', ',
      )}. Stream records passing the filters per negotiation (Lambda invocations at most): ${Object.entries(
      n.streamRecords,
    )
      .map(([c, x]) => `${c} ${x.toFixed(0)}`)
      .join(
        ', ',
      )}. Email recipients: ${n.emailRecipients.toFixed(0)}. DynamoDB: ${n.wru.toFixed(1)} WRU (of which ${(n.dynamodb.indexWru / n.negotiations).toFixed(1)} index writes) and ${n.rru.toFixed(1)} RRU per negotiation.`,
    '',
    byLine,
    '',
    'Against the design minimum:',
    '',
    design,
    '',
    'Item sizes written (bytes, as DynamoDB counts them):',
    '',
    sizes,
    '',
    `One reconciler run over ${r.sessions} open sessions (waiting in step 2): ${Object.entries(r.lines)
      .map(([line, x]) => `${x} × ${line}${r.errors[line] ? ` (${r.errors[line]} failed)` : ''}`)
      .join(', ')}; ${r.rru.toFixed(1)} RRU, ${r.wru.toFixed(1)} WRU, ${ms(r.wallMs, 0)} here.`,
  ].join('\n');
}

function render(r: Results): string {
  const m = r.machine;
  const parts = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${quick ? ' -- --quick' : ''}\` (bench/run.ts). Medians with spread (p5 – p95); the design and the method are in bench/*.ts and docs/cost.md.`,
    '',
    markdownTable(
      ['machine', ''],
      [
        ['CPU', `${m.cpuModel}, ${m.cores} cores`],
        ['memory', `${m.memoryGiB.toFixed(1)} GiB (${m.freeMemoryGiB.toFixed(1)} GiB free at start)`],
        ['node', `${m.node} (${m.platform}); Lambda runs Node 22 on ARM`],
        ['date', m.date],
        ['commit', m.commit],
        ['load average (1/5/15 min)', `${m.loadAverage.join(' / ')} at start, ${r.loadEnd} at the end`],
        ['wall time', `${r.wallSeconds.toFixed(0)} s`],
      ],
    ),
    '',
  ];
  if (m.loadAverage[0] > m.cores * 0.5) {
    parts.push(
      `> **Noisy machine**: the load average was ${m.loadAverage[0]} on ${m.cores} cores when this run started (other work was running), so timings are slower and more spread than on a quiet machine. Counts and costs do not depend on it.`,
      '',
    );
  }
  parts.push('## Targets', '', targetsTable(r), '');
  if (r.cold) parts.push('## 1. Cold start', '', coldSection(r.cold), '');
  if (r.submit) parts.push('## 2. Submit latency', '', submitSection(r.submit), '');
  if (r.deal) parts.push('## 3. Time to deal', '', dealSection(r.deal), '');
  if (r.throughput) parts.push('## 4. Throughput', '', throughputSection(r.throughput), '');
  if (r.usage) parts.push('## 5. AWS requests', '', usageSection(r.usage), '');
  if (r.cost) parts.push('## 6. Cost at list prices (us-east-1)', '', costTables(r.cost), '');
  return `${parts.join('\n').trimEnd()}\n`;
}

const COST_BEGIN = '<!-- bench:cost:begin -->';
const COST_END = '<!-- bench:cost:end -->';

function updateCostDoc(r: Results): boolean {
  if (!r.cost || !r.usage) return false;
  const file = join(REPO_ROOT, 'docs', 'cost.md');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const begin = text.indexOf(COST_BEGIN);
  const end = text.indexOf(COST_END);
  if (begin < 0 || end < begin) return false;
  const block = [
    COST_BEGIN,
    `<!-- generated by npm run bench on ${r.machine.date.slice(0, 10)} (commit ${r.machine.commit}); edit bench/cost-model.ts, not this block -->`,
    '',
    usageSection(r.usage),
    '',
    costTables(r.cost),
    '',
    COST_END,
  ].join('\n');
  writeFileSync(file, text.slice(0, begin) + block + text.slice(end + COST_END.length));
  return true;
}

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

const needsRuntime = ['submit', 'deal', 'throughput', 'cost'].some((s) => only.has(s as Section));
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
const markdown = render(results);
console.log(`\n${markdown}`);
if (write) {
  writeFileSync(join(REPO_ROOT, 'bench', 'results.md'), markdown);
  log('wrote bench/results.md');
  if (updateCostDoc(results)) log('updated the generated block of docs/cost.md');
}
// Child processes are gone; keep-alive sockets of fetch must not hold the process open.
process.exit(0);
