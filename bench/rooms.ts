/**
 * Rooms: posting and reading a message through the local runtime (HTTP, gateway, token, middy,
 * one consistent BatchGetItem, seal under the room's cached data key, one TransactWriteItems)
 * against the raw minimum on the same runtime, interleaved in one run (rotating order) so machine
 * noise hits every series alike:
 *
 * - post: `POST …/rooms/claimant/messages` vs a raw seal (the same envelope, a cached data key)
 *   + one `PutItem` of a message item of the same shape, through the same document client;
 * - read: `GET …/rooms/claimant/messages?limit=50` of a room holding 60 messages vs a raw `Query`
 *   of 50 message items + 50 local opens.
 *
 * The runtime is settled after each sample (room writes go through the stream poller too, though
 * no consumer selects them), as the submit benchmark does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { TABLE_NAME } from '../local/runtime';
import { LocalDataKeys } from '../shared/adapters/local-data-keys';
import { EnvelopeSealer } from '../shared/adapters/message-envelope';
import { documentClient } from '../shared/runtime/dependencies';
import type { BenchRuntime, PreparedSession } from './lib/runtime';
import { onServerTiming } from './lib/runtime';
import { type Summary, summarize } from './lib/stats';

export interface RoomsBenchResult {
  post: Summary;
  rawPost: Summary;
  /** Median post / median raw seal + PutItem. */
  postRatio: number;
  read: Summary;
  rawRead: Summary;
  /** Median page read / median raw Query + 50 opens. */
  readRatio: number;
  /** The same requests timed at the server (request in → response written). */
  serverPost: Summary;
  serverRead: Summary;
  /** Where the server's time goes (medians, ms): AWS calls by line, and everything else. */
  postBreakdown: Record<string, number>;
  readBreakdown: Record<string, number>;
  samples: number;
  pageSize: number;
}

const PAGE = 50;
const TEXT =
  'Hold at the last figure until they move; I will call the client after the break and report back.';

type Series = 'post' | 'rawPost' | 'read' | 'rawRead';

function record(parts: Record<string, number[]>, line: string, ms: number): void {
  const samples = parts[line] ?? [];
  samples.push(ms);
  parts[line] = samples;
}

const medians = (parts: Record<string, number[]>) =>
  Object.fromEntries(Object.entries(parts).map(([line, xs]) => [line, summarize(xs).median]));

export async function roomsBench(
  bench: BenchRuntime,
  options: { samples: number; sessions?: number; warmup?: number; log?: (line: string) => void },
): Promise<RoomsBenchResult> {
  const log = options.log ?? (() => undefined);
  const { client, runtime } = bench;
  const sessions: PreparedSession[] = [];
  for (let i = 0; i < (options.sessions ?? 4); i++)
    sessions.push(await bench.prepareSession({ tag: 'rooms' }));
  const post = (s: PreparedSession, text: string) =>
    client.request(
      'POST',
      `/sessions/${s.id}/rooms/claimant/messages`,
      'POST /sessions/{id}/rooms/{room}/messages',
      {
        token: s.claimant.token,
        body: { text },
      },
    );
  // The room read from holds more than a page.
  const reading = sessions[0]!;
  for (let i = 0; i < PAGE + 10; i++) {
    const answer = await post(reading, `${TEXT} (${i})`);
    if (answer.status !== 201) throw new Error(`rooms bench: post answered ${answer.status}`);
  }
  await runtime.settle();
  log(`rooms: ${sessions.length} sessions ready, ${PAGE + 10} messages in the room read from`);

  // The raw minimum: the same envelope with a cached data key, items of the same shape.
  const db = documentClient();
  const sealer = new EnvelopeSealer(new LocalDataKeys(randomBytes(32)));
  const rawSession = `bench-raw-${randomUUID()}`;
  const nextId = monotonicFactory();
  const context = (id: string) => ({
    sessionId: rawSession,
    room: 'claimant' as const,
    id,
    author: 'raw@bench.example',
  });
  let { wrappedKey } = await sealer.seal('key', context(nextId()), null);
  const rawPut = async (text: string) => {
    const id = nextId();
    const sealed = await sealer.seal(text, context(id), wrappedKey);
    wrappedKey = sealed.wrappedKey;
    await db.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: {
          pk: `BENCHRAW#${rawSession}`,
          sk: `ROOM#claimant#${id}`,
          type: 'message',
          room: 'claimant',
          id,
          author: 'raw@bench.example',
          sentAt: Date.now(),
          sealed: sealed.sealed,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  };
  for (let i = 0; i < PAGE + 10; i++) await rawPut(`${TEXT} (${i})`);
  const rawRead = async () => {
    const out = await db.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `BENCHRAW#${rawSession}`, ':prefix': 'ROOM#claimant#' },
        Limit: PAGE,
        ConsistentRead: true,
      }),
    );
    const items = out.Items ?? [];
    await Promise.all(
      items.map((m) => sealer.open(m.sealed as Uint8Array, context(m.id as string), wrappedKey)),
    );
    if (items.length !== PAGE) throw new Error('rooms bench: the raw page is short');
  };

  const series: Record<Series, number[]> = { post: [], rawPost: [], read: [], rawRead: [] };
  const server = { post: [] as number[], read: [] as number[] };
  const parts = { post: {} as Record<string, number[]>, read: {} as Record<string, number[]> };
  const OTHER = 'other (HTTP, token, middy, validation, sealing, view)';
  const routes = {
    post: 'POST /sessions/{id}/rooms/{room}/messages',
    read: 'GET /sessions/{id}/rooms/{room}/messages',
  };
  let turn = 0;
  const run: Record<Series, () => Promise<number>> = {
    post: async () => {
      const answer = await post(sessions[1 + (turn++ % (sessions.length - 1))]!, TEXT);
      if (answer.status !== 201) throw new Error(`rooms bench: post answered ${answer.status}`);
      return answer.ms;
    },
    read: async () => {
      const answer = await client.request(
        'GET',
        `/sessions/${reading.id}/rooms/claimant/messages?limit=${PAGE}`,
        routes.read,
        { token: reading.claimant.token },
      );
      if (answer.status !== 200 || answer.body.messages.length !== PAGE)
        throw new Error('rooms bench: short page');
      return answer.ms;
    },
    rawPost: async () => {
      const started = performance.now();
      await rawPut(TEXT);
      return performance.now() - started;
    },
    rawRead: async () => {
      const started = performance.now();
      await rawRead();
      return performance.now() - started;
    },
  };
  const orders: Series[][] = [
    ['post', 'rawPost', 'read', 'rawRead'],
    ['rawPost', 'read', 'rawRead', 'post'],
    ['read', 'rawRead', 'post', 'rawPost'],
    ['rawRead', 'post', 'rawPost', 'read'],
  ];
  const warmup = options.warmup ?? 10;
  for (let i = -warmup; i < options.samples; i++) {
    for (const which of orders[((i % 4) + 4) % 4]!) {
      let at: number | undefined;
      onServerTiming((route, ms) => {
        if (route === routes.post || route === routes.read) at = ms;
      });
      const scope = which === 'post' || which === 'read' ? routes[which] : null;
      const before = scope ? bench.usage.scopeMs(scope) : {};
      const ms = await run[which]();
      const after = scope ? bench.usage.scopeMs(scope) : {};
      onServerTiming(() => undefined);
      await runtime.settle();
      if (i < 0) continue;
      series[which].push(ms);
      if ((which === 'post' || which === 'read') && at !== undefined) {
        server[which].push(at);
        let aws = 0;
        for (const [line, total] of Object.entries(after)) {
          const spent = total - (before[line] ?? 0);
          aws += spent;
          record(parts[which], line, spent);
        }
        record(parts[which], OTHER, at - aws);
      }
    }
    if (i > 0 && i % 50 === 0) log(`rooms: ${i}/${options.samples}`);
  }
  const s = {
    post: summarize(series.post),
    rawPost: summarize(series.rawPost),
    read: summarize(series.read),
    rawRead: summarize(series.rawRead),
  };
  return {
    ...s,
    postRatio: s.post.median / s.rawPost.median,
    readRatio: s.read.median / s.rawRead.median,
    serverPost: summarize(server.post),
    serverRead: summarize(server.read),
    postBreakdown: medians(parts.post),
    readBreakdown: medians(parts.read),
    samples: options.samples,
    pageSize: PAGE,
  };
}
