/**
 * Races: in step 3, 50 moves from both sides arrive at once, on 20 fresh sessions. Each time
 * there must be exactly one deal, made by the first overlapping move in `seq` order (docs/rules.md, "Order decides"),
 * with the bonus for the side that did not make that move, and no email sent twice.
 *
 * Attribution: the audit entries give each accepted seq's side; the stream's session images
 * carry the number sealed under each seq, which the test opens with the local sealer's key (the
 * test plays the operator who holds the key). Every request carried a different amount, so the
 * opened amounts also map each seq back to its request: every 202 must be exactly one seq, and
 * nothing else may be.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBonus, otherSide, roundNeutral, type Side } from '../../shared/engine';
import type { CapturedRuntime, RecordedResponse } from '../support/capture';
import { startCapturedRuntime } from '../support/capture';
import { openedSession, partition, type Session, submit, untilPhase } from './helpers';

const ROUNDS = 20;
const MOVES = 50;
const STEP2 = { claimant: 1_000_000n, respondent: 100_000n };
const BONUS_PERCENT = 5;

let rt: CapturedRuntime;
const report = { rounds: 0, moves: 0, accepted: 0, refusedAfterDeal: 0, unavailable: 0 };

/** A small deterministic generator (mulberry32), so a failing round can be replayed. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 50 moves, alternating sides, each with its own amount; claimant demands and respondent offers overlap often. */
function movesFor(round: number): { side: Side; amount: bigint }[] {
  const random = generator(round * 7919 + 17);
  const used = new Set<bigint>();
  const moves: { side: Side; amount: bigint }[] = [];
  for (let i = 0; i < MOVES; i++) {
    const side: Side = i % 2 === 0 ? 'claimant' : 'respondent';
    const low = side === 'claimant' ? 400_000 : 300_000;
    let amount: bigint;
    do amount = BigInt(low + Math.floor(random() * 500_000));
    while (used.has(amount) || amount === STEP2.claimant || amount === STEP2.respondent);
    used.add(amount);
    moves.push({ side, amount });
  }
  return moves;
}

/** seq → ciphertext, from every image of the session item in the stream. */
async function sealedBySeq(sessionId: string): Promise<Map<number, Buffer>> {
  const sealed = new Map<number, Buffer>();
  for (const record of await rt.streamRecords()) {
    if (
      record.dynamodb?.Keys?.pk?.S !== `SESSION#${sessionId}` ||
      record.dynamodb?.Keys?.sk?.S !== 'SESSION'
    ) {
      continue;
    }
    for (const image of [record.dynamodb?.OldImage, record.dynamodb?.NewImage]) {
      for (const [seq, value] of Object.entries(image?.sealed?.M ?? {})) {
        const b = value.B as unknown as string | Uint8Array | undefined;
        if (b !== undefined) sealed.set(Number(seq), Buffer.from(b as string, 'base64'));
      }
    }
  }
  return sealed;
}

/** Step 2 closed without overlap, step 3 open: the state each round starts from. */
async function prepare(round: number): Promise<Session> {
  const s = await openedSession(rt, {
    mediator: true,
    create: { title: `Race ${round}`, bonusPercent: BONUS_PERCENT },
  });
  await submit(rt, s.claimant, s.id, STEP2.claimant);
  await submit(rt, s.respondent, s.id, STEP2.respondent);
  await untilPhase(rt, s.claimant, s.id, 'adjustment');
  return s;
}

const prepared = new Map<number, Session>();

describe('races', () => {
  beforeAll(async () => {
    // The JVM's own defaults (C2, G1): 50 writers on one item keep DynamoDB Local busy.
    rt = await startCapturedRuntime({ logLevel: 'WARN', dynamoJvmArgs: [] });
    // The 20 sessions are prepared four at a time: only the races themselves run one by one.
    for (let first = 1; first <= ROUNDS; first += 4) {
      const rounds = Array.from({ length: Math.min(4, ROUNDS - first + 1) }, (_, i) => first + i);
      const sessions = await Promise.all(rounds.map(prepare));
      for (const [i, round] of rounds.entries()) prepared.set(round, sessions[i]!);
    }
  });

  afterAll(async () => {
    await rt?.stop();
    console.info(`races: ${JSON.stringify(report)}`);
  });

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))(
    'round %i: 50 concurrent moves make exactly one deal, the first overlap in seq order',
    async (round) => {
      // Prepare: step 2 closed without overlap, step 3 is open (see beforeAll).
      const title = `Race ${round}`;
      const s = prepared.get(round)!;
      const moves = movesFor(round);

      // Act: all 50 at once.
      const responses: RecordedResponse[] = await Promise.all(
        moves.map((m) =>
          rt.send(m.side === 'claimant' ? s.claimant : s.respondent, 'PUT', `/sessions/${s.id}/number`, {
            body: { amount: Number(m.amount) },
          }),
        ),
      );
      const settled = await untilPhase(rt, s.mediator!, s.id, 'settled');

      // Assess (1): every answer is an acceptance or, once the deal is public, "ended".
      const statuses = responses.map((r) => `${r.status}${r.json?.error ? ` ${r.json.error.code}` : ''}`);
      for (const status of statuses)
        expect(['202', '409 session_ended', '503 service_unavailable']).toContain(status);
      report.rounds++;
      report.moves += moves.length;
      report.accepted += statuses.filter((x) => x === '202').length;
      report.refusedAfterDeal += statuses.filter((x) => x === '409 session_ended').length;
      report.unavailable += statuses.filter((x) => x.startsWith('503')).length;

      // (2) Attribution: accepted seqs, their sides (audit) and amounts (opened from the stream).
      const items = await partition(rt, s.id);
      const session = items.find((i) => i.sk === 'SESSION')!;
      const accepted = items
        .filter((i) => i.event === 'NumberAccepted')
        .map((i) => ({ seq: i.seq as number, side: i.side as Side }))
        .sort((a, b) => a.seq - b.seq);
      expect(accepted.map((a) => a.seq)).toEqual(Array.from({ length: accepted.length }, (_, i) => i + 1));
      expect(session.seq).toBe(accepted.length);
      expect(session.evaluatedSeq).toBe(session.seq);
      const sealed = await sealedBySeq(s.id);
      const sealer = await rt.sealer();
      const amounts = new Map<number, bigint>();
      for (const { seq, side } of accepted) {
        const ciphertext = sealed.get(seq);
        expect(ciphertext, `the sealed number of seq ${seq} is in the stream`).toBeDefined();
        expect(ciphertext!.length, 'sealed numbers are fixed-width').toBe(36);
        amounts.set(
          seq,
          await sealer.openNumber(new Uint8Array(ciphertext!), { sessionId: s.id, side, seq }),
        );
      }
      expect([amounts.get(1), amounts.get(2)]).toEqual([STEP2.claimant, STEP2.respondent]);
      // Every 202 is exactly one accepted seq with that request's side and amount, and vice versa.
      const acceptedMoves = moves
        .filter((_, i) => responses[i]!.status === 202)
        .map((m) => `${m.side} ${m.amount}`)
        .sort();
      const seqMoves = accepted
        .filter((a) => a.seq > 2)
        .map((a) => `${a.side} ${amounts.get(a.seq)}`)
        .sort();
      expect(seqMoves).toEqual(acceptedMoves);

      // (3) Replay in seq order: the first overlapping pair makes the deal.
      const standing: Record<Side, bigint> = { ...STEP2 };
      let deal: { seq: number; mover: Side; demand: bigint; offer: bigint } | undefined;
      for (const { seq, side } of accepted.filter((a) => a.seq > 2)) {
        standing[side] = amounts.get(seq)!;
        if (standing.claimant <= standing.respondent) {
          deal = { seq, mover: side, demand: standing.claimant, offer: standing.respondent };
          break;
        }
      }
      expect(deal, `round ${round}: some accepted move overlaps`).toBeDefined();
      const outcome = settled.outcome;
      const base = BigInt(outcome.baseAmount);
      expect(outcome.reachedIn).toBe('adjustment');
      expect(outcome.bonusSide).toBe(otherSide(deal!.mover));
      expect(base).toBeGreaterThanOrEqual(deal!.demand);
      expect(base).toBeLessThanOrEqual(deal!.offer);
      // A neutrally rounded draw from that overlap rounds to itself.
      expect(roundNeutral(deal!.demand, deal!.offer, base)).toBe(base);
      expect(BigInt(outcome.amount)).toBe(applyBonus(base, outcome.bonusSide, BONUS_PERCENT));
      // Exactly one deal recorded, and no number kept.
      expect(items.filter((i) => i.event === 'Settled')).toHaveLength(1);
      expect(items.filter((i) => i.sk === 'OUTBOX#settled')).toHaveLength(1);
      expect(session.sealed).toEqual({});

      // (4) No email twice: one deal email to everyone, every email of the session once.
      await rt.settle();
      const mail = (await rt.emails()).filter((e) => e.subject.endsWith(`: ${title}`));
      const deals = mail.filter((e) => e.subject === `Deal reached: ${title}`);
      expect(deals).toHaveLength(1);
      expect([...deals[0]!.to].sort()).toEqual(
        [s.claimant.email, s.respondent.email, s.mediator!.email].sort(),
      );
      const keys = mail.map((e) => `${e.subject} → ${[...e.to].sort().join(',')}`);
      expect(new Set(keys).size).toBe(keys.length);
    },
  );

  it('all rounds ran, with real contention', () => {
    expect(report.rounds).toBe(ROUNDS);
    expect(report.moves).toBe(ROUNDS * MOVES);
    expect(report.accepted).toBeGreaterThan(ROUNDS);
  });
});
