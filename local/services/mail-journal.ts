/**
 * The mail the local SES accepted, read from its journal (JSON lines that ses-server.mjs appends
 * before it answers SendEmail) and kept in memory, indexed by recipient.
 *
 * Reading costs what is new: each `read()` looks at the file's size and parses only the bytes
 * appended since the last one (a torn last line waits for its end). A `{"cleared": …}` line
 * forgets everything before it. The journal is the archive: it is only ever appended to, so no
 * stop, crash or outage can overwrite it with less.
 *
 * An archive written by an earlier version (one JSON array, `mail.json`) is converted in place on
 * first use.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';

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

/** The shape of one email in aws-ses-v2-local's store (`GET /store` → `{templates, emails: [...]}`). */
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

/** `"Name" <a@b.example>` → `a@b.example`, lower-cased. */
export function bareAddress(address: string): string {
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

const recipientsOf = (email: SesStoreEmail) => [
  ...new Set(
    [
      ...(email.destination?.to ?? []),
      ...(email.destination?.cc ?? []),
      ...(email.destination?.bcc ?? []),
    ].map(bareAddress),
  ),
];

/** Rewrites a JSON-array archive (an earlier version's `mail.json`) as JSON lines, atomically. */
export function convertArrayArchive(file: string): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  if (!text.trimStart().startsWith('[')) return;
  const emails = JSON.parse(text) as SesStoreEmail[];
  writeFileSync(`${file}.tmp`, emails.map((email) => `${JSON.stringify(email)}\n`).join(''), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export class MailJournal {
  private offset = 0;
  private all: LocalEmail[] = [];
  private byRecipient = new Map<string, LocalEmail[]>();
  private seen = new Set<string>();

  constructor(readonly file: string) {}

  /** Mail received so far, oldest first; `to` keeps what was sent to it (To, Cc or Bcc; any case). */
  read(to?: string): LocalEmail[] {
    this.catchUp();
    const emails = to === undefined || to === '' ? this.all : (this.byRecipient.get(bareAddress(to)) ?? []);
    return emails.map((email) => ({ ...email, to: [...email.to] }));
  }

  /** How many emails are known (after catching up). */
  count(): number {
    this.catchUp();
    return this.all.length;
  }

  private forgetAll(): void {
    this.all = [];
    this.byRecipient = new Map();
    this.seen = new Set();
  }

  /** Parses what was appended since the last call. */
  private catchUp(): void {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return; // nothing received yet
    }
    if (size < this.offset) {
      // Replaced by a shorter file (deleted by hand, say): read it again from the start.
      this.offset = 0;
      this.forgetAll();
    }
    if (size === this.offset) return;
    const chunk = Buffer.alloc(size - this.offset);
    const fd = openSync(this.file, 'r');
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, this.offset);
    } finally {
      closeSync(fd);
    }
    const end = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (end < 0) return; // a line still being written
    this.offset += end + 1;
    for (const line of chunk.subarray(0, end).toString('utf8').split('\n')) {
      if (line.trim()) this.add(line);
    }
  }

  private add(line: string): void {
    let entry: SesStoreEmail | { cleared: number };
    try {
      entry = JSON.parse(line) as SesStoreEmail | { cleared: number };
    } catch {
      return; // a torn line left by a crash mid-write
    }
    if ('cleared' in entry) {
      this.forgetAll();
      return;
    }
    if (this.seen.has(entry.messageId)) return;
    this.seen.add(entry.messageId);
    const email = toLocalEmail(entry);
    this.all.push(email);
    for (const recipient of recipientsOf(entry)) {
      const list = this.byRecipient.get(recipient);
      if (list) list.push(email);
      else this.byRecipient.set(recipient, [email]);
    }
  }
}
