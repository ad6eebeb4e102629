/**
 * The whole backend on one machine (docs/dev-routes.md): the same handler code behind the same routes, on
 * DynamoDB Local with its real stream feeding match and notify, a local sealer, the local SES v2
 * endpoint, and timers kept in the table and fired on the business clock; and the web app.
 *
 * State lives under `dataDir` (git-ignored `.local/` by default) and survives a restart:
 * DynamoDB Local's files (with its stream), the stream poller's checkpoints, the sealer and token
 * signing keys, the business clock's offset and the mail journal.
 *
 * The parts, one file each: environment.ts (what the handlers are given), dev-routes.ts
 * (`/dev/token`, `/dev/clock`, `/dev/emails`), ticker.ts (timers, clock, reconciler), web-app.ts
 * (the built web app and its config.json), services/ (DynamoDB Local, its stream poller, local SES,
 * the HTTP gateway, JWTs).
 *
 * `stop()` shuts down in an order that loses nothing: stop taking requests; let the work in
 * flight end, abandoning what fails without moving a stream checkpoint (it is delivered again at
 * the next start); then local SES (its mail is on disk already) and DynamoDB Local last. The
 * services run in process groups of their own, so a Ctrl-C in the terminal reaches this process
 * alone and this order holds.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { API_ROUTES, type ApiFunctionName } from '../shared/http/routes';
import { businessClock } from '../shared/runtime/clock';
import { STREAM_FILTERS } from '../shared/table/definition';
import { devRoutes } from './dev-routes';
import {
  applyHandlerEnvironment,
  dataDirs,
  isWildcard,
  publicHost,
  TABLE_NAME,
  urlHost,
} from './environment';
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from './services/dynamodb-local';
import { type ApiHandler, createGateway } from './services/http-gateway';
import { LocalIdentityProvider } from './services/jwt';
import { lambdaContext } from './services/lambda-context';
import { assertPortFree, PortInUseError } from './services/process';
import { type SesLocal, startSesLocal } from './services/ses-local';
import { StreamPoller } from './services/stream-poller';
import { loadClockOffset, Ticker } from './ticker';
import { createWebApp } from './web-app';

export { TABLE_NAME } from './environment';

const repoRoot = resolve(import.meta.dirname, '..');
/** How long a stop waits for requests in flight before it closes their connections. */
const REQUEST_GRACE_MS = 10_000;

export interface LocalRuntimeOptions {
  /** API port (default 3000). */
  port?: number;
  /** Address the API, the web app and the mail viewer listen on (default 127.0.0.1). */
  host?: string;
  /** Web app port (default port + 1; 0: any free port). */
  webPort?: number;
  /** The built web app (default web/dist in the repository). */
  webDistDir?: string;
  /**
   * The port of Vite's dev server (`npm run dev:web`, default 5173): its origin on this host may
   * call the API too.
   */
  devWebPort?: number;
  /** Where every link in an email points (default: the web app's URL). */
  appUrl?: string;
  /** Where state is kept (default `.local/` in the repository). */
  dataDir?: string;
  /** Mail viewer port (default: a free one). */
  mailPort?: number;
  /** Log the stream poller's and handlers' chatter (default false). */
  verbose?: boolean;
  /**
   * DynamoDB Local's JVM options (default: its fast-start options). Load tests pass `[]` for the
   * JVM's defaults: slower to start, much faster under sustained contention.
   */
  dynamoJvmArgs?: string[];
}

export interface LocalRuntime {
  url: string;
  /** The web app (`http://<host>:<webPort>`). */
  webUrl: string;
  mailUrl: string;
  dynamoEndpoint: string;
  /** Processes every effect now due (stream records, timers) in time order, then resolves. */
  settle(): Promise<void>;
  stop(): Promise<void>;
  /** The local SES process (fault tests: `pause()` is "SES is down", `resume()` brings it back). */
  ses: SesLocal;
  /** The DynamoDB Local process as started (fault tests kill it by `pid` and restart it on `port`). */
  dynamo: DynamoDbLocal;
}

function listen(service: string, server: Server, port: number, host: string): Promise<number> {
  return new Promise((ok, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'EADDRINUSE' ? new PortInUseError(service, port) : error),
    );
    server.listen(port, host, () => ok((server.address() as AddressInfo).port));
  });
}

/** Stops accepting connections; resolves once the requests in flight ended (or `graceMs` passed). */
function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((ok) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    // A kept-alive connection whose request just ended would hold the close for seconds.
    const idle = setInterval(() => server.closeIdleConnections(), 25);
    server.close(() => {
      clearTimeout(timer);
      clearInterval(idle);
      ok();
    });
    server.closeIdleConnections();
  });
}

/** `example.test:3001` → `example.test`, `[::1]:3001` → `[::1]`. */
function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The origins that may call the API: the web app's and Vite's dev server's. Listening on every
 * interface, any host name on those ports (a browser may use any of this machine's names).
 */
function webOrigins(host: string, ...ports: number[]): (string | RegExp)[] {
  if (isWildcard(host)) return ports.map((port) => new RegExp(`^https?://[^/]+:${port}$`));
  const hosts = host === '127.0.0.1' ? [host, 'localhost'] : [urlHost(host)];
  return ports.flatMap((port) => hosts.map((name) => `http://${name}:${port}`));
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 3000;
  const dirs = dataDirs(resolve(options.dataDir ?? join(repoRoot, '.local')));
  await assertPortFree('the API', port, host);
  const webPortWanted = options.webPort ?? port + 1;
  if (webPortWanted !== 0) await assertPortFree('the web app', webPortWanted, host);

  // Run in reverse order by stop(), each one once. Work that must end before the services stop
  // is registered after them, so it is stopped before them.
  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const s of stops.reverse()) await s().catch(() => undefined);
      stops.length = 0;
    })();
    return stopping;
  };
  try {
    const [dynamo, ses] = await Promise.all([
      startDynamoDbLocal({
        dataDir: dirs.db,
        ...(options.dynamoJvmArgs ? { jvmArgs: options.dynamoJvmArgs } : {}),
      }),
      startSesLocal({
        host,
        ...(options.mailPort ? { port: options.mailPort } : {}),
        archiveFile: join(dirs.state, 'mail.jsonl'),
        legacyArchiveFile: join(dirs.state, 'mail.json'),
      }),
    ]);
    stops.push(
      () => dynamo.stop(),
      () => ses.stop(),
    );

    // The web app's server is bound first: its port is part of the API's CORS and of APP_URL.
    const web = createServer();
    const webPort = await listen('the web app', web, webPortWanted, host);
    stops.push(() => closeServer(web, 1_000));
    const url = `http://${urlHost(publicHost(host))}:${port}`;
    const webUrl = `http://${urlHost(publicHost(host))}:${webPort}`;
    web.on(
      'request',
      createWebApp({
        distDir: options.webDistDir ?? join(repoRoot, 'web', 'dist'),
        // Listening on every interface, the API is where the browser found the web app.
        config: isWildcard(host)
          ? (req) => ({
              apiUrl: `http://${hostnameOf(req.headers.host) ?? publicHost(host)}:${port}`,
              signIn: 'local',
            })
          : { apiUrl: url, signIn: 'local' },
      }),
    );

    applyHandlerEnvironment({
      dirs,
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      appUrl: options.appUrl ?? webUrl,
      verbose: options.verbose ?? false,
    });
    await ensureTable(
      new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      TABLE_NAME,
    );
    loadClockOffset(join(dirs.state, 'clock.json'));

    const [api, submitNumber, ownNumber, rooms, calendar, match, notify, phaseTimer, reconciler, deps] =
      await Promise.all([
        import('../functions/api/index'),
        import('../functions/submit-number/index'),
        import('../functions/own-number/index'),
        import('../functions/rooms/index'),
        import('../functions/calendar/index'),
        import('../functions/match/index'),
        import('../functions/notify/index'),
        import('../functions/phase-timer/index'),
        import('../functions/reconciler/index'),
        import('../shared/runtime/dependencies'),
      ]);
    const apiHandlers: Record<ApiFunctionName, ApiHandler> = {
      api: api.handler as unknown as ApiHandler,
      'submit-number': submitNumber.handler as unknown as ApiHandler,
      'own-number': ownNumber.handler as unknown as ApiHandler,
      rooms: rooms.handler as unknown as ApiHandler,
      calendar: calendar.handler as unknown as ApiHandler,
    };
    type StreamFn = (event: DynamoDBStreamEvent, context: Context) => Promise<never>;

    const quiet = {
      info: () => undefined,
      warn: (m: string) => console.warn(`[stream] ${m}`),
      error: (m: string) => console.error(`[stream] ${m}`),
    };
    const poller = new StreamPoller({
      tableName: TABLE_NAME,
      endpoint: dynamo.endpoint,
      checkpointFile: join(dirs.state, 'stream-checkpoints.json'),
      idleDelayMs: 25,
      ...(options.verbose ? {} : { logger: quiet }),
      consumers: [
        {
          name: 'match',
          filters: STREAM_FILTERS.match,
          handler: match.handler as unknown as StreamFn,
          batchSize: 10,
        },
        {
          name: 'notify',
          filters: STREAM_FILTERS.notify,
          handler: notify.handler as unknown as StreamFn,
          batchSize: 10,
        },
      ],
    });
    poller.start();
    stops.push(() => poller.stop());

    const ticker = new Ticker({
      poller,
      timers: deps.localTimer(),
      clockFile: join(dirs.state, 'clock.json'),
      fireTimer: (next) =>
        (phaseTimer.handler as unknown as (e: unknown, c: Context) => Promise<unknown>)(
          { sessionId: next.sessionId, event: next.event, name: next.name },
          lambdaContext('phase-timer'),
        ),
      reconcile: () => reconciler.handler(undefined, lambdaContext('reconciler', { timeoutMs: 60_000 })),
    });
    ticker.start();
    // A tick in flight drains the stream (match and notify run): it ends before the poller, the
    // SES endpoint and DynamoDB Local stop.
    stops.push(() => ticker.stop());

    const identity = await LocalIdentityProvider.fromKeyFile(join(dirs.keys, 'token-signing.jwk.json'));
    const server: Server = createServer(
      createGateway({
        routes: API_ROUTES.map((r) => ({
          method: r.method,
          path: r.path,
          handler: apiHandlers[r.fn],
          name: r.fn,
        })),
        identity,
        devRoutes: devRoutes({
          identity,
          advanceClock: (seconds) => ticker.advanceClock(seconds),
          readEmails: (to) => ses.readEmails(to),
        }),
        cors: { allowOrigin: webOrigins(host, webPort, options.devWebPort ?? 5173) },
        clock: businessClock,
      }),
    );
    await listen('the API', server, port, host);
    // First of all on stop: no new request; the stream stops starting batches at once (one that
    // fails now is abandoned, not given up on), then the requests in flight end.
    stops.push(async () => {
      poller.beginStop();
      await closeServer(server, REQUEST_GRACE_MS);
    });

    return {
      url,
      webUrl,
      mailUrl: ses.endpoint,
      dynamoEndpoint: dynamo.endpoint,
      settle: () => ticker.settle(),
      stop,
      ses,
      dynamo,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
