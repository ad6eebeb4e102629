/**
 * Submit latency: `PUT /sessions/{id}/number` through the local runtime (HTTP, gateway, token,
 * middy, read, seal, transaction) against the raw minimum — a local seal plus one
 * `TransactWriteItems` (the same session item and audit entry a number write commits) on the same
 * DynamoDB Local, with the same client — interleaved in one run (A B / B A …), so machine noise
 * hits both alike. A third series sends an `Idempotency-Key`, as a retrying client would.
 *
 * Every PUT is the claimant replacing its number in step 2 (allowed until the other side's first
 * number arrives), rotating over a few sessions. After each sample the runtime is settled
 * in-process, so match's evaluation of the previous number never overlaps the next sample.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_NAME } from '../local/runtime';
import { LocalSealer } from '../shared/adapters/local-sealer';
import { documentClient } from '../shared/runtime/dependencies';
import { SESSION_SK, sessionPk } from '../shared/table/keys';
import { type BenchRuntime, onServerTiming, type PreparedSession } from './lib/runtime';
import { type Summary, summarize } from './lib/stats';

export interface SubmitLatencyResult {
  put: Summary;
  putWithKey: Summary;
  raw: Summary;
  /** Median PUT / median raw. */
  ratio: number;
  ratioWithKey: number;
  /** Server-side time of the PUTs (request in → response written), without the client's fetch. */
  serverPut: Summary;
  /** Where a PUT's server time goes (medians, ms): AWS calls by line, and everything else. */
  putBreakdown: Record<string, number>;
  /** The same for a PUT with an Idempotency-Key. */
  putWithKeyBreakdown: Record<string, number>;
  /** The raw series split: seal and transaction (medians, ms). */
  rawBreakdown: { seal: number; transaction: number };
  samples: number;
}

export async function submitLatency(
  bench: BenchRuntime,
  options: { samples: number; sessions?: number; warmup?: number; log?: (line: string) => void },
): Promise<SubmitLatencyResult> {
  const log = options.log ?? (() => undefined);
  const { client, runtime } = bench;
  const sessions: PreparedSession[] = [];
  for (let i = 0; i < (options.sessions ?? 6); i++)
    sessions.push(await bench.prepareSession({ tag: 'submit' }));
  log(`submit latency: ${sessions.length} sessions ready`);

  // The raw write: a copy of a real session item (same size, same indexes) under a key of its own.
  const db = documentClient();
  const template = (
    await db.send(
      new GetCommand({ TableName: TABLE_NAME, Key: { pk: sessionPk(sessions[0]!.id), sk: SESSION_SK } }),
    )
  ).Item!;
  const rawId = `bench-raw-${randomUUID()}`;
  const sealer = new LocalSealer(randomBytes(32));
  let rawRev: number | null = null;
  let rawSeq = 0;
  const rawSeal: number[] = [];
  const rawTransaction: number[] = [];
  const raw = async (amount: number) => {
    const seq = ++rawSeq;
    const sealStarted = performance.now();
    const sealed = await sealer.sealNumber(BigInt(amount), { sessionId: rawId, side: 'claimant', seq });
    const sealedAt = performance.now();
    const now = Date.now();
    const { matchDue: _marker, ...rest } = template;
    const item = {
      ...rest,
      pk: `BENCHRAW#${rawId}`,
      workPk: 'BENCHRAW',
      sealed: { [String(seq)]: sealed },
      seq,
      rev: (rawRev ?? 0) + 1,
    };
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: TABLE_NAME,
              Item: item,
              ConditionExpression: rawRev === null ? 'attribute_not_exists(pk)' : 'rev = :rev',
              ...(rawRev === null ? {} : { ExpressionAttributeValues: { ':rev': rawRev } }),
            },
          },
          {
            Put: {
              TableName: TABLE_NAME,
              Item: {
                pk: `BENCHRAW#${rawId}`,
                sk: `AUDIT#${new Date(now).toISOString()}#${String(item.rev).padStart(8, '0')}#000`,
                type: 'audit',
                event: 'NumberAccepted',
                side: 'claimant',
                seq,
                step: 'initial_round',
                actor: 'claimant@bench.example',
                actorRole: 'claimant',
                at: now,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    rawRev = item.rev;
    rawSeal.push(sealedAt - sealStarted);
    rawTransaction.push(performance.now() - sealedAt);
  };

  let turn = 0;
  const put = async (withKey: boolean) => {
    const s = sessions[turn++ % sessions.length]!;
    const amount = 1_000_000 + Math.floor(Math.random() * 9_000_000);
    const answer = await client.submit(s.id, s.claimant, amount, withKey ? randomUUID() : undefined);
    return answer.ms;
  };
  const timeRaw = async () => {
    const started = performance.now();
    await raw(1_000_000 + Math.floor(Math.random() * 9_000_000));
    return performance.now() - started;
  };

  const serverPuts: number[] = [];
  const route = 'PUT /sessions/{id}/number';
  const parts: Record<'put' | 'key', Record<string, number[]>> = { put: {}, key: {} };
  const OTHER = 'other (HTTP, token, middy, validation, view)';
  const series = { put: [] as number[], key: [] as number[], raw: [] as number[] };
  const warmup = options.warmup ?? 10;
  for (let i = -warmup; i < options.samples; i++) {
    // A, K, B in a rotating order.
    const order = [
      ['put', 'key', 'raw'],
      ['raw', 'put', 'key'],
      ['key', 'raw', 'put'],
    ][((i % 3) + 3) % 3] as ('put' | 'key' | 'raw')[];
    for (const which of order) {
      let server: number | undefined;
      onServerTiming((r, ms) => {
        if (r === route) server = ms;
      });
      const before = bench.usage.scopeMs(route);
      const rawBefore = rawSeal.length;
      const ms = which === 'raw' ? await timeRaw() : await put(which === 'key');
      const after = bench.usage.scopeMs(route);
      onServerTiming(() => undefined);
      await runtime.settle();
      if (i < 0) {
        if (which === 'raw') rawSeal.length = rawTransaction.length = rawBefore;
        continue;
      }
      series[which].push(ms);
      if (which !== 'raw' && server !== undefined) {
        if (which === 'put') serverPuts.push(server);
        const into = parts[which];
        let aws = 0;
        for (const [line, total] of Object.entries(after)) {
          const spent = total - (before[line] ?? 0);
          aws += spent;
          into[line] = [...(into[line] ?? []), spent];
        }
        into[OTHER] = [...(into[OTHER] ?? []), server - aws];
      }
    }
    if (i > 0 && i % 50 === 0) log(`submit latency: ${i}/${options.samples}`);
  }
  const summary = { put: summarize(series.put), key: summarize(series.key), raw: summarize(series.raw) };
  return {
    put: summary.put,
    putWithKey: summary.key,
    raw: summary.raw,
    ratio: summary.put.median / summary.raw.median,
    ratioWithKey: summary.key.median / summary.raw.median,
    serverPut: summarize(serverPuts),
    putBreakdown: medians(parts.put),
    putWithKeyBreakdown: medians(parts.key),
    rawBreakdown: { seal: summarize(rawSeal).median, transaction: summarize(rawTransaction).median },
    samples: options.samples,
  };
}

const medians = (parts: Record<string, number[]>) =>
  Object.fromEntries(Object.entries(parts).map(([line, xs]) => [line, summarize(xs).median]));
