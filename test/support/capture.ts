/**
 * Everything an attacker, an operator or a bug could see, captured from one in-process local
 * runtime (local/runtime.ts) so the security tests can look for submitted numbers in it:
 *
 * - every byte written to stdout and stderr and every console call (the handlers' Powertools
 *   logs at DEBUG, the gateway's and the stream poller's messages);
 * - every HTTP response the tests receive, with its status, headers and body, labelled with who
 *   asked;
 * - a full scan of the table, every record of its stream (read from TRIM_HORIZON with a
 *   separate reader, unfiltered), every email the local SES received, and the files of the data
 *   folder (DynamoDB Local's database file included: what a stolen disk or backup would hold).
 *
 * One runtime per test file (vitest isolates modules per file; the handlers read their
 * environment once). Tokens are minted with the runtime's own signing key file, so tests can
 * also mint expired and unverified ones; `LocalIdentityProvider.ephemeral()` gives a foreign key.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type AttributeValue, DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type LocalRuntime, startLocalRuntime, TABLE_NAME } from '../../local/runtime';
import { LocalIdentityProvider } from '../../local/services/jwt';
import { freePort } from '../../local/services/process';
import type { LocalEmail } from '../../local/services/ses-local';
import { dynamoDbLocalStreamsApi, type WireStreamRecord } from '../../local/services/stream-poller';
import { FileFingerprintKey } from '../../shared/adapters/fingerprint-key';
import { LocalSealer } from '../../shared/adapters/local-sealer';
import { InvitationTokens } from '../../shared/app/invitation-token';

// ---- output ------------------------------------------------------------------------------------

type Writer = typeof process.stdout.write;
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Records everything written to stdout/stderr and every console call. Nothing is echoed unless
 * SECURITY_ECHO=1 (the handlers log at DEBUG: too much for a test report).
 */
export class OutputCapture {
  private readonly chunks: string[] = [];
  private restore: (() => void) | undefined;

  install(): void {
    if (this.restore) return;
    const echo = process.env.SECURITY_ECHO === '1';
    const record = (chunk: unknown) => {
      this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    };
    const wrap = (stream: NodeJS.WriteStream): Writer => {
      const original = stream.write;
      return ((chunk: unknown, encodingOrCallback?: unknown, callback?: unknown) => {
        record(chunk);
        if (echo)
          return (original as (...args: unknown[]) => boolean).call(
            stream,
            chunk,
            encodingOrCallback,
            callback,
          );
        const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
        if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
        return true;
      }) as Writer;
    };
    const stdoutWrite = process.stdout.write;
    const stderrWrite = process.stderr.write;
    process.stdout.write = wrap(process.stdout);
    process.stderr.write = wrap(process.stderr);
    const consoleOriginals = CONSOLE_METHODS.map((name) => [name, console[name]] as const);
    for (const [name, original] of consoleOriginals) {
      console[name] = (...args: unknown[]) => {
        record(`${args.map((a) => (typeof a === 'string' ? a : safeInspect(a))).join(' ')}\n`);
        if (echo) (original as (...a: unknown[]) => void).apply(console, args);
      };
    }
    this.restore = () => {
      process.stdout.write = stdoutWrite;
      process.stderr.write = stderrWrite;
      for (const [name, original] of consoleOriginals) console[name] = original as never;
    };
  }

  uninstall(): void {
    this.restore?.();
    this.restore = undefined;
  }

  /** Everything captured so far. */
  text(): string {
    return this.chunks.join('');
  }

  /** How many characters were captured (to prove the capture saw something). */
  size(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }
}

function safeInspect(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ''}`;
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return String(value);
  }
}

// ---- amounts -------------------------------------------------------------------------------------

const group = (digits: string, separator: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);

/**
 * The ways an amount in minor units (two decimals) could be written: raw digits; grouped by
 * thousands with `,` `.` space, no-break spaces, `'` and `_`; major units with a decimal point,
 * with and without grouping, and the continental `1.234,56`.
 */
export function amountForms(amount: bigint | number): string[] {
  const digits = BigInt(amount).toString();
  const units = digits.length > 2 ? digits.slice(0, -2) : '0';
  const cents = digits.padStart(2, '0').slice(-2);
  return [
    ...new Set([
      digits,
      ...[',', '.', ' ', '\u00a0', '\u202f', "'", '_'].map((separator) => group(digits, separator)),
      `${units}.${cents}`,
      `${group(units, ',')}.${cents}`,
      `${group(units, '.')},${cents}`,
      `${group(units, ' ')},${cents}`,
      `${group(units, '\u00a0')},${cents}`,
    ]),
  ];
}

/** Every form of every amount found in `text`, described (`"5829174603" as "58,291,746.03"`). */
export function findAmounts(text: string, amounts: readonly (bigint | number)[]): string[] {
  return amounts.flatMap((amount) =>
    amountForms(amount)
      .filter((form) => text.includes(form))
      .map((form) => `${amount} as "${form}"`),
  );
}

/** Where in `text` the first form of `amount` sits, with context: for failure messages. */
export function contextOf(text: string, amount: bigint | number, width = 160): string {
  for (const form of amountForms(amount)) {
    const at = text.indexOf(form);
    if (at >= 0) return text.slice(Math.max(0, at - width), at + form.length + width);
  }
  return '';
}

/** JSON with binary values as base64 (so a stored ciphertext is searched as what a dump shows). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') {
      return Buffer.from((v as { data: number[] }).data).toString('base64');
    }
    return v;
  });
}

// ---- HTTP ------------------------------------------------------------------------------------------

/** Who sent a request: a label for reports and leak rules, and the caller's email (if a user). */
export interface Caller {
  label: string;
  email?: string;
  /** The bearer token; null sends none. */
  token: string | null;
}

export interface RecordedResponse {
  caller: Caller;
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a response body is whatever JSON the API sent.
  json: any;
}

export interface SendOptions {
  /** An object is sent as JSON; a string or Buffer as it is. */
  body?: unknown;
  /** Extra headers; an array value sends the header several times. */
  headers?: Record<string, string | string[]>;
  /** Do not add `content-type: application/json` (header abuse cases). */
  noContentType?: boolean;
  /** Send the body chunked, without content-length. */
  chunked?: boolean;
}

// ---- the runtime ---------------------------------------------------------------------------------

export interface CapturedRuntime {
  runtime: LocalRuntime;
  url: string;
  dataDir: string;
  output: OutputCapture;
  /** Every response received through `send`. */
  responses: RecordedResponse[];
  /** Tokens signed with the runtime's key (the same key `POST /dev/token` uses). */
  identity: LocalIdentityProvider;
  db: DynamoDBClient;
  /** A caller with a valid, verified token for `email`. */
  user(email: string, label?: string): Promise<Caller>;
  send(caller: Caller, method: string, path: string, options?: SendOptions): Promise<RecordedResponse>;
  /** Every item of the table, raw. */
  scan(): Promise<Record<string, AttributeValue>[]>;
  /** Every item of the table, unmarshalled. */
  items(): Promise<Record<string, unknown>[]>;
  /** Every record of the table's stream, from the beginning, unfiltered. */
  streamRecords(): Promise<WireStreamRecord[]>;
  /** Every email the local SES received (archive across outages included). */
  emails(to?: string): Promise<LocalEmail[]>;
  /** The files of the data folder except the key files: path → bytes. */
  dataFiles(): { path: string; bytes: Buffer }[];
  /** The invitation token for `email` in a session (derived as notify derives it for the email). */
  invitationToken(sessionId: string, email: string): Promise<string>;
  /** The local sealer with the runtime's key: the operator's view, for attributing seqs in tests. */
  sealer(): Promise<LocalSealer>;
  /** POST /dev/clock: moves the business clock and processes every effect now due. */
  advance(seconds: number): Promise<string>;
  settle(): Promise<void>;
  /** Something the test started beside the runtime (a restarted DynamoDB Local): stopped after it. */
  adopt(stop: () => Promise<void>): void;
  stop(): Promise<void>;
}

export interface CaptureOptions {
  /** Powertools log level of the handlers. Default DEBUG: the most a log could ever say. */
  logLevel?: string;
  /** Record stdout/stderr/console (default true). */
  captureOutput?: boolean;
  /** DynamoDB Local's JVM options (see LocalRuntimeOptions.dynamoJvmArgs). */
  dynamoJvmArgs?: string[];
}

export async function startCapturedRuntime(options: CaptureOptions = {}): Promise<CapturedRuntime> {
  const output = new OutputCapture();
  if (options.captureOutput !== false) output.install();
  process.env.LOG_LEVEL = options.logLevel ?? 'DEBUG';
  const dataDir = mkdtempSync(join(tmpdir(), 'backchannel-security-'));
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({
      port: await freePort(),
      webPort: 0,
      dataDir,
      verbose: true,
      ...(options.dynamoJvmArgs ? { dynamoJvmArgs: options.dynamoJvmArgs } : {}),
    });
  } catch (error) {
    output.uninstall();
    throw error;
  }
  const keys = join(dataDir, 'keys');
  const identity = await LocalIdentityProvider.fromKeyFile(join(keys, 'token-signing.jwk.json'));
  const db = new DynamoDBClient({
    endpoint: runtime.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
  const tokens = new InvitationTokens(new FileFingerprintKey(join(keys, 'invitation.key')));
  const responses: RecordedResponse[] = [];
  const url = runtime.url;
  let sealer: Promise<LocalSealer> | undefined;

  const send = (caller: Caller, method: string, path: string, opts: SendOptions = {}) =>
    new Promise<RecordedResponse>((resolve, reject) => {
      const raw =
        opts.body === undefined
          ? undefined
          : Buffer.isBuffer(opts.body)
            ? opts.body
            : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body), 'utf8');
      const headers: OutgoingHttpHeaders = {
        ...(raw !== undefined && !opts.noContentType ? { 'content-type': 'application/json' } : {}),
        ...(caller.token !== null ? { authorization: `Bearer ${caller.token}` } : {}),
        ...(raw !== undefined && !opts.chunked ? { 'content-length': raw.length } : {}),
        ...opts.headers,
      };
      let answered = false;
      const req = httpRequest(new URL(path, url), { method, headers }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : String(value);
          }
          const recorded: RecordedResponse = {
            caller,
            method,
            path,
            status: res.statusCode ?? 0,
            headers: flat,
            text,
            json,
          };
          responses.push(recorded);
          resolve(recorded);
        });
        res.on('error', reject);
      });
      // A server that answers early (413) may close while the body is still being written: the
      // answer counts, the write error does not.
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
      if (raw !== undefined && opts.chunked) {
        // Several chunks, so the gateway sees a stream without content-length.
        for (let i = 0; i < raw.length; i += 16 * 1024) req.write(raw.subarray(i, i + 16 * 1024));
        req.end();
      } else {
        req.end(raw);
      }
    });

  const scan = async () => {
    const items: Record<string, AttributeValue>[] = [];
    for await (const page of paginateScan({ client: db }, { TableName: TABLE_NAME, ConsistentRead: true })) {
      items.push(...(page.Items ?? []));
    }
    return items;
  };

  const streamRecords = async () => {
    const api = dynamoDbLocalStreamsApi(runtime.dynamoEndpoint);
    const arn = await api.latestStreamArn(TABLE_NAME);
    if (!arn) throw new Error('the table has no stream');
    const records: WireStreamRecord[] = [];
    let start: string | undefined;
    const shards: string[] = [];
    do {
      const { StreamDescription } = await api.describeStream({
        StreamArn: arn,
        ...(start ? { ExclusiveStartShardId: start } : {}),
      });
      shards.push(...(StreamDescription?.Shards ?? []).map((s) => s.ShardId));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    for (const shardId of shards) {
      let { ShardIterator: iterator } = await api.getShardIterator({
        StreamArn: arn,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      });
      let empty = 0;
      while (iterator && empty < 2) {
        const page = await api.getRecords({ ShardIterator: iterator, Limit: 1000 });
        const got = page.Records ?? [];
        records.push(...got);
        empty = got.length === 0 ? empty + 1 : 0;
        iterator = page.NextShardIterator;
      }
    }
    return records;
  };

  const dataFiles = () => {
    const files: { path: string; bytes: Buffer }[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        const stat = statSync(path, { throwIfNoEntry: false });
        if (!stat) continue;
        if (stat.isDirectory()) walk(path);
        else if (stat.isFile()) files.push({ path: relative(dataDir, path), bytes: readFileSync(path) });
      }
    };
    for (const name of readdirSync(dataDir)) if (name !== 'keys') walk(join(dataDir, name));
    return files;
  };

  const cached = new Map<string, string>();
  const adopted: (() => Promise<void>)[] = [];
  return {
    runtime,
    url,
    dataDir,
    output,
    responses,
    identity,
    db,
    async user(email, label) {
      let token = cached.get(email);
      if (!token) {
        token = await identity.issueToken(email);
        cached.set(email, token);
      }
      return { label: label ?? email, email: email.toLowerCase(), token };
    },
    send,
    scan,
    items: async () => (await scan()).map((item) => unmarshall(item)),
    streamRecords,
    emails: (to) => runtime.ses.readEmails(to),
    dataFiles,
    async invitationToken(sessionId, email) {
      const items = (await scan()).map((item) => unmarshall(item));
      const session = items.find((i) => i.pk === `SESSION#${sessionId}` && i.sk === 'SESSION') as
        | { invitations?: { id: string; email: string }[] }
        | undefined;
      const invitation = session?.invitations?.find((i) => i.email === email.toLowerCase());
      if (!invitation) throw new Error(`no open invitation for ${email} in ${sessionId}`);
      return tokens.tokenFor(invitation.id);
    },
    sealer() {
      sealer ??= LocalSealer.fromKeyFile(join(keys, 'sealer.key'));
      return sealer;
    },
    async advance(seconds) {
      const res = await send({ label: 'dev', token: null }, 'POST', '/dev/clock', {
        body: { advanceSeconds: seconds },
      });
      if (res.status !== 200) throw new Error(`POST /dev/clock answered ${res.status}: ${res.text}`);
      return res.json.now as string;
    },
    settle: () => runtime.settle(),
    adopt(stop) {
      adopted.push(stop);
    },
    async stop() {
      try {
        db.destroy();
        await runtime.stop();
        for (const stopAdopted of adopted.reverse()) await stopAdopted();
      } finally {
        output.uninstall();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
