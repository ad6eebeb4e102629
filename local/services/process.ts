/**
 * Helpers shared by the local services that run as child processes (DynamoDB Local, the local
 * SES endpoint): free ports, a clear error when a port is taken, waiting until a service answers,
 * and making sure no child outlives this process.
 *
 * Services are started in process groups of their own (`detached`), so a Ctrl-C in the terminal
 * (SIGINT to the whole foreground group) reaches the runtime alone: the runtime decides the order
 * of shutdown and stops them last. They still never outlive it: each watches a pipe from the
 * runtime (`guarded`) and exits when it closes, which happens however the runtime ends, SIGKILL
 * included. `spawnGuarded` wraps a command that cannot watch a pipe itself (Java) in
 * child-guard.mjs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A TCP port that was free a moment ago (the OS picks it: listen on port 0, then close). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

export class PortInUseError extends Error {
  constructor(
    readonly service: string,
    readonly port: number,
  ) {
    super(`${service}: port ${port} is already in use. Stop whatever listens there or choose another port.`);
    this.name = 'PortInUseError';
  }
}

/**
 * Throws PortInUseError when something already listens on the port. Without `host` it checks
 * every interface (what a server binding 0.0.0.0 or :: would need).
 */
export async function assertPortFree(service: string, port: number, host?: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(service, port) : error),
    );
    const close = () => server.close(() => resolve());
    if (host) server.listen(port, host, close);
    else server.listen(port, close);
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---- children that must not outlive this process -------------------------------------------

const children = new Set<ChildProcess>();
let hooksInstalled = false;

function killChildren(signal: NodeJS.Signals) {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' runs for process.exit() and a normal end; only synchronous work is possible there.
  process.on('exit', () => killChildren('SIGTERM'));
  // A signal's default action ends Node without 'exit'. If nobody else handles the signal, kill
  // the children, restore the default behaviour and re-raise it. When other listeners exist (a
  // graceful shutdown in local/start.ts), they decide, and process.exit() triggers 'exit'.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      // Killing them here too would pull DynamoDB Local and SES out from under the handlers a
      // graceful shutdown lets finish (failed sends, failed evaluations).
      if (process.listenerCount(signal) === 1) {
        killChildren('SIGTERM');
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

export interface ManagedChild {
  readonly child: ChildProcess;
  /** Everything the child printed so far (for error messages), capped. */
  output(): string;
  /** Resolves when the child has exited (immediately if it already has). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** A process group of its own: signals sent to this process's group do not reach it. */
  detached?: boolean;
  /**
   * Its stdin is a pipe from this process that nothing is written to; it closes when this
   * process ends, however it ends (the child watches for that to exit with it).
   */
  guarded?: boolean;
}

/**
 * Spawns a long-running child whose stdout/stderr are captured (not inherited) and that is killed
 * when this process exits. Rejects when the executable cannot be started (ENOENT…).
 */
export async function spawnManaged(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<ManagedChild> {
  installExitHooks();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.guarded ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  children.add(child);
  let stopping: Promise<void> | undefined;
  return {
    child,
    output: () => output,
    exited,
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

const GUARD = fileURLToPath(new URL('./child-guard.mjs', import.meta.url));

export interface GuardedChild extends ManagedChild {
  /** The guarded command's own pid (`child.pid` is the guard's). */
  readonly pid: number;
}

/**
 * Runs `command` under child-guard.mjs, in a process group of its own: out of reach of a Ctrl-C
 * meant for the runtime, and killed when the runtime ends, however it ends. Resolves once the
 * command runs; rejects with `{code: 'ENOENT'}` when it cannot be started.
 */
export async function spawnGuarded(
  command: string,
  args: string[],
  options: Omit<SpawnOptions, 'detached' | 'guarded'> = {},
): Promise<GuardedChild> {
  const managed = await spawnManaged(process.execPath, [GUARD, command, ...args], {
    ...options,
    detached: true,
    guarded: true,
  });
  const pid = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = /^\[guard\] pid (\d+)$/m.exec(seen);
      if (match) {
        managed.child.stdout?.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    managed.child.stdout?.on('data', onData);
    void managed.exited.then(() => {
      const code = /\[guard\] cannot start \S+: (\S+)/.exec(managed.output())?.[1];
      reject(Object.assign(new Error(`${command} could not be started (${code ?? 'exited'})`), { code }));
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    ...managed,
    pid,
    // SIGTERM to the guard, which passes it on; if the command outlives the grace period, SIGKILL
    // to the command itself (killing the guard instead would orphan it), and the guard follows.
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        const { child } = managed;
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (isAlive(pid)) process.kill(pid, 'SIGKILL');
        }, graceMs);
        await managed.exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** True when a process with this pid exists (and may be signalled by us). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `probe` until it resolves true, the child exits, or `timeoutMs` passes. Rejects with
 * `describe(output)` when the child died and with a timeout error otherwise.
 */
export async function waitUntilReady(
  service: string,
  managed: ManagedChild,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  describeExit: (output: string) => string = (output) => output,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void managed.exited.then(() => {
    dead = true;
  });
  while (Date.now() < deadline) {
    if (dead) throw new Error(`${service} exited before it was ready:\n${describeExit(managed.output())}`);
    if (await probe().catch(() => false)) return;
    await sleep(50);
  }
  await managed.stop();
  throw new Error(`${service} did not answer within ${timeoutMs} ms. Its output:\n${managed.output()}`);
}
