/**
 * Ctrl-C, as a person does it (issue 11): `local/start.ts` runs in a process group of its own, as
 * in a terminal, and the signal goes to the whole group. Some invitation emails are out already
 * (they must be kept), and work is left pending on purpose (sessions created at once, each with
 * two invitation emails still to send; the signal arrives while requests are in flight), then:
 * - SIGINT to the group, and SIGKILL to the group shortly after (an impatient person, a closing
 *   terminal): nothing may be lost, no DynamoDB Local left behind, and the next start replays
 *   the pending stream work at once, well before the reconciler (whose grace is 60 s) would;
 * - SIGINT alone: a graceful stop (exit 0), the same guarantees.
 *
 * "Replayed at once": right after the restart, one `POST /dev/clock {advanceSeconds: 0}` (which
 * drains the stream) must be enough for every invitation email to be there, each with a link
 * that works. The business clock does not move, so the reconciler re-drives nothing yet.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, sleep } from '../../local/services/process';
import {
  dynamoDbLocalPids,
  freshDataDir,
  type RuntimeProcess,
  startRuntimeProcess,
} from '../setup/local-runtime';
import { E2eClient, emailsFor } from '../support/e2e-client';

/** Sessions created and settled before the burst: their invitation emails are already out. */
const SENT_BEFORE = 4;
/** Sessions created at once right before the signal: their invitation emails are pending. */
const BURST = 14;
/** The signal goes when this many of the burst got their 201 (the rest are in flight). */
const ANSWERED = 5;

interface Planned {
  title: string;
  invitees: string[];
}

function planSessions(tag: string, from: number, count: number): Planned[] {
  return Array.from({ length: count }, (_, i) => {
    const who = emailsFor(`s${from + i}.${tag}.ctrl-c.e2e.example`);
    return { title: `Ctrl-C ${tag} ${from + i}`, invitees: [who.respondent, who.mediator] };
  });
}

const create = (client: E2eClient, token: string, { title, invitees: [respondent, mediator] }: Planned) =>
  client.call('POST', '/sessions', {
    token,
    body: { title, currency: 'USD', myRole: 'claimant', invite: { respondent, mediator } },
  });

/**
 * SENT_BEFORE sessions whose invitations are sent (settled), then BURST creations at once;
 * resolves once ANSWERED of the burst got a 201, the others still in flight.
 */
async function leavePendingWork(client: E2eClient, tag: string) {
  const creator = await client.person(emailsFor(`${tag}.ctrl-c.e2e.example`).claimant);
  const sent = planSessions(tag, 0, SENT_BEFORE);
  for (const session of sent) expect((await create(client, creator.token, session)).status).toBe(201);
  await client.clock(0);
  const burst = planSessions(tag, SENT_BEFORE, BURST);
  let created = 0;
  let reached: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const requests = burst.map(async (session) => {
    // The runtime may go away mid-request: such a session may or may not exist afterwards.
    const res = await create(client, creator.token, session).catch(() => undefined);
    if (res?.status === 201 && ++created >= ANSWERED) reached();
  });
  await Promise.race([enough, Promise.all(requests)]);
  return { creator, plan: [...sent, ...burst], requests: Promise.all(requests) };
}

/** Lines of the mail journal (what local SES had accepted when the runtime died). */
function journalCount(dataDir: string): number {
  try {
    return readFileSync(join(dataDir, 'state', 'mail.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"messageId"')).length;
  } catch {
    return 0;
  }
}

/** Waits (up to 15 s) until no DynamoDB Local or guard for this data folder runs; returns what is left. */
async function leftovers(dataDir: string): Promise<number[]> {
  for (let i = 0; i < 150 && dynamoDbLocalPids(dataDir).length > 0; i++) await sleep(100);
  return dynamoDbLocalPids(dataDir);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * After a restart: every session that exists has, for each invitee, an invitation email whose
 * link points to the web app and works (the newest one is accepted).
 */
async function expectEveryInvitation(
  client: E2eClient,
  creatorToken: string,
  plan: Planned[],
  webUrl: string,
) {
  const listed = await client.call('GET', '/sessions', { token: creatorToken });
  expect(listed.status).toBe(200);
  const titles = new Set<string>(listed.body.sessions.map((s: { title: string }) => s.title));
  const existing = plan.filter((p) => titles.has(p.title));
  const link = new RegExp(`${escapeRegExp(webUrl)}/invite\\?token=([A-Za-z0-9_-]+)`);
  for (const { invitees } of existing) {
    for (const address of invitees) {
      const invitations = (await client.emails(address)).filter((e) => /invited/i.test(e.subject));
      expect(invitations.length, address).toBeGreaterThanOrEqual(1);
      for (const email of invitations) expect(email.text, address).toMatch(link);
      const token = link.exec(invitations.at(-1)?.text ?? '')?.[1];
      const accepted = await client.call('POST', '/invitations/accept', {
        token: (await client.person(address)).token,
        body: { token },
      });
      expect(accepted.status, `${address}: ${accepted.text}`).toBe(200);
    }
  }
  return existing.length;
}

describe('Ctrl-C in the terminal', () => {
  const dirs: string[] = [];
  const runtimes: RuntimeProcess[] = [];
  afterAll(async () => {
    try {
      // Newest first: stopping a dead runtime checks that nothing runs on its folder, where its
      // successor's DynamoDB Local may still run.
      for (const runtime of runtimes.reverse()) await runtime.stop();
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGINT then SIGKILL to the group: no email lost, no DynamoDB Local left, pending work replayed at once', {
    timeout: 180_000,
  }, async () => {
    // Prepare: work pending when the signal comes (requests in flight, invitations unsent).
    const dataDir = freshDataDir('ctrl-c-kill');
    dirs.push(dataDir);
    const env = { WEB_PORT: String(await freePort()) };
    const first = await startRuntimeProcess({ dataDir, env, processGroup: true });
    runtimes.push(first);
    const before = new E2eClient(first.url);
    const { creator, plan, requests } = await leavePendingWork(before, 'kill');

    // Act: Ctrl-C, then the whole group killed shortly after; start again on the same folder.
    process.kill(-first.pid, 'SIGINT');
    await sleep(150);
    process.kill(-first.pid, 'SIGKILL');
    const died = await first.exited;
    await requests;
    const left = await leftovers(dataDir);
    const mailAtDeath = journalCount(dataDir);
    const second = await startRuntimeProcess({ dataDir, env, port: first.port });
    runtimes.push(second);
    const after = new E2eClient(second.url);
    await after.clock(0);

    // Assess
    expect(died.signal).toBe('SIGKILL');
    expect(left).toEqual([]);
    const sessions = await expectEveryInvitation(after, creator.token, plan, second.webUrl);
    expect(sessions).toBeGreaterThanOrEqual(SENT_BEFORE + ANSWERED);
    // The test really left work pending: some emails were out (and kept), not all.
    expect(mailAtDeath).toBeGreaterThanOrEqual(SENT_BEFORE * 2);
    expect(mailAtDeath).toBeLessThan(sessions * 2);
  });

  it('SIGINT alone to the group: a graceful stop, then everything pending is done at the next start', {
    timeout: 180_000,
  }, async () => {
    // Prepare
    const dataDir = freshDataDir('ctrl-c-graceful');
    dirs.push(dataDir);
    const env = { WEB_PORT: String(await freePort()) };
    const first = await startRuntimeProcess({ dataDir, env, processGroup: true });
    runtimes.push(first);
    const before = new E2eClient(first.url);
    const { creator, plan, requests } = await leavePendingWork(before, 'graceful');

    // Act
    process.kill(-first.pid, 'SIGINT');
    const ended = await first.exited;
    await requests;
    const left = await leftovers(dataDir);
    const second = await startRuntimeProcess({ dataDir, env, port: first.port });
    runtimes.push(second);
    const after = new E2eClient(second.url);
    await after.clock(0);

    // Assess
    expect(await expectEveryInvitation(after, creator.token, plan, second.webUrl)).toBeGreaterThanOrEqual(
      SENT_BEFORE + ANSWERED,
    );
    expect(ended).toEqual({ code: 0, signal: null });
    expect(first.output()).toContain('stopping');
    expect(left).toEqual([]);
  });
});
