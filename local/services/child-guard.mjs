#!/usr/bin/env node
/**
 * `node child-guard.mjs <command> [args…]`: runs the command as its only child and makes sure it
 * never outlives the process that started this guard (the local runtime).
 *
 * The runtime starts the guard in a process group of its own (so a Ctrl-C in the terminal reaches
 * the runtime alone, which then stops its services in order) with stdin a pipe. When that pipe
 * closes, the runtime is gone, however it died (even SIGKILL): the child gets SIGTERM, then
 * SIGKILL after 5 s. SIGTERM, SIGINT and SIGHUP sent to the guard are passed on to the child; the
 * guard exits when the child does, with its status. Its first line on stdout is
 * `[guard] pid <child pid>`.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node child-guard.mjs <command> [args…]');
  process.exit(2);
}

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let killTimer;

function stopChild(signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  killTimer ??= setTimeout(() => child.kill('SIGKILL'), 5_000);
}

child.once('spawn', () => console.log(`[guard] pid ${child.pid}`));
child.once('error', (error) => {
  console.error(`[guard] cannot start ${command}: ${error.code ?? error.name}`);
  process.exit(127);
});
child.once('exit', (code, signal) => {
  clearTimeout(killTimer);
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => stopChild(signal === 'SIGHUP' ? 'SIGTERM' : signal));
}
// The parent's end of the pipe closed: it exited.
process.stdin.on('end', () => stopChild('SIGTERM'));
process.stdin.on('error', () => stopChild('SIGTERM'));
process.stdin.resume();
