/**
 * The whole backend on one machine (SPEC §6): the same handler code behind the same routes, on
 * DynamoDB Local with its real stream feeding match and notify, a local sealer, the local SES v2
 * endpoint, and timers kept in the table and fired on the business clock.
 *
 * State lives under `dataDir` (git-ignored `.local/` by default) and survives a restart:
 * DynamoDB Local's files (with its stream), the stream poller's checkpoints, the sealer and token
 * signing keys, the business clock's offset and the mail archive.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  Context,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { API_ROUTES, type ApiFunctionName } from '../shared/http/routes';
import { businessClock, clockOffset, setClockOffset } from '../shared/runtime/clock';
import { STREAM_FILTERS } from '../shared/table/definition';
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from './services/dynamodb-local';
import { type ApiHandler, createGateway, type DevRoute } from './services/http-gateway';
import { LocalIdentityProvider } from './services/jwt';
import { lambdaContext } from './services/lambda-context';
import { assertPortFree } from './services/process';
import { type SesLocal, startSesLocal } from './services/ses-local';
import { StreamPoller } from './services/stream-poller';

export const TABLE_NAME = 'backchannel-local';
const RECONCILE_EVERY_MS = 60_000;

export interface LocalRuntimeOptions {
  /** API port (default 3000). */
  port?: number;
  host?: string;
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

const json = (statusCode: number, body: unknown): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

const devError = (statusCode: number, code: string, message: string) =>
  json(statusCode, { error: { code, message } });

function parseDevBody(event: APIGatewayProxyEventV2): Record<string, unknown> | null {
  try {
    const body = JSON.parse(event.body ?? '') as unknown;
    return body && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Serializes work that must not interleave (timer firing and clock moves). */
function mutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 3000;
  const dataDir = resolve(options.dataDir ?? join(import.meta.dirname, '..', '.local'));
  const dirs = { db: join(dataDir, 'db'), keys: join(dataDir, 'keys'), state: join(dataDir, 'state') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  await assertPortFree('the API', port, host);

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const [dynamo, ses] = await Promise.all([
      startDynamoDbLocal({
        dataDir: dirs.db,
        ...(options.dynamoJvmArgs ? { jvmArgs: options.dynamoJvmArgs } : {}),
      }),
      startSesLocal({
        ...(options.mailPort ? { port: options.mailPort } : {}),
        archiveFile: join(dirs.state, 'mail.json'),
      }),
    ]);
    stops.push(
      () => dynamo.stop(),
      () => ses.stop(),
    );

    // The same handlers as on AWS; only the environment differs (shared/runtime/dependencies.ts).
    Object.assign(process.env, {
      TABLE_NAME,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SES_ENDPOINT: ses.endpoint,
      LOCAL_SEALER_KEY_FILE: join(dirs.keys, 'sealer.key'),
      FINGERPRINT_KEY_FILE: join(dirs.keys, 'fingerprint.key'),
      INVITATION_KEY_FILE: join(dirs.keys, 'invitation.key'),
      SENDER_EMAIL: process.env.SENDER_EMAIL ?? 'no-reply@backchannel.local',
      APP_URL: process.env.APP_URL ?? `http://${host}:${port}`,
      TIMER_MODE: 'local',
      STAGE: 'local',
      LOG_LEVEL: process.env.LOG_LEVEL ?? (options.verbose ? 'INFO' : 'WARN'),
      POWERTOOLS_DEV: 'false',
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    });
    await ensureTable(
      new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      TABLE_NAME,
    );

    // The business clock: real time + an offset that survives restarts.
    const clockFile = join(dirs.state, 'clock.json');
    try {
      setClockOffset((JSON.parse(readFileSync(clockFile, 'utf8')) as { offsetMs: number }).offsetMs);
    } catch {
      setClockOffset(0);
    }

    const [api, submitNumber, ownNumber, match, notify, phaseTimer, reconciler, deps] = await Promise.all([
      import('../functions/api/index'),
      import('../functions/submit-number/index'),
      import('../functions/own-number/index'),
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

    // Local timers: items in the table, fired on the business clock in time order.
    const timers = deps.localTimer();
    const exclusive = mutex();
    const fireDue = async (): Promise<void> => {
      await poller.drain();
      for (;;) {
        const [next] = await timers.due(businessClock());
        if (!next) return;
        await (phaseTimer.handler as unknown as (e: unknown, c: Context) => Promise<unknown>)(
          { sessionId: next.sessionId, event: next.event, name: next.name },
          lambdaContext('phase-timer'),
        );
        await timers.complete(next.name);
        await poller.drain();
      }
    };
    const settle = () => exclusive(fireDue);
    // The reconciler, as on AWS (every 5 minutes there; every minute of real time here, and once at
    // start so a restart catches up): it re-drives what the stream gave up on, so no email is lost.
    let lastReconcile = 0;
    const reconcileIfDue = async () => {
      if (Date.now() - lastReconcile < RECONCILE_EVERY_MS) return;
      lastReconcile = Date.now();
      await exclusive(async () => {
        await reconciler
          .handler(undefined, lambdaContext('reconciler', { timeoutMs: 60_000 }))
          .catch((error: unknown) => {
            console.error(`[reconciler] ${(error as Error).message}`);
          });
        await fireDue();
      });
    };
    let ticking = true;
    let wakeTick: (() => void) | undefined;
    const tick = async () => {
      while (ticking) {
        await settle().catch((error: unknown) => console.error(`[timers] ${(error as Error).name}`));
        if (!ticking) break;
        await reconcileIfDue().catch((error: unknown) =>
          console.error(`[reconciler] ${(error as Error).name}`),
        );
        if (!ticking) break;
        await new Promise<void>((r) => {
          wakeTick = r;
          setTimeout(r, 500);
        });
      }
    };
    const ticker = tick();
    // Stopping waits for a tick in flight: its drain invokes match and notify, which must not
    // run while the poller, the SES endpoint and DynamoDB Local are being stopped after it.
    stops.push(async () => {
      ticking = false;
      wakeTick?.();
      await ticker;
    });

    const identity = await LocalIdentityProvider.fromKeyFile(join(dirs.keys, 'token-signing.jwk.json'));
    const devRoutes: DevRoute[] = [
      {
        method: 'POST',
        path: '/dev/token',
        handler: async (event) => {
          const body = parseDevBody(event);
          const email = typeof body?.email === 'string' ? body.email.trim() : '';
          if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || Object.keys(body ?? {}).length !== 1) {
            return devError(400, 'invalid_input', 'Body must be {"email": "<address>"}.');
          }
          return json(200, { token: await identity.issueToken(email) });
        },
      },
      {
        method: 'POST',
        path: '/dev/clock',
        handler: async (event) => {
          const body = parseDevBody(event);
          const seconds = body?.advanceSeconds;
          if (
            typeof seconds !== 'number' ||
            !Number.isFinite(seconds) ||
            seconds < 0 ||
            Object.keys(body ?? {}).length !== 1
          ) {
            return devError(400, 'invalid_input', 'Body must be {"advanceSeconds": <number ≥ 0>}.');
          }
          await exclusive(async () => {
            // Effects already due before the move come first, at the time they were due: a
            // number accepted before a deadline is evaluated before the clock passes it.
            await fireDue();
            setClockOffset(clockOffset() + Math.round(seconds * 1000));
            writeFileSync(clockFile, JSON.stringify({ offsetMs: clockOffset() }));
            await fireDue();
          });
          return json(200, { now: new Date(businessClock()).toISOString().replace(/\.\d{3}Z$/, 'Z') });
        },
      },
      {
        method: 'GET',
        path: '/dev/emails',
        handler: async (event) => {
          const to = event.queryStringParameters?.to;
          const emails = await ses.readEmails(to);
          return json(200, {
            emails: emails.map(({ to, subject, text, html, sentAt }) => ({
              to,
              subject,
              text,
              html,
              sentAt,
            })),
          });
        },
      },
    ];
    const server: Server = createServer(
      createGateway({
        routes: API_ROUTES.map((r) => ({
          method: r.method,
          path: r.path,
          handler: apiHandlers[r.fn],
          name: r.fn,
        })),
        identity,
        devRoutes,
      }),
    );
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => ok());
    });
    stops.push(
      () =>
        new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        }),
    );
    return {
      url: `http://${host}:${port}`,
      mailUrl: ses.endpoint,
      dynamoEndpoint: dynamo.endpoint,
      settle,
      stop,
      ses,
      dynamo,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
