/**
 * Throughput: complete negotiations per second the local runtime sustains with N concurrent
 * clients (bench/load-client.ts in a child process) for a fixed window, and where the time goes:
 * server-side time by route, AWS (DynamoDB Local, SES) call time by operation, stream lags seen
 * by the clients, the runtime's event-loop utilization, and CPU seconds per negotiation of each
 * process (this Node process, DynamoDB Local's JVM, the local SES endpoint, the load clients),
 * read from /proc. An idle window first shows what the runtime costs doing nothing.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { UsageLine } from './lib/aws-usage';
import { descendants, processCpuSeconds } from './lib/machine';
import { type BenchRuntime, onServerTiming } from './lib/runtime';
import { type Summary, sleep, summarize } from './lib/stats';
import type { LoadClientReport } from './load-client';

export interface CpuShare {
  process: string;
  cpuSeconds: number;
  /** Share of one core over the window. */
  cores: number;
}

export interface ThroughputResult {
  clients: number;
  seconds: number;
  completed: number;
  perSecond: number;
  errors: string[];
  negotiation: Summary;
  inviteLag: Summary;
  dealLag: Summary;
  clientRoutes: Record<string, Summary>;
  serverRoutes: Record<string, { summary: Summary; totalMs: number }>;
  aws: UsageLine[];
  awsPerNegotiation: Record<string, number>;
  conflicts: number;
  /** Runs of the runtime's own reconciler during the window (their calls are in `aws`). */
  reconcilerRuns: number;
  eventLoopUtilization: number;
  cpu: CpuShare[];
  idle: { seconds: number; cpu: CpuShare[]; eventLoopUtilization: number };
}

const LOAD_CLIENT = fileURLToPath(new URL('./load-client.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

function classify(cmd: string): string | null {
  if (cmd.includes('DynamoDBLocal.jar')) return 'DynamoDB Local (java)';
  if (cmd.includes('aws-ses-v2-local')) return 'local SES (node)';
  if (cmd.includes('load-client')) return 'load clients (node)';
  return null;
}

function cpuSnapshot(): Map<string, number> {
  const out = new Map<string, number>();
  const self = process.cpuUsage();
  out.set('runtime + handlers (this node process)', (self.user + self.system) / 1e6);
  for (const { pid, cmd } of descendants()) {
    const name = classify(cmd);
    if (!name) continue;
    const seconds = processCpuSeconds(pid);
    if (Number.isFinite(seconds)) out.set(name, (out.get(name) ?? 0) + seconds);
  }
  return out;
}

function cpuDelta(before: Map<string, number>, after: Map<string, number>, seconds: number): CpuShare[] {
  return [...after].map(([name, total]) => {
    const used = total - (before.get(name) ?? 0);
    return { process: name, cpuSeconds: used, cores: used / seconds };
  });
}

export async function throughput(
  bench: BenchRuntime,
  options: { clients: number; seconds: number; idleSeconds?: number; log?: (line: string) => void },
): Promise<ThroughputResult> {
  const log = options.log ?? (() => undefined);
  await bench.runtime.settle();
  await bench.runtime.ses.clear();

  // Idle: the runtime doing nothing (stream polling, timer ticks).
  const idleSeconds = options.idleSeconds ?? 5;
  const idleElu = performance.eventLoopUtilization();
  const idleBefore = cpuSnapshot();
  await sleep(idleSeconds * 1000);
  const idle = {
    seconds: idleSeconds,
    cpu: cpuDelta(idleBefore, cpuSnapshot(), idleSeconds),
    eventLoopUtilization: performance.eventLoopUtilization(idleElu).utilization,
  };
  log(
    `throughput: idle ${idleSeconds} s measured; starting ${options.clients} clients for ${options.seconds} s`,
  );

  const server: Record<string, number[]> = {};
  onServerTiming((route, ms) => {
    const samples = server[route] ?? [];
    samples.push(ms);
    server[route] = samples;
  });
  bench.usage.reset();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', LOAD_CLIENT, bench.runtime.url, String(options.clients), String(options.seconds)],
    { cwd: REPO_ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  // The window starts once the child is up (tsx compiles for a moment first).
  await sleep(300);
  const elu = performance.eventLoopUtilization();
  const before = cpuSnapshot();
  const windowStart = performance.now();
  await Promise.race([sleep(options.seconds * 1000), exited]);
  const windowSeconds = (performance.now() - windowStart) / 1000;
  const cpu = cpuDelta(before, cpuSnapshot(), windowSeconds);
  const utilization = performance.eventLoopUtilization(elu).utilization;
  const code = await exited;
  onServerTiming(() => undefined);
  await bench.runtime.settle();
  const line = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{'))
    throw new Error(`load client failed (exit ${code}):\n${stderr.slice(-2000)}`);
  const report = JSON.parse(line) as LoadClientReport;

  const aws = bench.usage.snapshot();
  const done = Math.max(report.completedTotal, 1);
  const awsPerNegotiation = Object.fromEntries(aws.map((l) => [l.line, l.requests / done]));
  const conflicts = aws.reduce((n, l) => n + l.errors, 0);
  return {
    clients: options.clients,
    seconds: windowSeconds,
    completed: report.completed,
    perSecond: report.completed / options.seconds,
    errors: report.errors,
    negotiation: summarize(report.negotiationMs),
    inviteLag: summarize(report.inviteLagMs),
    dealLag: summarize(report.dealLagMs),
    clientRoutes: Object.fromEntries(Object.entries(report.routes).map(([r, xs]) => [r, summarize(xs)])),
    serverRoutes: Object.fromEntries(
      Object.entries(server).map(([r, xs]) => [
        r,
        { summary: summarize(xs), totalMs: xs.reduce((s, x) => s + x, 0) },
      ]),
    ),
    aws,
    awsPerNegotiation,
    conflicts,
    reconcilerRuns: bench.usage.reconcilerRuns,
    eventLoopUtilization: utilization,
    cpu,
    idle,
  };
}
