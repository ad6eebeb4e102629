/**
 * Driving proposals as the adapters do: numbers are "sealed" under their seq, answers under their
 * proposal and side, and `evaluate` opens what the next move needs (the pair of a number, the two
 * standing numbers of a computed proposal, the two answers of a closing one).
 */
import { seededRandom } from '../../../../shared/engine/seeded-random';
import {
  answerProposal,
  closeAnsweredProposal,
  consentToProposal,
  type DomainEvent,
  evaluateComputedProposal,
  evaluateNext,
  nextEvaluation,
  type ProposalRequest,
  proposalInPlay,
  requestProposal,
  type Session,
  submitNumber,
} from '../../../../shared/engine/session';
import type { RandomSource, Role, Side } from '../../../../shared/engine/types';
import { accepted, DAY, HOUR, settledSession, T0 } from './support';

/** Step 3 opens at OPENED (the respondent's non-overlapping number closes step 2 early). */
export const OPENED = T0 + HOUR;
export const STEP3_ENDS = OPENED + 28 * DAY;
export const DEMAND = 1_000_000n;
export const OFFER = 900_000n;

export class ProposalNegotiation {
  session: Session;
  readonly numbers = new Map<number, bigint>();
  readonly answers = new Map<string, boolean>();
  readonly random: RandomSource;

  constructor(session: Session, random: RandomSource = seededRandom(13)) {
    this.session = session;
    this.random = random;
  }

  /** Step 3 is open since OPENED, with the claimant's DEMAND and the respondent's OFFER standing. */
  static inStep3(
    options: { gap?: number; demand?: bigint; offer?: bigint; random?: RandomSource } = {},
  ): ProposalNegotiation {
    const n = new ProposalNegotiation(
      settledSession({ proposalGapPercent: options.gap ?? 30 }),
      options.random,
    );
    n.submit('claimant', options.demand ?? DEMAND, OPENED);
    n.submit('respondent', options.offer ?? OFFER, OPENED);
    n.evaluateAll(OPENED);
    return n;
  }

  submit(side: Side, amount: bigint, now: number): DomainEvent[] {
    const { session, events } = accepted(submitNumber(this.session, side, now));
    this.session = session;
    this.numbers.set(session.seq, amount);
    return events;
  }

  request(by: Role, request: ProposalRequest, now: number): DomainEvent[] {
    const { session, events } = accepted(requestProposal(this.session, by, request, now));
    this.session = session;
    return events;
  }

  consent(side: Side, consent: boolean, now: number): DomainEvent[] {
    const { session, events } = accepted(consentToProposal(this.session, side, consent, now));
    this.session = session;
    return events;
  }

  answer(side: Side, accept: boolean, now: number): DomainEvent[] {
    const { session, events } = accepted(answerProposal(this.session, side, now));
    this.session = session;
    this.answers.set(`${session.proposals.current!.number}/${side}`, accept);
    return events;
  }

  /** Evaluates the next move, opening only what the session still needs. */
  evaluate(now: number): DomainEvent[] {
    const next = nextEvaluation(this.session);
    if (!next) throw new Error('nothing to evaluate');
    const { move } = next;
    const open = (seq: number | null) => (seq === null ? 0n : this.numbers.get(seq)!);
    let result: { session: Session; events: DomainEvent[] };
    if (move.proposal?.kind === 'computed') {
      const inPlay = proposalInPlay(this.session, move) !== null;
      result = accepted(
        evaluateComputedProposal(
          this.session,
          {
            seq: move.seq,
            demand: inPlay ? open(this.session.standingSeq.claimant) : 0n,
            offer: inPlay ? open(this.session.standingSeq.respondent) : 0n,
          },
          this.random,
          now,
        ),
      );
    } else if (move.proposal?.kind === 'answers') {
      const number = move.proposal.number;
      const answers = {
        claimant: this.answers.get(`${number}/claimant`) ?? false,
        respondent: this.answers.get(`${number}/respondent`) ?? false,
      };
      result = accepted(closeAnsweredProposal(this.session, { seq: move.seq, answers }, now));
    } else {
      const pair = {
        seq: move.seq,
        moverAmount: this.numbers.get(move.seq)!,
        otherAmount: next.otherSeq === null ? null : this.numbers.get(next.otherSeq)!,
      };
      result = accepted(evaluateNext(this.session, pair, this.random, now));
    }
    this.session = result.session;
    return result.events;
  }

  evaluateAll(now: number): DomainEvent[] {
    const events: DomainEvent[] = [];
    while (nextEvaluation(this.session)) events.push(...this.evaluate(now));
    return events;
  }
}
