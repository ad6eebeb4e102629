/**
 * The local runtime started in this process for the benchmarks, instrumented from the outside
 * (no product code changes):
 *
 * - every AWS SDK client the handlers use gets the request counter (`countRequests`), and the
 *   local sealer's calls are counted as KMS calls (AwsUsage);
 * - the runtime's HTTP server is wrapped (node:http `createServer`, patched before the runtime
 *   starts, `syncBuiltinESMExports`) to time each request on the server side by route and to run
 *   it inside an AsyncLocalStorage scope, so AWS calls can be attributed to the route.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import { freePort } from '../../local/services/process';
import { API_ROUTES } from '../../shared/http/routes';
import { BenchClient, benchAddresses, DEMAND, type Person } from './api';
import { AwsUsage, requestScope } from './aws-usage';
import { countRequests } from './request-counter';

const DEV_ROUTES = ['POST /dev/token', 'POST /dev/clock', 'GET /dev/emails'];

/** `PUT /sessions/abc/number` → `PUT /sessions/{id}/number`. */
export function routeOf(method: string | undefined, url: string | undefined): string {
  const path = (url ?? '/').split('?')[0]!;
  const segments = path.split('/');
  for (const route of API_ROUTES) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (
      pattern.length === segments.length &&
      pattern.every((p, i) => p.startsWith('{') || p === segments[i])
    ) {
      return `${route.method} ${route.path}`;
    }
  }
  const key = `${method} ${path}`;
  return DEV_ROUTES.includes(key) ? key : `${method} (other)`;
}

export type ServerTimingSink = (route: string, ms: number, status: number) => void;

let serverSink: ServerTimingSink = () => undefined;

/** Where server-side request timings go from now on. */
export function onServerTiming(sink: ServerTimingSink): void {
  serverSink = sink;
}

let instrumented = false;
function instrumentHttpServer(): void {
  if (instrumented) return;
  instrumented = true;
  const original = http.createServer;
  const wrap =
    (listener: RequestListener): RequestListener =>
    (req: IncomingMessage, res: ServerResponse) => {
      const route = routeOf(req.method, req.url);
      const started = performance.now();
      res.once('finish', () => serverSink(route, performance.now() - started, res.statusCode));
      requestScope.run({ route }, () => listener(req, res));
    };
  // biome-ignore lint/suspicious/noExplicitAny: createServer's overloads
  (http as any).createServer = (...args: any[]) => {
    const index = args.findIndex((a) => typeof a === 'function');
    if (index >= 0) args[index] = wrap(args[index]);
    return original.apply(http, args as Parameters<typeof original>);
  };
  syncBuiltinESMExports();
}

export interface BenchRuntime {
  runtime: LocalRuntime;
  client: BenchClient;
  usage: AwsUsage;
  stop(): Promise<void>;
  /**
   * A session in step 2 (both joined, terms v0 accepted), prepared without polling: the runtime is
   * settled in-process where the stream must have delivered something. With `claimantNumber`, the
   * claimant's number is in and evaluated.
   */
  prepareSession(options?: { claimantNumber?: boolean; tag?: string }): Promise<PreparedSession>;
}

export interface PreparedSession {
  id: string;
  claimant: Person;
  respondent: Person;
}

export async function startBenchRuntime(): Promise<BenchRuntime> {
  instrumentHttpServer();
  const usage = new AwsUsage();
  const unwrapSealer = usage.wrapLocalSealer();
  const dataDir = mkdtempSync(join(tmpdir(), 'backchannel-bench-'));
  const port = await freePort();
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({ port, webPort: 0, dataDir });
  } catch (error) {
    unwrapSealer();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  // The handlers' SDK clients exist now (made when their modules loaded): count their requests.
  const stopCounting = countRequests(usage.counter);
  const client = new BenchClient(runtime.url);

  const prepareSession = async ({ claimantNumber = false, tag = 'prep' } = {}): Promise<PreparedSession> => {
    const addresses = benchAddresses(tag);
    const [claimant, respondent] = await Promise.all([
      client.person(addresses.claimant),
      client.person(addresses.respondent),
    ]);
    const id = await client.createSession(claimant, respondent.email);
    await runtime.settle();
    const token = (await client.invitationTokens(respondent.email)).at(-1);
    if (!token) throw new Error('no invitation email after settle()');
    await client.acceptInvitation(respondent, token);
    await client.acceptTerms(id, claimant);
    await client.acceptTerms(id, respondent);
    if (claimantNumber) await client.submit(id, claimant, DEMAND);
    await runtime.settle();
    return { id, claimant, respondent };
  };

  return {
    runtime,
    client,
    usage,
    prepareSession,
    async stop() {
      try {
        await runtime.stop();
      } finally {
        stopCounting();
        unwrapSealer();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
