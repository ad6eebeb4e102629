/**
 * The local SES v2 endpoint (`aws-ses-v2-local`) as a child process, and a reader for the mail it
 * received.
 *
 * aws-ses-v2-local keeps mail in its process memory only: killing it loses its store. This
 * wrapper therefore snapshots the store before it stops the process (`pause()`, `restart()`,
 * `stop()`) into an archive, and `readEmails()` returns archive + live store, so mail survives a
 * simulated outage. With `archiveFile`, the archive is also written to disk on pause/stop and
 * read back on start, so it survives `npm start` restarts. Mail is lost only if this process dies
 * without stopping the service (SIGKILL). The built-in web viewer at `/` shows the live store
 * only (mail since the last (re)start).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { assertPortFree, freePort, spawnManaged, waitUntilReady } from './process';

/** One received email as the local runtime exposes it (`GET /dev/emails`). */
export interface LocalEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** When the local SES received it: real time (not the business clock), ISO 8601, to the second. */
  sentAt: string;
  from: string;
  messageId: string;
}

/** The shape of one entry of aws-ses-v2-local's `GET /store` → `{templates, emails: [...]}`. */
export interface SesStoreEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: unknown[];
  headers?: { name: string; value: string }[];
  /** Epoch seconds. */
  at: number;
}

export interface SesLocalOptions {
  /** Default: a free port. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Keep mail across restarts of this process in this JSON file. */
  archiveFile?: string;
  startTimeoutMs?: number;
}

export interface SesLocal {
  /** `http://127.0.0.1:<port>`: the SESv2Client endpoint, and the web viewer at `/`. */
  endpoint: string;
  port: number;
  /** Mail received so far, oldest first; `to` filters (case-insensitive) on To, Cc and Bcc. */
  readEmails(to?: string): Promise<LocalEmail[]>;
  /** Forgets all mail (archive and live store). */
  clear(): Promise<void>;
  /** Simulates "SES is down": snapshots the mail, then kills the process (connection refused). */
  pause(): Promise<void>;
  /** Starts it again on the same port after pause(). */
  resume(): Promise<void>;
  /** pause() + resume(). */
  restart(): Promise<void>;
  readonly running: boolean;
  /** Snapshots the mail (to archiveFile if set) and kills the process. Idempotent. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const CLI = join(dirname(require.resolve('aws-ses-v2-local')), 'cli.js');

/** `"Name" <a@b.example>` → `a@b.example`, lower-cased. */
function bareAddress(address: string): string {
  const angle = /<([^>]+)>/.exec(address);
  return (angle?.[1] ?? address).trim().toLowerCase();
}

export function toLocalEmail(email: SesStoreEmail): LocalEmail {
  return {
    to: email.destination?.to ?? [],
    subject: email.subject ?? '',
    text: email.body?.text ?? '',
    html: email.body?.html ?? '',
    sentAt: new Date(email.at * 1000).toISOString().replace('.000Z', 'Z'),
    from: email.from,
    messageId: email.messageId,
  };
}

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
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const archiveFile = options.archiveFile;
  let archive: SesStoreEmail[] =
    archiveFile && existsSync(archiveFile)
      ? (JSON.parse(readFileSync(archiveFile, 'utf8')) as SesStoreEmail[])
      : [];
  let managed: Awaited<ReturnType<typeof spawnManaged>> | undefined;

  async function launch() {
    await assertPortFree('local SES', port, host);
    const child = await spawnManaged(process.execPath, [CLI, '--port', String(port), '--host', host]);
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

  const liveStore = async () => (managed ? fetchSesStore(endpoint) : []);

  function saveArchive() {
    if (!archiveFile) return;
    mkdirSync(dirname(archiveFile), { recursive: true });
    writeFileSync(`${archiveFile}.tmp`, JSON.stringify(archive), { mode: 0o600 });
    renameSync(`${archiveFile}.tmp`, archiveFile);
  }

  async function halt() {
    if (!managed) return;
    const current = managed;
    archive = [...archive, ...(await liveStore().catch(() => []))];
    managed = undefined;
    await current.stop();
    saveArchive();
  }

  await launch();

  return {
    endpoint,
    port,
    get running() {
      return managed !== undefined;
    },
    async readEmails(to) {
      return filterByRecipient([...archive, ...(await liveStore())], to).map(toLocalEmail);
    },
    async clear() {
      archive = [];
      saveArchive();
      if (managed) await fetch(`${endpoint}/clear-store`, { method: 'POST' });
    },
    pause: halt,
    async resume() {
      if (!managed) await launch();
    },
    async restart() {
      await halt();
      await launch();
    },
    stop: halt,
  };
}
