/**
 * AWS requests per negotiation: complete negotiations run one after the other through the local
 * runtime in this process (create with invite → accept → terms v0 ×2 → two numbers → deal), every
 * AWS request counted by the counting hook and attributed to the HTTP route or to background work
 * (match, notify). Then one reconciler run over sessions left waiting in step 2, to price what an
 * open negotiation costs while it waits.
 */
import { lambdaContext } from '../local/services/lambda-context';
import { OFFER, type Person } from './lib/api';
import type { UsageLine } from './lib/aws-usage';
import type { DynamoDbUsage } from './lib/dynamodb-usage';
import { type BenchRuntime, onServerTiming } from './lib/runtime';
import { type Summary, summarize } from './lib/stats';

export interface NegotiationUsage {
  negotiations: number;
  /** AWS requests per negotiation by line (`DynamoDB GetItem` …). */
  lines: Record<string, number>;
  /** Failed requests per negotiation by line (e.g. CreateSchedule conflicts). */
  errors: Record<string, number>;
  /** Per negotiation: scope (HTTP route or `background`) → line → requests. */
  scopes: Record<string, Record<string, number>>;
  /** API requests per negotiation by route (dev routes left out). */
  apiRequests: Record<string, number>;
  /** Server-side time by route (ms), from this quiet run. */
  serverRoutes: Record<string, Summary>;
  dynamodb: DynamoDbUsage;
  /** Per negotiation. */
  wru: number;
  rru: number;
  emailRecipients: number;
  /** Stream records per negotiation passing each consumer's filter. */
  streamRecords: Record<string, number>;
  /** Local AWS-call time by line (ms per call), for reference. */
  msPerCall: Record<string, number>;
}

export interface ReconcilerUsage {
  sessions: number;
  /** All requests of the run by line. */
  lines: Record<string, number>;
  errors: Record<string, number>;
  rru: number;
  wru: number;
  wallMs: number;
  report: Record<string, unknown>;
}

const perUnit = (lines: UsageLine[], n: number, pick: (l: UsageLine) => number) =>
  Object.fromEntries(lines.map((l) => [l.line, pick(l) / n]));

export async function awsRequests(
  bench: BenchRuntime,
  options: { negotiations: number; waitingSessions: number; log?: (line: string) => void },
): Promise<{ negotiation: NegotiationUsage; reconciler: ReconcilerUsage }> {
  const log = options.log ?? (() => undefined);
  // One negotiation first, uncounted: first-use costs (key files, JIT) stay out.
  const warm = await bench.prepareSession({ claimantNumber: true, tag: 'count' });
  await bench.client.submit(warm.id, warm.respondent, OFFER);
  await bench.runtime.settle();

  // The local runtime runs the reconciler itself (once a minute of real time). Its requests are not
  // the negotiation's: a count that a run overlapped is done again (runs are a minute apart).
  let server: Record<string, number[]> = {};
  let lines: UsageLine[] = [];
  let scopes: Record<string, Record<string, number>> = {};
  let dynamodb: DynamoDbUsage = bench.usage.dynamodb.usage;
  let emailRecipients = 0;
  const n = options.negotiations;
  const done: { id: string; claimant: Person }[] = [];
  for (let attempt = 1; ; attempt++) {
    server = {};
    onServerTiming((route, ms) => {
      const samples = server[route] ?? [];
      samples.push(ms);
      server[route] = samples;
    });
    // A reconciler run in flight holds the runtime's lock: settle() returns after it.
    await bench.runtime.settle();
    bench.usage.reset();
    done.length = 0;
    for (let i = 0; i < n; i++) {
      const s = await bench.prepareSession({ claimantNumber: true, tag: 'count' });
      await bench.client.submit(s.id, s.respondent, OFFER);
      await bench.runtime.settle();
      done.push(s);
    }
    onServerTiming(() => undefined);
    lines = bench.usage.snapshot();
    scopes = bench.usage.scopes();
    dynamodb = structuredClone(bench.usage.dynamodb.usage);
    emailRecipients = bench.usage.emailRecipients;
    if (bench.usage.reconcilerRuns === 0) break;
    if (attempt === 3)
      throw new Error("the runtime's reconciler ran during every count: counts would include it");
    log("aws requests: the runtime's reconciler ran during the count; counting again");
  }
  // Checked after the counts were taken: these reads are the bench's, not the negotiation's.
  for (const s of done) {
    const view = await bench.client.view(s.id, s.claimant);
    if (view.body.phase !== 'settled') throw new Error(`negotiation ${s.id} ended ${view.body.phase}`);
  }
  const apiRequests: Record<string, number> = {};
  for (const [route, xs] of Object.entries(server)) {
    if (!route.includes('/dev/')) apiRequests[route] = xs.length / n;
  }
  const negotiation: NegotiationUsage = {
    negotiations: n,
    lines: perUnit(lines, n, (l) => l.requests),
    errors: Object.fromEntries(lines.filter((l) => l.errors > 0).map((l) => [l.line, l.errors / n])),
    scopes: Object.fromEntries(
      Object.entries(scopes).map(([scope, byLine]) => [
        scope,
        Object.fromEntries(Object.entries(byLine).map(([line, count]) => [line, count / n])),
      ]),
    ),
    apiRequests,
    serverRoutes: Object.fromEntries(Object.entries(server).map(([r, xs]) => [r, summarize(xs)])),
    dynamodb,
    wru: dynamodb.wru / n,
    rru: dynamodb.rru / n,
    emailRecipients: emailRecipients / n,
    streamRecords: Object.fromEntries(Object.entries(dynamodb.streamRecords).map(([k, v]) => [k, v / n])),
    msPerCall: Object.fromEntries(lines.map((l) => [l.line, l.requests > 0 ? l.totalMs / l.requests : 0])),
  };
  log(`aws requests: ${n} negotiations counted`);

  // Sessions waiting in step 2 (timers created), then one reconciler run over every active session.
  for (let i = 0; i < options.waitingSessions; i++) await bench.prepareSession({ tag: 'waiting' });
  await bench.runtime.settle();
  const { handler } = await import('../functions/reconciler/index');
  let report: Record<string, unknown> = {};
  let wallMs = 0;
  for (let attempt = 1; ; attempt++) {
    await bench.runtime.settle();
    bench.usage.reset();
    const started = performance.now();
    report = (await handler(
      undefined,
      lambdaContext('reconciler', { timeoutMs: 60_000 }),
    )) as unknown as Record<string, unknown>;
    wallMs = performance.now() - started;
    if (bench.usage.reconcilerRuns <= 1 || attempt === 3) break;
  }
  const reconcilerLines = bench.usage.snapshot();
  const reconciler: ReconcilerUsage = {
    sessions: Number(report.sessions ?? 0),
    lines: perUnit(reconcilerLines, 1, (l) => l.requests),
    errors: Object.fromEntries(reconcilerLines.filter((l) => l.errors > 0).map((l) => [l.line, l.errors])),
    rru: bench.usage.dynamodb.usage.rru,
    wru: bench.usage.dynamodb.usage.wru,
    wallMs,
    report,
  };
  log(`aws requests: reconciler run over ${reconciler.sessions} active sessions`);
  return { negotiation, reconciler };
}
