import { describe, expect, it } from 'vitest';
import {
  answerProposal,
  closeAnsweredProposal,
  consentToProposal,
  effectivePhase,
  effectiveProposals,
  evaluateComputedProposal,
  evaluateNext,
  finalizeDue,
  nextEvaluation,
  proposalInPlay,
  requestProposal,
  type Session,
  withdraw,
} from '../../../../shared/engine/session';
import { MAX_AMOUNT } from '../../../../shared/engine/types';
import { DEMAND, OFFER, OPENED, ProposalNegotiation, STEP3_ENDS } from './proposal-support';
import { accepted, DAY, HOUR, noDraw, rejectionOf, SECOND, settledSession, T0 } from './support';

const WEEK = 7 * DAY;
const AT = OPENED + HOUR;
const mediatorProposal = (amount: bigint | null = 950_000n) => ({ kind: 'mediator' as const, amount });
const computed = { kind: 'computed' as const, amount: null };

describe('requestProposal', () => {
  it('opens a mediator’s proposal at once, answerable for 7 days', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();

    // Act
    const events = n.request('mediator', mediatorProposal(), AT);

    // Assess
    expect(events).toEqual([
      { type: 'ProposalOpened', proposal: 1, kind: 'mediator', amount: 950_000n, respondBy: AT + WEEK },
    ]);
    expect(n.session.proposals).toEqual({
      current: {
        number: 1,
        kind: 'mediator',
        state: 'open',
        requestedBy: null,
        amount: 950_000n,
        openedAt: AT,
        respondBy: AT + WEEK,
        answered: { claimant: false, respondent: false },
      },
      history: [],
      mediatorCount: 1,
      requested: { claimant: false, respondent: false },
    });
  });

  it('caps respondBy at the end of step 3', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    const late = STEP3_ENDS - 2 * DAY;

    // Act
    n.request('mediator', mediatorProposal(), late);

    // Assess
    expect(n.session.proposals.current?.respondBy).toBe(STEP3_ENDS);
  });

  it('records a side’s request for a computed proposal, waiting for the other side’s consent', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();

    // Act
    const events = n.request('claimant', computed, AT);

    // Assess
    expect(events).toEqual([{ type: 'ProposalRequested', proposal: 1, side: 'claimant' }]);
    expect(n.session.proposals.current).toMatchObject({
      kind: 'computed',
      state: 'requested',
      requestedBy: 'claimant',
      amount: null,
      respondBy: null,
    });
    expect(n.session.proposals.requested).toEqual({ claimant: true, respondent: false });
    expect(n.session.seq).toBe(2);
  });

  it('refuses the wrong kind for the role: 403', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();

    // Act
    const sideNamesAmount = requestProposal(n.session, 'claimant', mediatorProposal(), AT);
    const mediatorComputes = requestProposal(n.session, 'mediator', computed, AT);

    // Assess
    expect(rejectionOf(sideNamesAmount)).toBe('forbidden');
    expect(rejectionOf(mediatorComputes)).toBe('forbidden');
  });

  it.each([
    ['no amount', null],
    ['0', 0n],
    ['above 10^15', MAX_AMOUNT + 1n],
  ])('refuses a mediator’s proposal with %s as its amount', (_name, amount) => {
    // Prepare
    const n = ProposalNegotiation.inStep3();

    // Act
    const result = requestProposal(n.session, 'mediator', { kind: 'mediator', amount }, AT);

    // Assess
    expect(rejectionOf(result)).toBe('invalid_input');
  });

  it('refuses an amount on a computed proposal', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();

    // Act
    const result = requestProposal(n.session, 'claimant', { kind: 'computed', amount: 5n }, AT);

    // Assess
    expect(rejectionOf(result)).toBe('invalid_input');
  });

  it('answers round_not_open before step 3', () => {
    // Prepare
    const session = settledSession();

    // Act
    const result = requestProposal(session, 'mediator', mediatorProposal(), T0 + HOUR);

    // Assess
    expect(rejectionOf(result)).toBe('round_not_open');
  });

  it('answers session_ended after an end, and once step 3’s time is up', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    const withdrawn = accepted(withdraw(n.session, 'claimant', AT)).session;
    n.submit('claimant', DEMAND, STEP3_ENDS - SECOND);

    // Act
    const afterWithdrawal = requestProposal(withdrawn, 'mediator', mediatorProposal(), AT);
    // Still `adjustment` (a number waits for match), but the end has come.
    const atTheEnd = requestProposal(n.session, 'mediator', mediatorProposal(), STEP3_ENDS);

    // Assess
    expect(rejectionOf(afterWithdrawal)).toBe('session_ended');
    expect(effectivePhase(n.session, STEP3_ENDS)).toBe('adjustment');
    expect(rejectionOf(atTheEnd)).toBe('session_ended');
  });

  it('answers proposal_unavailable while a proposal is requested or open', () => {
    // Prepare
    const requested = ProposalNegotiation.inStep3();
    requested.request('claimant', computed, AT);
    const open = ProposalNegotiation.inStep3();
    open.request('mediator', mediatorProposal(), AT);

    // Act
    const whileRequested = requestProposal(requested.session, 'mediator', mediatorProposal(), AT);
    const whileOpen = requestProposal(open.session, 'respondent', computed, AT);

    // Assess
    expect(rejectionOf(whileRequested)).toBe('proposal_unavailable');
    expect(rejectionOf(whileOpen)).toBe('proposal_unavailable');
  });

  it('lets a mediator issue 3 proposals, not a 4th; each earlier one moves to the history', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    let now = AT;
    for (let i = 0; i < 3; i++) {
      n.request('mediator', mediatorProposal(), now);
      now += WEEK; // each closes at its respondBy, unanswered
    }

    // Act
    const fourth = requestProposal(n.session, 'mediator', mediatorProposal(), now);

    // Assess
    expect(rejectionOf(fourth)).toBe('proposal_unavailable');
    expect(n.session.proposals.mediatorCount).toBe(3);
    expect(n.session.proposals.history).toEqual([
      { kind: 'mediator', state: 'not_accepted' },
      { kind: 'mediator', state: 'not_accepted' },
    ]);
    expect(n.session.proposals.current?.number).toBe(3);
  });

  it('closes an overdue open proposal in the write that starts the next one', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(), AT);

    // Act
    const events = n.request('claimant', computed, AT + WEEK);

    // Assess
    expect(events).toEqual([
      { type: 'ProposalClosed', proposal: 1, state: 'not_accepted' },
      { type: 'ProposalRequested', proposal: 2, side: 'claimant' },
    ]);
    expect(n.session.proposals.history).toEqual([{ kind: 'mediator', state: 'not_accepted' }]);
  });

  it('lets each side ask for one computed proposal a session', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('claimant', computed, AT);
    n.consent('respondent', false, AT);

    // Act
    const again = requestProposal(n.session, 'claimant', computed, AT + HOUR);
    const otherSide = requestProposal(n.session, 'respondent', computed, AT + HOUR);

    // Assess
    expect(rejectionOf(again)).toBe('proposal_unavailable');
    expect(rejectionOf(otherSide)).toBeNull();
  });

  it('needs a number from both sides for a computed proposal', () => {
    // Prepare: step 2 closed at its deadline with only the claimant's number.
    const n = new ProposalNegotiation(settledSession());
    n.submit('claimant', DEMAND, T0 + HOUR);
    n.evaluateAll(T0 + HOUR);
    const inStep3 = T0 + 49 * HOUR;

    // Act
    const result = requestProposal(n.session, 'claimant', computed, inStep3);

    // Assess
    expect(effectivePhase(n.session, inStep3)).toBe('adjustment');
    expect(rejectionOf(result)).toBe('proposal_unavailable');
  });
});

describe('consentToProposal', () => {
  it('declines the request in the write of a consent of false', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('claimant', computed, AT);

    // Act
    const events = n.consent('respondent', false, AT + HOUR);

    // Assess
    expect(events).toEqual([{ type: 'ProposalDeclined', proposal: 1, side: 'respondent' }]);
    expect(n.session.proposals.current?.state).toBe('declined');
    expect(n.session.seq).toBe(2);
  });

  it('gives a consent of true the next seq; the request waits for match', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('claimant', computed, AT);

    // Act
    const events = n.consent('respondent', true, AT + HOUR);

    // Assess
    expect(events).toEqual([{ type: 'ProposalConsented', proposal: 1, side: 'respondent', seq: 3 }]);
    expect(n.session.proposals.current?.state).toBe('requested');
    expect(n.session.pendingMoves).toEqual([
      {
        seq: 3,
        side: 'respondent',
        step: 'adjustment',
        at: AT + HOUR,
        proposal: { kind: 'computed', number: 1 },
      },
    ]);
    expect(nextEvaluation(n.session)).toEqual({ move: n.session.pendingMoves[0], otherSeq: null });
  });

  it('answers no_proposal without a request, and to a second consent', () => {
    // Prepare
    const none = ProposalNegotiation.inStep3();
    const mediators = ProposalNegotiation.inStep3();
    mediators.request('mediator', mediatorProposal(), AT);
    const consented = ProposalNegotiation.inStep3();
    consented.request('claimant', computed, AT);
    consented.submit('respondent', OFFER, AT); // a number waits for match too
    consented.consent('respondent', true, AT);

    // Act
    const results = [
      consentToProposal(none.session, 'respondent', true, AT),
      consentToProposal(mediators.session, 'respondent', true, AT),
      consentToProposal(consented.session, 'respondent', false, AT),
    ];

    // Assess
    expect(results.map(rejectionOf)).toEqual(['no_proposal', 'no_proposal', 'no_proposal']);
  });

  it('refuses the requesting side’s consent: 403', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('claimant', computed, AT);

    // Act
    const result = consentToProposal(n.session, 'claimant', true, AT);

    // Assess
    expect(rejectionOf(result)).toBe('forbidden');
  });

  it('answers session_ended after an end', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('claimant', computed, AT);
    const withdrawn = accepted(withdraw(n.session, 'claimant', AT)).session;

    // Act
    const result = consentToProposal(withdrawn, 'respondent', true, AT);

    // Assess
    expect(rejectionOf(result)).toBe('session_ended');
  });
});

describe('answerProposal', () => {
  it('records only that a side answered; the second answer takes the next seq', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(), AT);

    // Act
    const first = n.answer('respondent', false, AT + HOUR);
    const second = n.answer('claimant', true, AT + 2 * HOUR);

    // Assess
    expect(first).toEqual([{ type: 'ProposalAnswered', proposal: 1, side: 'respondent', seq: null }]);
    expect(second).toEqual([{ type: 'ProposalAnswered', proposal: 1, side: 'claimant', seq: 3 }]);
    expect(n.session.proposals.current).toMatchObject({
      state: 'open',
      answered: { claimant: true, respondent: true },
    });
    expect(n.session.pendingMoves).toEqual([
      {
        seq: 3,
        side: 'claimant',
        step: 'adjustment',
        at: AT + 2 * HOUR,
        proposal: { kind: 'answers', number: 1 },
      },
    ]);
  });

  it('answers already_answered to a side’s second answer', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(), AT);
    n.answer('claimant', true, AT);

    // Act
    const result = answerProposal(n.session, 'claimant', AT + HOUR);

    // Assess
    expect(rejectionOf(result)).toBe('already_answered');
  });

  it('answers no_proposal when none is open: none yet, a request, and from respondBy on', () => {
    // Prepare
    const none = ProposalNegotiation.inStep3();
    const requested = ProposalNegotiation.inStep3();
    requested.request('claimant', computed, AT);
    const open = ProposalNegotiation.inStep3();
    open.request('mediator', mediatorProposal(), AT);
    open.submit('claimant', DEMAND, AT + WEEK - SECOND); // still waiting for match at respondBy

    // Act
    const results = [
      answerProposal(none.session, 'claimant', AT),
      answerProposal(requested.session, 'respondent', AT),
      answerProposal(open.session, 'claimant', AT + WEEK),
    ];

    // Assess
    expect(results.map(rejectionOf)).toEqual(['no_proposal', 'no_proposal', 'no_proposal']);
    expect(effectiveProposals(open.session, AT + WEEK).current?.state).toBe('open');
  });
});

describe('evaluateComputedProposal', () => {
  it('opens the proposal at the consent, at a drawn amount inside [offer, demand]', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('claimant', computed, AT);
    n.consent('respondent', true, AT + HOUR);

    // Act
    const events = n.evaluate(AT + 2 * HOUR);

    // Assess
    const amount = n.session.proposals.current!.amount!;
    expect(amount >= OFFER && amount <= DEMAND).toBe(true);
    expect(amount % 1_000n).toBe(0n); // 6 digits: rounded to 3 significant figures
    expect(events).toEqual([
      { type: 'MoveEvaluated', seq: 3, result: 'proposal' },
      { type: 'ProposalOpened', proposal: 1, kind: 'computed', amount, respondBy: AT + HOUR + WEEK },
    ]);
    expect(n.session.proposals.current).toMatchObject({ state: 'open', openedAt: AT + HOUR });
    expect(n.session.evaluatedSeq).toBe(3);
    expect(n.session.standingSeq).toEqual({ claimant: 1, respondent: 2 });
  });

  it('refuses it when D − O > D × gap / 100, and opens it at exactly the gap', () => {
    // Prepare: a gap of 10% of the demand.
    const tooFar = ProposalNegotiation.inStep3({ gap: 9 });
    const justIn = ProposalNegotiation.inStep3({ gap: 10 });
    for (const n of [tooFar, justIn]) {
      n.request('respondent', computed, AT);
      n.consent('claimant', true, AT);
    }

    // Act
    const refused = tooFar.evaluate(AT);
    justIn.evaluate(AT);

    // Assess
    expect(refused).toEqual([
      { type: 'MoveEvaluated', seq: 3, result: 'proposal' },
      { type: 'ProposalRefused', proposal: 1 },
    ]);
    expect(tooFar.session.proposals.current).toMatchObject({ state: 'refused', amount: null });
    expect(justIn.session.proposals.current?.state).toBe('open');
  });

  it('computes from the standing numbers as of its seq, not from later ones', () => {
    // Prepare: the claimant moves after the consent, before match runs.
    const n = ProposalNegotiation.inStep3({ gap: 10 });
    n.request('respondent', computed, AT);
    n.consent('claimant', true, AT);
    n.submit('claimant', 5_000_000n, AT);

    // Act
    n.evaluateAll(AT);

    // Assess: computed from [900,000, 1,000,000], not refused by the later 5,000,000.
    const amount = n.session.proposals.current!.amount!;
    expect(amount >= OFFER && amount <= DEMAND).toBe(true);
  });

  it('is void when a deal by an earlier number ended the session first', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('claimant', computed, AT);
    n.submit('respondent', 2_000_000n, AT); // overlaps: a deal at seq 3
    n.consent('respondent', true, AT);

    // Act
    const events = n.evaluateAll(AT);

    // Assess
    expect(events).toContainEqual({ type: 'ProposalVoided', proposal: 1 });
    expect(events).toContainEqual({ type: 'MoveEvaluated', seq: 4, result: 'void' });
    expect(n.session.outcome?.reachedIn).toBe('adjustment');
    expect(n.session.proposals.current?.state).toBe('void');
  });

  it('refuses anything but the computed proposal at the head of the queue', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('claimant', computed, AT);
    n.consent('respondent', true, AT);
    const numberFirst = ProposalNegotiation.inStep3();
    numberFirst.submit('claimant', DEMAND, AT);
    const numbers = { demand: DEMAND, offer: OFFER };

    // Act
    const results = [
      evaluateComputedProposal(ProposalNegotiation.inStep3().session, { seq: 3, ...numbers }, noDraw, AT),
      evaluateComputedProposal(n.session, { seq: 4, ...numbers }, noDraw, AT),
      evaluateComputedProposal(numberFirst.session, { seq: 3, ...numbers }, noDraw, AT),
      evaluateNext(n.session, { seq: 3, moverAmount: 1n, otherAmount: null }, noDraw, AT),
    ];

    // Assess
    expect(results.map(rejectionOf)).toEqual([
      'nothing_to_evaluate',
      'invalid_input',
      'invalid_input',
      'invalid_input',
    ]);
  });

  it('counts respondBy from the consent and caps it at the end, however late match runs', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('claimant', computed, AT);
    n.consent('respondent', true, STEP3_ENDS - DAY);

    // Act
    n.evaluate(STEP3_ENDS - DAY + 5 * SECOND);

    // Assess
    expect(n.session.proposals.current).toMatchObject({ openedAt: STEP3_ENDS - DAY, respondBy: STEP3_ENDS });
  });
});

describe('closeAnsweredProposal', () => {
  it('makes both yeses a deal at the proposal’s amount, settled at the second yes', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(950_000n), AT);
    n.answer('claimant', true, AT + HOUR);
    n.answer('respondent', true, AT + 2 * HOUR);

    // Act
    const events = n.evaluate(AT + 3 * HOUR);

    // Assess
    const outcome = {
      amount: 950_000n,
      baseAmount: 950_000n,
      bonusSide: null,
      reachedIn: 'proposal',
      settledAt: AT + 2 * HOUR,
    };
    expect(events).toEqual([
      { type: 'MoveEvaluated', seq: 3, result: 'deal' },
      { type: 'ProposalClosed', proposal: 1, state: 'accepted' },
      { type: 'Settled', outcome },
    ]);
    expect(n.session.outcome).toEqual(outcome);
    expect(n.session.proposals.current?.state).toBe('accepted');
    expect(effectivePhase(n.session, AT + 3 * HOUR)).toBe('settled');
  });

  it.each([
    [true, false],
    [false, true],
    [false, false],
  ])('closes it not_accepted for claimant %s, respondent %s', (claimant, respondent) => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(), AT);
    n.answer('claimant', claimant, AT);
    n.answer('respondent', respondent, AT);

    // Act
    const events = n.evaluate(AT);

    // Assess
    expect(events).toEqual([
      { type: 'MoveEvaluated', seq: 3, result: 'proposal' },
      { type: 'ProposalClosed', proposal: 1, state: 'not_accepted' },
    ]);
    expect(n.session.outcome).toBeNull();
    expect(effectivePhase(n.session, AT)).toBe('adjustment');
  });

  it('is void when an earlier number made a deal: the deal by numbers wins', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(), AT);
    n.answer('claimant', true, AT);
    n.submit('claimant', OFFER, AT); // meets the offer: a deal at seq 3
    n.answer('respondent', true, AT); // the second yes takes seq 4

    // Act
    const events = n.evaluateAll(AT);

    // Assess
    expect(n.session.outcome).toMatchObject({ reachedIn: 'adjustment', baseAmount: OFFER });
    expect(events).toContainEqual({ type: 'MoveEvaluated', seq: 4, result: 'void' });
    expect(n.session.proposals.current?.state).toBe('void');
  });

  it('wins over a matching number accepted after the second yes', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(950_000n), AT);
    n.answer('claimant', true, AT);
    n.answer('respondent', true, AT); // seq 3
    n.submit('claimant', OFFER, AT); // seq 4, would meet the offer

    // Act
    const events = n.evaluateAll(AT);

    // Assess
    expect(n.session.outcome).toMatchObject({ reachedIn: 'proposal', amount: 950_000n });
    expect(events).toContainEqual({ type: 'MoveEvaluated', seq: 4, result: 'void' });
  });

  it('refuses anything but the answers at the head of the queue', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(), AT);
    n.submit('claimant', DEMAND, AT);
    const answers = { claimant: true, respondent: true };

    // Act
    const wrongKind = closeAnsweredProposal(n.session, { seq: 3, answers }, AT);
    n.evaluateAll(AT);
    const nothing = closeAnsweredProposal(n.session, { seq: 4, answers }, AT);

    // Assess
    expect(rejectionOf(wrongKind)).toBe('invalid_input');
    expect(rejectionOf(nothing)).toBe('nothing_to_evaluate');
  });
});

describe('proposalInPlay', () => {
  it('names the proposal a move was taken for only while the session still plays it', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('claimant', computed, AT);
    n.consent('respondent', true, AT);
    const move = n.session.pendingMoves[0]!;
    const numberMove = { seq: 9, side: 'claimant' as const, step: 'adjustment' as const, at: AT };
    const other = { ...move, proposal: { kind: 'computed' as const, number: 2 } };
    const asAnswers = { ...move, proposal: { kind: 'answers' as const, number: 1 } };
    const ended: Session = { ...n.session, ended: { reason: 'withdrawn', at: AT } };

    // Act
    const results = [
      proposalInPlay(n.session, move),
      proposalInPlay(n.session, numberMove),
      proposalInPlay(n.session, other),
      proposalInPlay(n.session, asAnswers),
      proposalInPlay(ended, move),
    ];

    // Assess
    expect(results[0]?.number).toBe(1);
    expect(results.slice(1)).toEqual([null, null, null, null]);
  });
});

describe('respondBy and the end of the session', () => {
  it('closes an open proposal not_accepted at respondBy with fewer than two answers', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(), AT);
    n.answer('claimant', true, AT);

    // Act
    const before = finalizeDue(n.session, AT + WEEK - SECOND);
    const at = finalizeDue(n.session, AT + WEEK);

    // Assess
    expect(before.events).toEqual([]);
    expect(at.events).toEqual([{ type: 'ProposalClosed', proposal: 1, state: 'not_accepted' }]);
    expect(effectiveProposals(n.session, AT + WEEK).current?.state).toBe('not_accepted');
  });

  it('waits at respondBy for every accepted write to be evaluated', () => {
    // Prepare: the second answer came in time; match has not run yet.
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(), AT);
    n.answer('claimant', true, AT);
    n.answer('respondent', true, AT + WEEK - SECOND);

    // Act
    const timer = finalizeDue(n.session, AT + WEEK);
    n.evaluateAll(AT + WEEK + SECOND);

    // Assess
    expect(timer.events).toEqual([]);
    expect(n.session.outcome).toMatchObject({ reachedIn: 'proposal', settledAt: AT + WEEK - SECOND });
  });

  it('voids an open proposal whose respondBy is the end of step 3, with the end', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(), STEP3_ENDS - DAY);

    // Act
    const { session, events } = finalizeDue(n.session, STEP3_ENDS);

    // Assess
    expect(events).toEqual([
      { type: 'NoDeal', at: STEP3_ENDS },
      { type: 'ProposalVoided', proposal: 1 },
    ]);
    expect(session.proposals.current?.state).toBe('void');
  });

  it('closes at respondBy before the end when a late timer finalizes both', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(), AT);

    // Act
    const { events } = finalizeDue(n.session, STEP3_ENDS + DAY);

    // Assess
    expect(events).toEqual([
      { type: 'ProposalClosed', proposal: 1, state: 'not_accepted' },
      { type: 'NoDeal', at: STEP3_ENDS },
    ]);
  });

  it('voids a requested proposal at the end of step 3, and an open one with a withdrawal', () => {
    // Prepare
    const requested = ProposalNegotiation.inStep3();
    requested.request('claimant', computed, AT);
    const open = ProposalNegotiation.inStep3();
    open.request('mediator', mediatorProposal(), AT);

    // Act
    const ended = finalizeDue(requested.session, STEP3_ENDS);
    const withdrawn = accepted(withdraw(open.session, 'respondent', AT + HOUR));

    // Assess
    expect(ended.events).toContainEqual({ type: 'ProposalVoided', proposal: 1 });
    expect(withdrawn.events).toEqual([
      { type: 'Withdrawn', side: 'respondent', at: AT + HOUR },
      { type: 'ProposalVoided', proposal: 1 },
    ]);
    expect(withdrawn.session.proposals.current?.state).toBe('void');
  });

  it('leaves a closed proposal as it is when the session ends', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('claimant', computed, AT);
    n.consent('respondent', false, AT);

    // Act
    const withdrawn = accepted(withdraw(n.session, 'respondent', AT + HOUR));

    // Assess
    expect(withdrawn.events).toEqual([{ type: 'Withdrawn', side: 'respondent', at: AT + HOUR }]);
    expect(withdrawn.session.proposals.current?.state).toBe('declined');
  });

  it('voids an open proposal in the write of a deal by numbers', () => {
    // Prepare
    const n = ProposalNegotiation.inStep3();
    n.request('mediator', mediatorProposal(), AT);
    n.submit('respondent', DEMAND, AT + HOUR);

    // Act
    const events = n.evaluate(AT + HOUR);

    // Assess
    expect(events.map((e) => e.type)).toEqual(['MoveEvaluated', 'Settled', 'ProposalVoided']);
    expect(consentToProposal(n.session, 'respondent', true, AT + HOUR)).toMatchObject({
      rejected: 'session_ended',
    });
  });
});
