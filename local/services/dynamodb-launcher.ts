/**
 * How DynamoDB Local is launched: which `java`, the loopback launcher, and the pid file that
 * makes sure no earlier DynamoDB Local still works on the same folder.
 *
 * - DynamoDB Local 1.25.1 has no option for the address it listens on (its Jetty server binds
 *   every interface). java/LoopbackDynamoDbLocal.java starts it bound to one address; it is
 *   compiled once with the JDK compiler module that `java` itself carries (`java -m
 *   jdk.compiler/...`, no `javac` needed) into the emulator folder. Where that module is missing
 *   (a JRE without it), DynamoDB Local starts as before, on every interface, with a warning.
 * - `<dbPath>/dynamodb-local.pid` names the running DynamoDB Local and its guard. A start first
 *   stops whatever that file names if it still runs on this folder (a leftover of a runtime that
 *   could not stop it): two DynamoDB Local on one -dbPath would corrupt it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, sleep } from './process';

const LAUNCHER_SOURCE = fileURLToPath(new URL('./java/LoopbackDynamoDbLocal.java', import.meta.url));
export const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';

/** `$JAVA_HOME/bin/java`, else `java` on PATH; undefined when there is none. */
export function findJava(): string | undefined {
  const home = process.env.JAVA_HOME;
  if (home && existsSync(join(home, 'bin', 'java'))) return join(home, 'bin', 'java');
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'java'))) return join(dir, 'java');
  }
  return undefined;
}

let warned = false;

/**
 * The folder holding the compiled loopback launcher (compiled on first use), or undefined when
 * it cannot be compiled here.
 */
export function loopbackLauncher(java: string, emulatorDir: string): string | undefined {
  const source = readFileSync(LAUNCHER_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = join(emulatorDir, `loopback-launcher-${hash}`);
  if (existsSync(join(dir, `${LAUNCHER_CLASS}.class`))) return dir;
  let work: string | undefined;
  try {
    work = mkdtempSync(join(emulatorDir, '.loopback-build-'));
    execFileSync(java, ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-d', work, LAUNCHER_SOURCE], {
      stdio: 'pipe',
      timeout: 60_000,
    });
    try {
      renameSync(work, dir);
    } catch {
      // Another start compiled it at the same time: theirs is as good.
    }
    return existsSync(join(dir, `${LAUNCHER_CLASS}.class`)) ? dir : undefined;
  } catch {
    if (!warned) {
      warned = true;
      console.warn(
        '[dynamodb] could not compile the loopback launcher (a Java without the jdk.compiler module, or a ' +
          'read-only emulator folder): DynamoDB Local listens on every interface. A full JDK 17 keeps it on ' +
          'the loopback.',
      );
    }
    return undefined;
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

// ---- the pid file -------------------------------------------------------------------------------

interface PidFile {
  pid: number;
  guardPid: number;
  dbPath: string;
}

const pidFileOf = (dbPath: string) => join(dbPath, 'dynamodb-local.pid');

/** The process's command line, or '' when it is gone or unreadable. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }
}

/**
 * Stops a DynamoDB Local (and its guard) that a pid file in `dbPath` names and that still runs on
 * `dbPath`: SIGTERM, then SIGKILL after 5 s. Returns the pids it stopped.
 */
export async function stopLeftover(dbPath: string): Promise<number[]> {
  let recorded: PidFile;
  try {
    recorded = JSON.parse(readFileSync(pidFileOf(dbPath), 'utf8')) as PidFile;
  } catch {
    return [];
  }
  const ours = (pid: number, marker: string) =>
    Number.isInteger(pid) && pid > 0 && isAlive(pid) && commandLine(pid).includes(marker);
  const leftovers = [
    ...(ours(recorded.pid, `-dbPath ${dbPath}`) ? [recorded.pid] : []),
    ...(ours(recorded.guardPid, 'child-guard.mjs') && ours(recorded.guardPid, `-dbPath ${dbPath}`)
      ? [recorded.guardPid]
      : []),
  ];
  for (const pid of leftovers) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5_000;
  while (leftovers.some(isAlive) && Date.now() < deadline) await sleep(50);
  for (const pid of leftovers.filter(isAlive)) process.kill(pid, 'SIGKILL');
  while (leftovers.some(isAlive)) await sleep(20);
  if (leftovers.length > 0) console.warn(`[dynamodb] stopped a DynamoDB Local left running on ${dbPath}`);
  return leftovers;
}

export function writePidFile(dbPath: string, pid: number, guardPid: number): void {
  const record: PidFile = { pid, guardPid, dbPath };
  writeFileSync(pidFileOf(dbPath), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/** Removes the pid file if it still names `pid` (a later start may have written its own). */
export function removePidFile(dbPath: string, pid: number): void {
  try {
    const recorded = JSON.parse(readFileSync(pidFileOf(dbPath), 'utf8')) as PidFile;
    if (recorded.pid === pid) unlinkSync(pidFileOf(dbPath));
  } catch {
    // gone already
  }
}
