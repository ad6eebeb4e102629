/**
 * The local SES v2 endpoint (`aws-ses-v2-local`, run by ses-server.mjs) as a child process, and
 * the mail it received.
 *
 * Every email SES accepts is appended to a journal file before SES answers (ses-server.mjs), and
 * read from there, in memory and indexed by recipient (mail-journal.ts). So mail survives
 * anything: the service stopped or paused ("SES is down"), killed, or the runtime killed with it.
 * With `archiveFile` the journal is that file and survives `npm start` restarts; without, it is a
 * temporary file removed by `stop()`. The built-in web viewer at `/` shows the same mail.
 *
 * The child runs in a process group of its own (a Ctrl-C meant for the runtime does not reach it)
 * and exits when the runtime does, however the runtime ends.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bareAddress,
  convertArrayArchive,
  type LocalEmail,
  MailJournal,
  type SesStoreEmail,
  toLocalEmail,
} from './mail-journal';
import { assertPortFree, freePort, type ManagedChild, spawnManaged, waitUntilReady } from './process';

export type { LocalEmail, SesStoreEmail } from './mail-journal';
export { toLocalEmail } from './mail-journal';

export interface SesLocalOptions {
  /** Default: a free port. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Keep mail across restarts of this process in this file (JSON lines, append-only). */
  archiveFile?: string;
  /**
   * An earlier version's archive (one JSON array): taken over as `archiveFile` when that does
   * not exist yet.
   */
  legacyArchiveFile?: string;
  startTimeoutMs?: number;
}

export interface SesLocal {
  /** `http://<host>:<port>`: the SESv2Client endpoint, and the web viewer at `/`. */
  endpoint: string;
  port: number;
  /** Mail received so far, oldest first; `to` filters (case-insensitive) on To, Cc and Bcc. */
  readEmails(to?: string): Promise<LocalEmail[]>;
  /** Forgets all mail (the journal gets a `cleared` line; the viewer empties too). */
  clear(): Promise<void>;
  /** Simulates "SES is down": kills the process (connection refused). Mail is kept. */
  pause(): Promise<void>;
  /** Starts it again on the same port after pause(). */
  resume(): Promise<void>;
  /** pause() + resume(). */
  restart(): Promise<void>;
  readonly running: boolean;
  /** The process's pid while it runs. */
  readonly pid: number | undefined;
  /** Stops the process (idempotent); mail is already on disk. */
  stop(): Promise<void>;
}

const NEWLINE = Buffer.from('\n');
const SERVER = fileURLToPath(new URL('./ses-server.mjs', import.meta.url));

/** Fetches aws-ses-v2-local's raw store (`GET /store`). */
export async function fetchSesStore(endpoint: string): Promise<SesStoreEmail[]> {
  const response = await fetch(`${endpoint}/store`);
  if (!response.ok) throw new Error(`local SES: GET /store answered ${response.status}`);
  return ((await response.json()) as { emails: SesStoreEmail[] }).emails;
}

/** Keeps the emails sent to `to` (To, Cc or Bcc; case-insensitive), or all without `to`. */
export function filterByRecipient(emails: SesStoreEmail[], to?: string): SesStoreEmail[] {
  const wanted = to ? bareAddress(to) : undefined;
  if (!wanted) return emails;
  return emails.filter((email) =>
    [...email.destination.to, ...email.destination.cc, ...email.destination.bcc].some(
      (address) => bareAddress(address) === wanted,
    ),
  );
}

/** The mail a running local SES holds, mapped for `/dev/emails` (used by tests and other processes). */
export async function readSesEmails(endpoint: string, to?: string): Promise<LocalEmail[]> {
  return filterByRecipient(await fetchSesStore(endpoint), to).map(toLocalEmail);
}

export async function startSesLocal(options: SesLocalOptions = {}): Promise<SesLocal> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  // Listening on every interface, it is reached on the loopback.
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const endpoint = `http://${reach.includes(':') ? `[${reach}]` : reach}:${port}`;
  const scratch = options.archiveFile ? undefined : mkdtempSync(join(tmpdir(), 'backchannel-ses-'));
  const file = options.archiveFile ?? join(scratch as string, 'mail.jsonl');
  mkdirSync(dirname(file), { recursive: true });
  if (options.legacyArchiveFile && existsSync(options.legacyArchiveFile) && !existsSync(file)) {
    renameSync(options.legacyArchiveFile, file);
  }
  convertArrayArchive(file);
  // A torn last line (a machine crash mid-write) must not swallow the next email.
  if (existsSync(file) && statSync(file).size > 0 && !readFileSync(file).subarray(-1).equals(NEWLINE)) {
    appendFileSync(file, '\n');
  }
  const journal = new MailJournal(file);
  let managed: ManagedChild | undefined;

  async function launch() {
    await assertPortFree('local SES', port, host);
    const child = await spawnManaged(
      process.execPath,
      [SERVER, '--port', String(port), '--host', host, '--journal', file],
      { detached: true, guarded: true },
    );
    try {
      await waitUntilReady(
        'local SES (aws-ses-v2-local)',
        child,
        async () => (await fetch(`${endpoint}/health-check`)).ok,
        options.startTimeoutMs ?? 15_000,
      );
    } catch (error) {
      await child.stop();
      throw error;
    }
    managed = child;
  }

  async function halt() {
    const current = managed;
    managed = undefined;
    await current?.stop();
  }

  await launch();

  return {
    endpoint,
    port,
    get running() {
      return managed !== undefined;
    },
    get pid() {
      return managed?.child.pid;
    },
    async readEmails(to) {
      return journal.read(to);
    },
    async clear() {
      if (managed) {
        const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
        if (!response.ok) throw new Error(`local SES: POST /clear-store answered ${response.status}`);
      } else {
        appendFileSync(file, `${JSON.stringify({ cleared: Date.now() })}\n`, { mode: 0o600 });
      }
    },
    pause: halt,
    async resume() {
      if (!managed) await launch();
    },
    async restart() {
      await halt();
      await launch();
    },
    async stop() {
      await halt();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}
