/**
 * Races between a proposal and the numbers (docs/rules.md, "Double-blind proposals" and "Order
 * decides"): a mediator's proposal is open and one side has said yes; the other side's yes and a
 * number that meets the other side's standing one arrive at once. 20 fresh sessions; each time
 * there must be exactly one deal, and it must be the one `seq` order says: by the proposal if its
 * closing answer took the lower seq, else by the numbers (and the proposal is void).
 *
 * Attribution: the audit entries give the seq the closing answer took (`ProposalAnswered` with a
 * seq) and the seq of the number (`NumberAccepted`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Side } from '../../shared/engine';
import type { CapturedRuntime, RecordedResponse } from '../support/capture';
import { startCapturedRuntime } from '../support/capture';
import { expectStatus, openedSession, partition, type Session, submit, untilPhase } from './helpers';

const ROUNDS = 20;
const STEP2 = { claimant: 2_000_000, respondent: 1_000_000 };
const PROPOSAL = 1_500_000;

let rt: CapturedRuntime;
const report = { rounds: 0, byProposal: 0, byNumbers: 0, answerRefused: 0, numberRefused: 0 };

/** Step 3 open, the mediator's proposal open, the first side has said yes. */
async function prepare(round: number): Promise<Session> {
  const s = await openedSession(rt, { mediator: true, create: { title: `Proposal race ${round}` } });
  await submit(rt, s.claimant, s.id, STEP2.claimant);
  await submit(rt, s.respondent, s.id, STEP2.respondent);
  await untilPhase(rt, s.claimant, s.id, 'adjustment');
  expectStatus(
    await rt.send(s.mediator!, 'POST', `/sessions/${s.id}/proposals`, {
      body: { kind: 'mediator', amount: PROPOSAL },
    }),
    201,
  );
  const first = round % 2 === 0 ? s.claimant : s.respondent;
  expectStatus(
    await rt.send(first, 'POST', `/sessions/${s.id}/proposals/current/answer`, { body: { accept: true } }),
    200,
  );
  return s;
}

const prepared = new Map<number, Session>();

describe('proposal races', () => {
  beforeAll(async () => {
    rt = await startCapturedRuntime({ logLevel: 'WARN' });
    for (let first = 1; first <= ROUNDS; first += 4) {
      const rounds = Array.from({ length: Math.min(4, ROUNDS - first + 1) }, (_, i) => first + i);
      const sessions = await Promise.all(rounds.map(prepare));
      for (const [i, round] of rounds.entries()) prepared.set(round, sessions[i]!);
    }
  });

  afterAll(async () => {
    await rt?.stop();
    console.info(`proposal races: ${JSON.stringify(report)}`);
  });

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))(
    'round %i: a second yes and a matching number at once make exactly one deal, the one seq order says',
    async (round) => {
      // Prepare: the side that answers second also moves its number onto the other's.
      const s = prepared.get(round)!;
      const second: Side = round % 2 === 0 ? 'respondent' : 'claimant';
      const who = s[second];
      const meets = second === 'claimant' ? STEP2.respondent : STEP2.claimant;
      const answer = () =>
        rt.send(who, 'POST', `/sessions/${s.id}/proposals/current/answer`, { body: { accept: true } });
      const move = () => rt.send(who, 'PUT', `/sessions/${s.id}/number`, { body: { amount: meets } });

      // Act: both at once, in an order that alternates every two rounds.
      const [answered, moved]: RecordedResponse[] =
        Math.floor((round - 1) / 2) % 2 === 0
          ? await Promise.all([answer(), move()])
          : await Promise.all([move(), answer()]).then(([m, a]) => [a!, m!]);
      const settled = await untilPhase(rt, s.mediator!, s.id, 'settled');

      // Assess (1): each was accepted, or refused only because the deal was already public.
      expect(['200', '409 session_ended']).toContain(
        `${answered!.status}${answered!.json?.error ? ` ${answered!.json.error.code}` : ''}`,
      );
      expect(['202', '409 session_ended']).toContain(
        `${moved!.status}${moved!.json?.error ? ` ${moved!.json.error.code}` : ''}`,
      );
      // (2) The seqs the two writes took, from the audit trail.
      const items = await partition(rt, s.id);
      const answerSeq = items.find((i) => i.event === 'ProposalAnswered' && i.seq !== undefined)?.seq as
        | number
        | undefined;
      const numberSeq = items.find((i) => i.event === 'NumberAccepted' && (i.seq as number) > 2)?.seq as
        | number
        | undefined;
      expect(answerSeq !== undefined || numberSeq !== undefined).toBe(true);
      if (answered!.status !== 200) expect(answerSeq).toBeUndefined();
      if (moved!.status !== 202) expect(numberSeq).toBeUndefined();
      // (3) Exactly one deal, made by whichever took the lower seq.
      const byProposal = numberSeq === undefined || (answerSeq !== undefined && answerSeq < numberSeq);
      expect(items.filter((i) => i.event === 'Settled')).toHaveLength(1);
      expect(items.filter((i) => i.sk === 'OUTBOX#settled')).toHaveLength(1);
      if (byProposal) {
        expect(settled.outcome).toMatchObject({
          amount: PROPOSAL,
          baseAmount: PROPOSAL,
          reachedIn: 'proposal',
        });
        expect(settled.proposal.state).toBe('accepted');
        report.byProposal++;
      } else {
        expect(settled.outcome).toMatchObject({ baseAmount: meets, reachedIn: 'adjustment' });
        expect(settled.proposal.state).toBe('void');
        report.byNumbers++;
      }
      const session = items.find((i) => i.sk === 'SESSION')!;
      expect(session.evaluatedSeq).toBe(session.seq);
      expect(session.sealed).toEqual({});
      report.rounds++;
      if (answered!.status !== 200) report.answerRefused++;
      if (moved!.status !== 202) report.numberRefused++;
      // (4) One deal email to everyone.
      await rt.settle();
      const deals = (await rt.emails()).filter((e) => e.subject === `Deal reached: Proposal race ${round}`);
      expect(deals).toHaveLength(1);
    },
  );

  it('all rounds ran', () => {
    expect(report.rounds).toBe(ROUNDS);
    expect(report.byProposal + report.byNumbers).toBe(ROUNDS);
  });
});
