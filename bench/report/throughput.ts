/** Section 4 of bench/results.md: throughput. */
import { markdownTable } from '../lib/table';
import type { ThroughputResult } from '../throughput';
import { spread } from './format';

export function throughputSection(t: ThroughputResult, cores: number): string {
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
    `CPU by process over the window (share of one core; the machine has ${cores}) and per negotiation completed in it; the last column is the same process idle (no clients, ${t.idle.seconds} s):`,
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
