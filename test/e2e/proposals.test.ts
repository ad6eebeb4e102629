/**
 * Double-blind proposals over HTTP, against `npm start` (docs/rules.md, "Double-blind
 * proposals"): both kinds accepted, rejected, unanswered, declined, refused, and voided by a deal
 * by numbers, by the end of step 3 and by a withdrawal. Emails are read back from the local mail
 * journal; none shows a submitted number.
 */
import { describe, expect, inject, it } from 'vitest';
import { E2eClient, type Person, type PreparedSession } from '../support/e2e-client';
import { anyTime, DAY, expectNoAmounts, withSubject } from './expected';

const api = new E2eClient(inject('apiUrl'));
const DEMAND = 41_234_567;
const OFFER = 39_876_543;

/** Step 3 open: the two numbers, 3.3% apart, did not overlap in step 2. */
async function inStep3(domain: string, create: Record<string, unknown> = {}): Promise<PreparedSession> {
  const s = await api.settledStep1({ domain, mediator: true, create });
  await api.submit(s.id, s.claimant, DEMAND);
  await api.submit(s.id, s.respondent, OFFER);
  await api.clock(0);
  expect((await api.view(s.id, s.claimant)).phase).toBe('adjustment');
  return s;
}

async function post(s: PreparedSession, as: Person, path: string, body: unknown, status = 200) {
  const res = await api.call('POST', `/sessions/${s.id}/proposals${path}`, { token: as.token, body });
  expect(res.status, res.text).toBe(status);
  return res.body;
}
const mediatorProposal = (s: PreparedSession, amount = 40_500_000) =>
  post(s, s.mediator!, '', { kind: 'mediator', amount }, 201);
const answer = (s: PreparedSession, as: Person, accept: boolean) =>
  post(s, as, '/current/answer', { accept });
const everyone = (s: PreparedSession) => [s.claimant, s.respondent, s.mediator!];

describe('double-blind proposals over HTTP', () => {
  it('a mediator’s proposal both sides accept is the deal, at its amount', async () => {
    // Prepare
    const s = await inStep3('mediator-accepted.proposals.e2e.example');
    const opened = await mediatorProposal(s);
    // Its email goes out before anyone answers (a notice no longer true after the deal is skipped).
    await api.clock(0);

    // Act
    await answer(s, s.claimant, true);
    await answer(s, s.respondent, true);
    await api.clock(0);

    // Assess
    expect(opened.proposal).toEqual({
      kind: 'mediator',
      state: 'open',
      requestedBy: null,
      amount: 40_500_000,
      respondBy: anyTime(),
      myAnswer: null,
      history: [],
    });
    const view = await api.view(s.id, s.mediator!);
    expect(view.outcome).toEqual({
      amount: 40_500_000,
      baseAmount: 40_500_000,
      bonusSide: null,
      reachedIn: 'proposal',
      settledAt: anyTime(),
    });
    for (const who of everyone(s)) {
      const mail = await api.emails(who.email);
      expect(withSubject(mail, 'A proposal is open')).toHaveLength(1);
      expect(withSubject(mail, 'Deal reached')).toHaveLength(1);
      expectNoAmounts(mail, [DEMAND, OFFER]);
    }
  });

  it('a computed proposal: requested, consented, computed between the numbers, accepted', async () => {
    // Prepare
    const s = await inStep3('computed-accepted.proposals.e2e.example');

    // Act
    const requested = await post(s, s.respondent, '', { kind: 'computed' }, 201);
    await post(s, s.claimant, '/current/consent', { consent: true });
    await api.clock(0);
    const opened = await api.view(s.id, s.claimant);
    await answer(s, s.respondent, true);
    await answer(s, s.claimant, true);
    await api.clock(0);

    // Assess
    expect(requested.proposal).toMatchObject({
      kind: 'computed',
      state: 'requested',
      requestedBy: 'respondent',
    });
    const { amount } = opened.proposal;
    expect(amount).toBeGreaterThanOrEqual(OFFER);
    expect(amount).toBeLessThanOrEqual(DEMAND);
    expect(amount % 100_000).toBe(0);
    expect((await api.view(s.id, s.respondent)).outcome).toMatchObject({ amount, reachedIn: 'proposal' });
    expect(
      withSubject(await api.emails(s.claimant.email), 'The respondent asks for a computed proposal'),
    ).toHaveLength(1);
    expect(withSubject(await api.emails(s.mediator!.email), 'The respondent asks')).toHaveLength(0);
    for (const who of everyone(s)) expectNoAmounts(await api.emails(who.email), [DEMAND, OFFER]);
  });

  it('rejected by one side: not accepted once both answered; each side sees only its own answer', async () => {
    // Prepare
    const s = await inStep3('rejected.proposals.e2e.example');
    await mediatorProposal(s);

    // Act
    await answer(s, s.claimant, false);
    await answer(s, s.respondent, true);
    await api.clock(0);

    // Assess
    expect((await api.view(s.id, s.claimant)).proposal).toMatchObject({
      state: 'not_accepted',
      myAnswer: false,
    });
    expect((await api.view(s.id, s.respondent)).proposal).toMatchObject({
      state: 'not_accepted',
      myAnswer: true,
    });
    expect((await api.view(s.id, s.mediator!)).proposal).toMatchObject({
      state: 'not_accepted',
      myAnswer: null,
    });
    expect((await api.view(s.id, s.claimant)).phase).toBe('adjustment');
    for (const who of everyone(s)) {
      expect(withSubject(await api.emails(who.email), 'Proposal not accepted')).toHaveLength(1);
    }
  });

  it('unanswered: a reminder to the silent side a day before, then not accepted at respondBy', async () => {
    // Prepare
    const s = await inStep3('unanswered.proposals.e2e.example');
    await mediatorProposal(s);
    await answer(s, s.respondent, true);

    // Act
    await api.clock(6 * DAY + 60);
    const open = await api.view(s.id, s.claimant);
    await api.clock(DAY);

    // Assess
    expect(open.proposal.state).toBe('open');
    expect(withSubject(await api.emails(s.claimant.email), 'Reminder: answer the proposal')).toHaveLength(1);
    expect(withSubject(await api.emails(s.respondent.email), 'Reminder: answer the proposal')).toHaveLength(
      0,
    );
    expect(withSubject(await api.emails(s.mediator!.email), 'Reminder: answer the proposal')).toHaveLength(0);
    expect((await api.view(s.id, s.respondent)).proposal).toMatchObject({
      state: 'not_accepted',
      myAnswer: true,
    });
    expect((await api.view(s.id, s.claimant)).proposal).toMatchObject({
      state: 'not_accepted',
      myAnswer: null,
    });
  });

  it('declined, and refused when too far apart', async () => {
    // Prepare
    const declined = await inStep3('declined.proposals.e2e.example');
    const refused = await inStep3('refused.proposals.e2e.example', { proposalGapPercent: 3 });

    // Act
    await post(declined, declined.claimant, '', { kind: 'computed' }, 201);
    const answerToDecline = await post(declined, declined.respondent, '/current/consent', { consent: false });
    await post(refused, refused.claimant, '', { kind: 'computed' }, 201);
    await post(refused, refused.respondent, '/current/consent', { consent: true });
    await api.clock(0);

    // Assess
    expect(answerToDecline.proposal).toMatchObject({ state: 'declined', amount: null });
    expect((await api.view(refused.id, refused.mediator!)).proposal).toMatchObject({
      state: 'refused',
      amount: null,
    });
    for (const who of everyone(refused)) {
      const mail = await api.emails(who.email);
      expect(withSubject(mail, 'Computed proposal refused')).toHaveLength(1);
      expectNoAmounts(mail, [DEMAND, OFFER]);
    }
    expect(
      withSubject(await api.emails(declined.mediator!.email), 'Computed proposal declined'),
    ).toHaveLength(1);
  });

  it('voided by a deal by numbers, by a withdrawal and by the end of step 3', async () => {
    // Prepare
    const byNumbers = await inStep3('void-numbers.proposals.e2e.example');
    const byWithdrawal = await inStep3('void-withdrawal.proposals.e2e.example');
    const byEnd = await inStep3('void-end.proposals.e2e.example', { adjustmentSeconds: 2 * DAY });
    for (const s of [byNumbers, byWithdrawal, byEnd]) await mediatorProposal(s);
    await answer(byNumbers, byNumbers.claimant, true);

    // Act
    await api.submit(byNumbers.id, byNumbers.respondent, DEMAND);
    const withdrawn = await api.call('POST', `/sessions/${byWithdrawal.id}/withdraw`, {
      token: byWithdrawal.claimant.token,
      body: {},
    });
    await api.clock(2 * DAY + 60);

    // Assess
    expect((await api.view(byNumbers.id, byNumbers.claimant)).outcome.reachedIn).toBe('adjustment');
    expect((await api.view(byNumbers.id, byNumbers.claimant)).proposal).toMatchObject({
      state: 'void',
      myAnswer: null,
    });
    expect(withdrawn.body.proposal.state).toBe('void');
    const ended = await api.view(byEnd.id, byEnd.mediator!);
    expect(ended.phase).toBe('no_deal');
    expect(ended.proposal.state).toBe('void');
  });
});
