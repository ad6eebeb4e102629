/**
 * Double-blind proposals (docs/rules.md, "Double-blind proposals"): a mediator's proposal, and
 * the computed proposal a side requests, the other side consents to, and match computes from both
 * numbers. Each side answers once, in secret; there is a deal only if both say yes.
 *
 * Order decides here too: the consent that completes a computed request, and the answer that
 * completes a proposal's answers, each take the next `seq` and wait for match, which evaluates
 * them in `seq` order with the numbers. How a side answered never enters this state: the adapter
 * seals each answer, and only match opens both.
 */
import { computeProposalAmount } from '../proposal-amount';
import { MAX_AMOUNT, MIN_AMOUNT, type RandomSource, type Role, type Side } from '../types';
import {
  type DomainEvent,
  type Move,
  type Proposal,
  type ProposalKind,
  type Rejection,
  type Result,
  reject,
  SECOND,
  type Session,
  type Transition,
} from './model';
import { adjustmentEndsAt, advance, effectivePhase, isEnded } from './phase';
import { isLive, withCurrent } from './proposal-state';

export const PROPOSAL_RULES = {
  /** A mediator may issue at most this many proposals a session. */
  mediatorProposals: 3,
  /** respondBy = min(opened + 7 days, endsAt). */
  respondWithinMs: 7 * 24 * 3600 * SECOND,
} as const;

const unavailable = (why: string) => reject('proposal_unavailable', why);

/**
 * Proposals are made, consented to and answered in step 3 only, before its end. The session is
 * brought up to date first (an open proposal past its `respondBy` is closed), so every command
 * decides on the proposal as everyone sees it.
 */
function inStep3(session: Session, now: number): Rejection | Transition {
  const phase = effectivePhase(session, now);
  if (isEnded(phase)) return reject('session_ended', 'The session has ended.');
  if (phase !== 'adjustment')
    return reject('round_not_open', 'Proposals are made in step 3 (adjustment) only.');
  // Step 3's end has come; it takes effect once the last writes are evaluated.
  if (now >= adjustmentEndsAt(session, now)!) return reject('session_ended', 'The session has ended.');
  return advance(session, [], now);
}

const respondByFrom = (session: Session, openedAt: number, now: number): number =>
  Math.min(openedAt + PROPOSAL_RULES.respondWithinMs, adjustmentEndsAt(session, now)!);

/** A new proposal replaces the latest one, which moves to the history. */
function startProposal(session: Session, proposal: Omit<Proposal, 'number' | 'answered'>): Session {
  const { current, history } = session.proposals;
  return {
    ...session,
    proposals: {
      ...session.proposals,
      current: {
        ...proposal,
        number: (current?.number ?? 0) + 1,
        answered: { claimant: false, respondent: false },
      },
      history: current ? [...history, { kind: current.kind, state: current.state }] : history,
    },
  };
}

export interface ProposalRequest {
  kind: ProposalKind;
  /** The mediator's amount; null for a computed proposal. */
  amount: bigint | null;
}

/**
 * `POST /proposals`: the mediator names an amount (open at once), or a side member asks for a
 * computed proposal (requested: the other side's consent is needed).
 */
export function requestProposal(session: Session, by: Role, request: ProposalRequest, now: number): Result {
  if ((request.kind === 'mediator') !== (by === 'mediator')) {
    return reject('forbidden', 'The mediator proposes an amount; a side asks for a computed proposal.');
  }
  if (
    request.kind === 'mediator' &&
    (request.amount === null || request.amount < MIN_AMOUNT || request.amount > MAX_AMOUNT)
  ) {
    return reject(
      'invalid_input',
      `amount must be a whole number from ${MIN_AMOUNT} to ${MAX_AMOUNT} (minor units).`,
    );
  }
  if (request.kind === 'computed' && request.amount !== null) {
    return reject('invalid_input', 'A computed proposal takes no amount.');
  }
  const base = inStep3(session, now);
  if ('rejected' in base) return base;
  const { session: current, events } = base;
  if (isLive(current.proposals.current)) return unavailable('A proposal is already in play.');
  if (request.kind === 'mediator') {
    if (current.proposals.mediatorCount >= PROPOSAL_RULES.mediatorProposals) {
      return unavailable(`A mediator may issue at most ${PROPOSAL_RULES.mediatorProposals} proposals.`);
    }
    const amount = request.amount!;
    const respondBy = respondByFrom(current, now, now);
    const next = startProposal(
      { ...current, proposals: { ...current.proposals, mediatorCount: current.proposals.mediatorCount + 1 } },
      { kind: 'mediator', state: 'open', requestedBy: null, amount, openedAt: now, respondBy },
    );
    const proposal = next.proposals.current!.number;
    return {
      session: next,
      events: [...events, { type: 'ProposalOpened', proposal, kind: 'mediator', amount, respondBy }],
    };
  }
  const side = by as Side;
  if (current.proposals.requested[side])
    return unavailable('A side may ask for one computed proposal a session.');
  if (!current.hasNumber.claimant || !current.hasNumber.respondent) {
    return unavailable('A computed proposal needs a number from both sides.');
  }
  const next = startProposal(
    {
      ...current,
      proposals: { ...current.proposals, requested: { ...current.proposals.requested, [side]: true } },
    },
    {
      kind: 'computed',
      state: 'requested',
      requestedBy: side,
      amount: null,
      openedAt: null,
      respondBy: null,
    },
  );
  const proposal = next.proposals.current!.number;
  return { session: next, events: [...events, { type: 'ProposalRequested', proposal, side }] };
}

/** The computed proposal waiting for `side`'s consent, or why there is none to consent to. */
function requestedOf(session: Session, side: Side): Rejection | Proposal {
  const current = session.proposals.current;
  if (current?.state !== 'requested') {
    return reject('no_proposal', 'No proposal is waiting for consent.');
  }
  if (current.requestedBy === side)
    return reject('forbidden', 'The side that asked for a proposal does not consent to it.');
  return current;
}

/**
 * `POST /proposals/current/consent`: the other side's consent. `false` declines the request in
 * this write; `true` takes the next seq, and match computes the proposal in seq order.
 */
export function consentToProposal(session: Session, side: Side, consent: boolean, now: number): Result {
  const base = inStep3(session, now);
  if ('rejected' in base) return base;
  const { session: current, events } = base;
  const proposal = requestedOf(current, side);
  if ('rejected' in proposal) return proposal;
  // A consent already given leaves the request waiting for match: there is nothing left to consent to.
  if (current.pendingMoves.some((m) => m.proposal?.number === proposal.number)) {
    return reject('no_proposal', 'No proposal is waiting for consent.');
  }
  if (!consent) {
    return {
      session: withCurrent(current, { ...proposal, state: 'declined' }),
      events: [...events, { type: 'ProposalDeclined', proposal: proposal.number, side }],
    };
  }
  const seq = current.seq + 1;
  const move: Move = {
    seq,
    side,
    step: 'adjustment',
    at: now,
    proposal: { kind: 'computed', number: proposal.number },
  };
  return {
    session: { ...current, seq, pendingMoves: [...current.pendingMoves, move] },
    events: [...events, { type: 'ProposalConsented', proposal: proposal.number, side, seq }],
  };
}

/**
 * `POST /proposals/current/answer`: a side answers once, before `respondBy`. The answer itself is
 * sealed by the adapter; the state keeps only that the side has answered. The answer that
 * completes both takes the next seq: match opens both answers and closes the proposal in seq order.
 */
export function answerProposal(session: Session, side: Side, now: number): Result {
  const base = inStep3(session, now);
  if ('rejected' in base) return base;
  const { session: current, events } = base;
  const proposal = current.proposals.current;
  if (proposal?.state !== 'open' || now >= proposal.respondBy!) {
    return reject('no_proposal', 'No proposal is open for answers.');
  }
  if (proposal.answered[side])
    return reject('already_answered', 'Your side has already answered this proposal.');
  const answered = { ...proposal.answered, [side]: true };
  const next = withCurrent(current, { ...proposal, answered });
  if (!answered.claimant || !answered.respondent) {
    return {
      session: next,
      events: [...events, { type: 'ProposalAnswered', proposal: proposal.number, side, seq: null }],
    };
  }
  const seq = current.seq + 1;
  const move: Move = {
    seq,
    side,
    step: 'adjustment',
    at: now,
    proposal: { kind: 'answers', number: proposal.number },
  };
  return {
    session: { ...next, seq, pendingMoves: [...next.pendingMoves, move] },
    events: [...events, { type: 'ProposalAnswered', proposal: proposal.number, side, seq }],
  };
}

/** The proposal move at the head of the queue, consumed; or why it is not the one expected. */
function consume(
  session: Session,
  seq: number,
  kind: 'computed' | 'answers',
): Rejection | { move: Move; session: Session } {
  const move = session.pendingMoves[0];
  if (!move) return reject('nothing_to_evaluate', 'Every accepted write is evaluated.');
  if (move.seq !== seq || move.proposal?.kind !== kind) {
    return reject('invalid_input', `Expected seq ${move.seq}, got a ${kind} proposal at seq ${seq}.`);
  }
  return {
    move,
    session: { ...session, evaluatedSeq: move.seq, pendingMoves: session.pendingMoves.slice(1) },
  };
}

/**
 * The proposal a proposal's move was taken for, if the session still plays it: a consent's
 * proposal still `requested`, an answer's still `open`. Null when the session ended first (the
 * move is void, and match opens nothing for it).
 */
export function proposalInPlay(session: Session, move: Move): Proposal | null {
  if (session.outcome || session.ended || !move.proposal) return null;
  const current = session.proposals.current;
  const state = move.proposal.kind === 'computed' ? 'requested' : 'open';
  return current?.number === move.proposal.number && current.state === state ? current : null;
}

const voided = (session: Session, seq: number): Transition => ({
  session,
  events: [{ type: 'MoveEvaluated', seq, result: 'void' }],
});

/** The two standing numbers as of a computed proposal's seq, opened by match. */
export interface OpenedNumbers {
  seq: number;
  demand: bigint;
  offer: bigint;
}

/**
 * Match computes a consented proposal in seq order from the standing numbers: refused when they
 * are too far apart, else open at the drawn, neutrally rounded amount. It opened at the consent
 * (not when an evaluation that may lag ran), so `respondBy` counts from the consent.
 */
export function evaluateComputedProposal(
  session: Session,
  numbers: OpenedNumbers,
  random: RandomSource,
  now: number,
): Result {
  const consumed = consume(session, numbers.seq, 'computed');
  if ('rejected' in consumed) return consumed;
  const { move, session: evaluated } = consumed;
  const proposal = proposalInPlay(evaluated, move);
  if (!proposal) return voided(evaluated, move.seq);
  const computed = computeProposalAmount(numbers.demand, numbers.offer, evaluated.proposalGapPercent, random);
  const events: DomainEvent[] = [{ type: 'MoveEvaluated', seq: move.seq, result: 'proposal' }];
  if (computed.refused) {
    events.push({ type: 'ProposalRefused', proposal: proposal.number });
    return advance(withCurrent(evaluated, { ...proposal, state: 'refused' }), events, now);
  }
  const respondBy = respondByFrom(evaluated, move.at, now);
  const { amount } = computed;
  events.push({ type: 'ProposalOpened', proposal: proposal.number, kind: 'computed', amount, respondBy });
  return advance(
    withCurrent(evaluated, { ...proposal, state: 'open', amount, openedAt: move.at, respondBy }),
    events,
    now,
  );
}

/** Both sides' answers to a proposal, opened by match. */
export interface OpenedAnswers {
  seq: number;
  answers: Record<Side, boolean>;
}

/**
 * Match closes a proposal whose answers are complete, in seq order: both yes is a deal at the
 * proposal's amount, settled at the second yes; anything else is `not_accepted`.
 */
export function closeAnsweredProposal(session: Session, opened: OpenedAnswers, now: number): Result {
  const consumed = consume(session, opened.seq, 'answers');
  if ('rejected' in consumed) return consumed;
  const { move, session: evaluated } = consumed;
  const proposal = proposalInPlay(evaluated, move);
  if (!proposal) return voided(evaluated, move.seq);
  if (!opened.answers.claimant || !opened.answers.respondent) {
    return advance(
      withCurrent(evaluated, { ...proposal, state: 'not_accepted' }),
      [
        { type: 'MoveEvaluated', seq: move.seq, result: 'proposal' },
        { type: 'ProposalClosed', proposal: proposal.number, state: 'not_accepted' },
      ],
      now,
    );
  }
  const amount = proposal.amount!;
  const outcome = {
    amount,
    baseAmount: amount,
    bonusSide: null,
    reachedIn: 'proposal' as const,
    settledAt: move.at,
  };
  return {
    session: {
      ...withCurrent(evaluated, { ...proposal, state: 'accepted' }),
      outcome,
      announcedPhase: 'settled',
    },
    events: [
      { type: 'MoveEvaluated', seq: move.seq, result: 'deal' },
      { type: 'ProposalClosed', proposal: proposal.number, state: 'accepted' },
      { type: 'Settled', outcome },
    ],
  };
}

/** The latest proposal as everyone sees it at `now` (closed at `respondBy`, void at an end). */
export function effectiveProposals(session: Session, now: number): Session['proposals'] {
  return advance(session, [], now).session.proposals;
}
