/**
 * globalSetup of the `e2e` project: the local runtime started exactly as a user starts it
 * (`local/start.ts` in a child process, as `npm start` does) on free ports with a fresh temporary
 * data folder. Tests read its URLs with `inject('apiUrl')` and `inject('webUrl')` and talk HTTP
 * only.
 *
 * `startRuntimeProcess` is exported for tests that need a runtime of their own (the restart and
 * Ctrl-C tests stop one and start it again on the same data folder).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { freePort, type ManagedChild, sleep, spawnManaged } from '../../local/services/process';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the runtime shared by every e2e test file. */
    apiUrl: string;
    /** The web app it serves (`http://127.0.0.1:<web port>`). */
    webUrl: string;
    /** Its BACKCHANNEL_DATA_DIR. */
    dataDir: string;
  }
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const READY = /Backchannel API on (http:\/\/\S+)/;
const WEB = /web app on (http:\/\/\S+)/;
const MAIL = /mail viewer on (http:\/\/\S+)/;
const START_TIMEOUT_MS = 60_000;

export interface RuntimeProcess {
  url: string;
  /** The web app's URL, from the startup line. */
  webUrl: string;
  /** The mail viewer's URL, from the startup line. */
  mailUrl: string;
  port: number;
  dataDir: string;
  pid: number;
  /** Everything the runtime printed so far (capped). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * SIGTERM (as Ctrl-C would), waits for the process to exit, then checks that no DynamoDB Local
   * started for this data folder is left behind. Idempotent.
   */
  stop(): Promise<void>;
}

/** A fresh, empty data folder for a runtime. */
export const freshDataDir = (label = 'e2e') => mkdtempSync(join(tmpdir(), `backchannel-${label}-`));

/** The pids of DynamoDB Local processes whose `-dbPath` lies inside `dataDir`. */
export function dynamoDbLocalPids(dataDir: string): number[] {
  const listing = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return listing
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-dbPath ${dataDir}`))
    .map((line) => Number.parseInt(line.trim(), 10));
}

/**
 * Spawns `node --import tsx local/start.ts` with PORT and BACKCHANNEL_DATA_DIR, and resolves with
 * the URL from its readiness line. Rejects (with the child's output) when it exits first or is
 * not ready within 60 s.
 */
export async function startRuntimeProcess(options: {
  dataDir: string;
  port?: number;
  /** More environment (HOST, MAIL_PORT, WEB_DIST_DIR…). WEB_PORT defaults to a free port. */
  env?: NodeJS.ProcessEnv;
  /**
   * A process group of its own, as in a terminal: `process.kill(-pid, 'SIGINT')` is then what a
   * Ctrl-C does (the signal reaches every process of the group).
   */
  processGroup?: boolean;
}): Promise<RuntimeProcess> {
  const port = options.port ?? (await freePort());
  const { dataDir } = options;
  const webPort = options.env?.WEB_PORT ?? String(await freePort());
  const managed: ManagedChild = await spawnManaged(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      WEB_PORT: webPort,
      BACKCHANNEL_DATA_DIR: dataDir,
      NODE_NO_WARNINGS: '1',
      ...options.env,
    },
    detached: options.processGroup ?? false,
  });
  // What goes wrong inside (a failing stream consumer, a timer error) is printed on stderr: show it.
  managed.child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim()) process.stderr.write(`[runtime :${port}] ${line}\n`);
    }
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await managed.stop(15_000);
      // DynamoDB Local is a grandchild: the runtime must have stopped it before exiting.
      for (let i = 0; i < 50 && dynamoDbLocalPids(dataDir).length > 0; i++) await sleep(100);
      const orphans = dynamoDbLocalPids(dataDir);
      if (orphans.length > 0) {
        for (const pid of orphans) process.kill(pid, 'SIGKILL');
        throw new Error(
          `The runtime exited but left DynamoDB Local running (pids ${orphans.join(', ')}; killed now).`,
        );
      }
    })();
    return stopping;
  };

  const ready = await new Promise<{ url: string; webUrl: string; mailUrl: string }>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      reject(
        new Error(
          `The local runtime printed no readiness line within ${START_TIMEOUT_MS / 1000} s. Its output:\n${managed.output()}`,
        ),
      );
    }, START_TIMEOUT_MS);
    managed.child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const line = seen.split('\n').find((l) => READY.test(l) && l.includes('Ctrl-C'));
      const url = line && READY.exec(line)?.[1];
      if (line && url) {
        clearTimeout(timer);
        resolve({ url, webUrl: WEB.exec(line)?.[1] ?? '', mailUrl: MAIL.exec(line)?.[1] ?? '' });
      }
    });
    void managed.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `The local runtime exited (code ${code}, signal ${signal}) before it was ready. Its output:\n${managed.output()}`,
        ),
      );
    });
  }).catch(async (error: unknown) => {
    await stop().catch(() => undefined);
    throw error;
  });

  return {
    ...ready,
    port,
    dataDir,
    pid: managed.child.pid ?? 0,
    output: managed.output,
    exited: managed.exited,
    stop,
  };
}

export default async function setup(project: TestProject) {
  const dataDir = freshDataDir();
  const runtime = await startRuntimeProcess({ dataDir });
  project.provide('apiUrl', runtime.url);
  project.provide('webUrl', runtime.webUrl);
  project.provide('dataDir', dataDir);
  return async () => {
    try {
      await runtime.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
