/**
 * Double-blind proposals (docs/rules.md, "Double-blind proposals") through the real handlers:
 * API → DynamoDB Local → its stream → match (which alone opens numbers and answers) and notify →
 * local SES, with local timers firing phase-timer on the business clock. Both kinds accepted,
 * rejected, unanswered, declined, refused, and voided by a deal by numbers, by the end of step 3
 * and by a withdrawal; every email read back, with no submitted number and nobody's answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Prepared } from '../../support/session-flows';
import { createPipeline, emailsTo, expectNoNumbers, type Json, type Pipeline } from './pipeline';

// Distinctive numbers (cents), 3.3% apart: no rounded proposal can ever equal one of them.
const DEMAND = 41_234_567;
const OFFER = 39_876_543;
const MEDIATOR_AMOUNT = 40_500_000;
const DAY = 86_400;

let p: Pipeline;

beforeAll(async () => {
  p = await createPipeline();
});

/** Step 1 settled with a mediator; step 2 closed without an overlap: step 3 is open. */
async function inStep3(create: Record<string, unknown> = {}): Promise<Prepared> {
  const s = await p.flows.opened({ mediator: true, create });
  expect((await p.submit(s.id, s.claimant, DEMAND)).status).toBe(202);
  expect((await p.submit(s.id, s.respondent, OFFER)).status).toBe(202);
  await p.settle();
  expect((await p.view(s.id, s.claimant)).phase).toBe('adjustment');
  return s;
}

const post = (id: string, as: string, path: string, body: unknown) =>
  p.api.call('POST', `/sessions/${id}/proposals${path}`, { as, body });
const propose = (id: string, as: string, body: unknown) => post(id, as, '', body);
const consent = (id: string, as: string, value: boolean) =>
  post(id, as, '/current/consent', { consent: value });
const answer = (id: string, as: string, accept: boolean) => post(id, as, '/current/answer', { accept });

async function expectOk(res: Promise<{ status: number; body: Json }>, status = 200): Promise<Json> {
  const done = await res;
  expect(done.status, JSON.stringify(done.body)).toBe(status);
  return done.body;
}

async function timersOf(id: string) {
  return (await p.timers.pending()).filter((t) => t.sessionId === id).map((t) => t.name);
}

const everyone = (s: Prepared) => [s.claimant, s.respondent, s.mediator].sort();

describe('a mediator’s proposal', () => {
  it('both yes: a deal at its amount, settled at the second yes, announced by the deal email', async () => {
    // Prepare
    const s = await inStep3();
    const opened = await expectOk(
      propose(s.id, s.mediator, { kind: 'mediator', amount: MEDIATOR_AMOUNT }),
      201,
    );
    await p.settle();

    // Act
    await expectOk(answer(s.id, s.claimant, true));
    const second = await expectOk(answer(s.id, s.respondent, true));
    const secondAt = p.now();
    await p.settle();

    // Assess
    expect(opened.proposal).toEqual({
      kind: 'mediator',
      state: 'open',
      requestedBy: null,
      amount: MEDIATOR_AMOUNT,
      respondBy: expect.any(String),
      myAnswer: null,
      history: [],
    });
    expect(second.proposal).toMatchObject({ state: 'open', myAnswer: true });
    const view = await p.view(s.id, s.mediator);
    expect(view.phase).toBe('settled');
    expect(view.outcome).toMatchObject({
      amount: MEDIATOR_AMOUNT,
      baseAmount: MEDIATOR_AMOUNT,
      bonusSide: null,
      reachedIn: 'proposal',
    });
    expect(Math.abs(Date.parse(view.outcome.settledAt) - secondAt)).toBeLessThan(5_000);
    expect(view.proposal).toMatchObject({ state: 'accepted', myAnswer: null });
    expect((await p.view(s.id, s.claimant)).proposal.myAnswer).toBe(true);
    for (const to of everyone(s)) {
      const [opening] = await emailsTo(p, to, 'A proposal is open');
      expect(opening!.to.sort()).toEqual(everyone(s));
      expect(opening!.text).toContain('Proposed amount: USD 405,000.00');
      const [deal, ...more] = await emailsTo(p, to, 'Deal reached');
      expect(more).toHaveLength(0);
      expect(deal!.text).toContain('Both sides accepted the proposal');
      expect(deal!.text).toContain('Reached in: a double-blind proposal (step 3)');
      expectNoNumbers(await p.emails(to), [DEMAND, OFFER]);
    }
    const item = await p.sessionItem(s.id);
    expect(item.sealed).toEqual({});
    expect(item.answers).toBeUndefined();
    expect(await timersOf(s.id)).toEqual([]);
  });

  it('yes and no: not accepted once both answered; each side sees only its own answer', async () => {
    // Prepare
    const s = await inStep3();
    await expectOk(propose(s.id, s.mediator, { kind: 'mediator', amount: MEDIATOR_AMOUNT }), 201);
    await p.settle();

    // Act
    await expectOk(answer(s.id, s.claimant, true));
    await expectOk(answer(s.id, s.respondent, false));
    await p.settle();

    // Assess
    const views = {
      claimant: await p.view(s.id, s.claimant),
      respondent: await p.view(s.id, s.respondent),
      mediator: await p.view(s.id, s.mediator),
    };
    expect(views.claimant.phase).toBe('adjustment');
    expect(views.claimant.proposal).toMatchObject({ state: 'not_accepted', myAnswer: true });
    expect(views.respondent.proposal).toMatchObject({ state: 'not_accepted', myAnswer: false });
    expect(views.mediator.proposal).toMatchObject({ state: 'not_accepted', myAnswer: null });
    const closed = [];
    for (const to of everyone(s)) {
      const [notAccepted, ...more] = await emailsTo(p, to, 'Proposal not accepted');
      expect(more).toHaveLength(0);
      expect(notAccepted!.to.sort()).toEqual(everyone(s));
      expect(notAccepted!.text).toContain('Nobody learns whether a side said no or did not answer');
      closed.push(notAccepted!.text);
    }
    expect(new Set(closed).size).toBe(1);
    // The proposal's timers are retired; step 3's remain.
    expect((await timersOf(s.id)).sort()).toEqual([`${s.id}.adjustment_reminder`, `${s.id}.session_end`]);
  });

  it('unanswered: a reminder 24 h before respondBy to the side that has not answered, then not accepted', async () => {
    // Prepare
    const s = await inStep3();
    const opened = await expectOk(
      propose(s.id, s.mediator, { kind: 'mediator', amount: MEDIATOR_AMOUNT }),
      201,
    );
    await p.settle();
    await expectOk(answer(s.id, s.claimant, true));
    expect((await timersOf(s.id)).filter((n) => n.includes('.proposal_'))).toEqual([
      `${s.id}.proposal_reminder.p1`,
      `${s.id}.proposal_respond_by.p1`,
    ]);

    // Act
    await p.advance(6 * DAY + 60);
    const stillOpen = await p.view(s.id, s.claimant);
    await p.advance(DAY);

    // Assess
    expect(stillOpen.proposal.state).toBe('open');
    const reminders = (await p.emails()).filter(
      (e) =>
        e.subject.startsWith('Reminder: answer the proposal') && e.to.some((a) => everyone(s).includes(a)),
    );
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.to).toEqual([s.respondent]);
    expect(reminders[0]!.text).toContain('Your side has not answered');
    const claimantView = await p.view(s.id, s.claimant);
    expect(claimantView.proposal).toEqual({ ...opened.proposal, state: 'not_accepted', myAnswer: true });
    expect((await p.view(s.id, s.respondent)).proposal.myAnswer).toBeNull();
    for (const to of everyone(s)) expect(await emailsTo(p, to, 'Proposal not accepted')).toHaveLength(1);
  });

  it('shows the other side the same proposal whether a side said no or did not answer, and nothing changes when it answers', async () => {
    // Prepare: two sessions, the same proposal; the claimant says yes in both.
    const rejected = await inStep3();
    const unanswered = await inStep3();
    for (const s of [rejected, unanswered]) {
      await expectOk(propose(s.id, s.mediator, { kind: 'mediator', amount: MEDIATOR_AMOUNT }), 201);
      await expectOk(answer(s.id, s.claimant, true));
    }
    const before = await p.api.call('GET', `/sessions/${rejected.id}`, { as: rejected.claimant });
    const mediatorBefore = await p.api.call('GET', `/sessions/${rejected.id}`, { as: rejected.mediator });

    // Act: in one session the respondent says no; in the other it says nothing.
    await expectOk(answer(rejected.id, rejected.respondent, false));
    const after = await p.api.call('GET', `/sessions/${rejected.id}`, { as: rejected.claimant });
    const mediatorAfter = await p.api.call('GET', `/sessions/${rejected.id}`, { as: rejected.mediator });
    await p.advance(7 * DAY + 60);

    // Assess: until it closes, the other side's answer changes nothing anyone else sees
    expect(after.rawBody).toBe(before.rawBody);
    expect(mediatorAfter.rawBody).toBe(mediatorBefore.rawBody);
    // Assess: closed, the objects are the same but for the time they were opened at
    const shape = async (s: Prepared, as: string) => {
      const { proposal } = await p.view(s.id, as);
      return { ...proposal, respondBy: typeof proposal.respondBy };
    };
    for (const who of ['claimant', 'mediator'] as const) {
      expect(await shape(rejected, rejected[who])).toEqual(await shape(unanswered, unanswered[who]));
    }
    expect(await shape(rejected, rejected.claimant)).toMatchObject({ state: 'not_accepted', myAnswer: true });
  });
});

describe('a computed proposal', () => {
  it('requested, consented, computed inside [offer, demand], both yes: a deal', async () => {
    // Prepare
    const s = await inStep3();

    // Act
    const requested = await expectOk(propose(s.id, s.claimant, { kind: 'computed' }), 201);
    await p.settle();
    const consented = await expectOk(consent(s.id, s.respondent, true));
    await p.settle();
    const opened = await p.view(s.id, s.respondent);
    await expectOk(answer(s.id, s.respondent, true));
    await expectOk(answer(s.id, s.claimant, true));
    await p.settle();

    // Assess
    expect(requested.proposal).toEqual({
      kind: 'computed',
      state: 'requested',
      requestedBy: 'claimant',
      amount: null,
      respondBy: null,
      myAnswer: null,
      history: [],
    });
    expect(consented.proposal.state).toBe('requested');
    const amount = opened.proposal.amount;
    expect(opened.proposal.state).toBe('open');
    expect(amount).toBeGreaterThanOrEqual(OFFER);
    expect(amount).toBeLessThanOrEqual(DEMAND);
    expect(amount % 100_000).toBe(0);
    const view = await p.view(s.id, s.claimant);
    expect(view.outcome).toMatchObject({
      amount,
      baseAmount: amount,
      bonusSide: null,
      reachedIn: 'proposal',
    });
    // The request went to the other side only, with what a computed proposal discloses.
    const [asked] = await emailsTo(p, s.respondent, 'The claimant asks for a computed proposal');
    expect(asked!.to).toEqual([s.respondent]);
    expect(asked!.text).toContain('its amount lies somewhere between the two standing numbers');
    expect(await emailsTo(p, s.claimant, 'The claimant asks')).toHaveLength(0);
    expect(await emailsTo(p, s.mediator, 'The claimant asks')).toHaveLength(0);
    for (const to of everyone(s)) expectNoNumbers(await p.emails(to), [DEMAND, OFFER]);
  });

  it('refused when the numbers are further apart than proposalGapPercent', async () => {
    // Prepare: a gap of 3.3% of the demand, a limit of 2%
    const s = await inStep3({ proposalGapPercent: 2 });
    await expectOk(propose(s.id, s.respondent, { kind: 'computed' }), 201);

    // Act
    await expectOk(consent(s.id, s.claimant, true));
    await p.settle();

    // Assess
    const view = await p.view(s.id, s.mediator);
    expect(view.proposalGapPercent).toBe(2);
    expect(view.proposal).toMatchObject({
      kind: 'computed',
      state: 'refused',
      amount: null,
      requestedBy: 'respondent',
    });
    for (const to of everyone(s)) {
      const [refused] = await emailsTo(p, to, 'Computed proposal refused');
      expect(refused!.text).toContain('more than 2% of the claimant');
      expectNoNumbers(await p.emails(to), [DEMAND, OFFER]);
    }
    // The respondent has had its one request; the claimant may still ask.
    expect((await propose(s.id, s.respondent, { kind: 'computed' })).body.error.code).toBe(
      'proposal_unavailable',
    );
    await expectOk(propose(s.id, s.claimant, { kind: 'computed' }), 201);
  });

  it('declined: nothing is computed and every party learns it', async () => {
    // Prepare
    const s = await inStep3();
    await expectOk(propose(s.id, s.claimant, { kind: 'computed' }), 201);

    // Act
    const declined = await expectOk(consent(s.id, s.respondent, false));
    await p.settle();

    // Assess
    expect(declined.proposal).toMatchObject({ state: 'declined', amount: null });
    const audit = await p.audit(s.id);
    expect(audit.filter((a) => a.event === 'MoveEvaluated')).toHaveLength(2);
    for (const to of everyone(s)) expect(await emailsTo(p, to, 'Computed proposal declined')).toHaveLength(1);
  });
});

describe('a proposal ends void with the session', () => {
  it('voided by a deal by numbers', async () => {
    // Prepare
    const s = await inStep3();
    await expectOk(propose(s.id, s.mediator, { kind: 'mediator', amount: MEDIATOR_AMOUNT }), 201);
    await expectOk(answer(s.id, s.claimant, true));

    // Act
    expect((await p.submit(s.id, s.respondent, DEMAND)).status).toBe(202);
    await p.settle();

    // Assess
    const view = await p.view(s.id, s.claimant);
    expect(view.outcome.reachedIn).toBe('adjustment');
    expect(view.proposal).toMatchObject({ state: 'void', myAnswer: null });
    expect(await timersOf(s.id)).toEqual([]);
    expect((await answer(s.id, s.respondent, true)).body.error.code).toBe('session_ended');
  });

  it('voided by the end of step 3 when its respondBy is the end', async () => {
    // Prepare: step 3 lasts 3 days, so respondBy is the end of step 3.
    const s = await inStep3({ adjustmentSeconds: 3 * DAY });
    const opened = await expectOk(
      propose(s.id, s.mediator, { kind: 'mediator', amount: MEDIATOR_AMOUNT }),
      201,
    );
    expect(opened.proposal.respondBy).toBe(opened.schedule.endsAt);

    // Act
    await p.advance(3 * DAY + 60);

    // Assess
    const view = await p.view(s.id, s.mediator);
    expect(view.phase).toBe('no_deal');
    expect(view.proposal.state).toBe('void');
    expect(await emailsTo(p, s.claimant, 'Proposal not accepted')).toHaveLength(0);
    expect(await emailsTo(p, s.claimant, 'Ended with no deal')).toHaveLength(1);
  });

  it('voided by a withdrawal, a requested one included', async () => {
    // Prepare
    const s = await inStep3();
    await expectOk(propose(s.id, s.respondent, { kind: 'computed' }), 201);

    // Act
    const withdrawn = await p.withdraw(s.id, s.claimant);
    await p.settle();

    // Assess
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.proposal).toMatchObject({ kind: 'computed', state: 'void' });
    expect((await consent(s.id, s.claimant, true)).body.error.code).toBe('session_ended');
  });
});

describe('an answer is sealed and never stored in plaintext', () => {
  it('keeps only that a side answered, its answer sealed at a fixed width; a retry replays it', async () => {
    // Prepare
    const s = await inStep3();
    await expectOk(propose(s.id, s.mediator, { kind: 'mediator', amount: MEDIATOR_AMOUNT }), 201);
    const headers = { 'idempotency-key': 'answer-once' };

    // Act
    const first = await p.api.call('POST', `/sessions/${s.id}/proposals/current/answer`, {
      as: s.claimant,
      body: { accept: false },
      headers,
    });
    const retry = await p.api.call('POST', `/sessions/${s.id}/proposals/current/answer`, {
      as: s.claimant,
      body: { accept: false },
      headers,
    });
    const again = await answer(s.id, s.claimant, true);
    const yes = await expectOk(answer(s.id, s.respondent, true));

    // Assess: the retry is the first response, `myAnswer` included
    expect(first.status).toBe(200);
    expect(first.body.proposal.myAnswer).toBe(false);
    expect(retry.rawBody).toBe(first.rawBody);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_answered');
    expect(yes.proposal.myAnswer).toBe(true);
    // Assess: the session item holds two sealed answers of equal length, and that both answered
    const item = await p.sessionItem(s.id);
    expect(item.proposals.current.answered).toEqual({ claimant: true, respondent: true });
    expect(item.answers.proposal).toBe(1);
    expect(item.answers.sealed.claimant.length).toBe(36);
    expect(item.answers.sealed.respondent.length).toBe(36);
    // Assess: no stored item says how anyone answered (the idempotency record's view included)
    for (const stored of await p.api.sessionItems(s.id)) {
      expect(JSON.stringify(stored)).not.toMatch(/"myAnswer":(true|false)|"accept"/);
    }
    const idempotency = (await p.api.scanRaw()).filter((i) => i.pk?.S?.startsWith('IDEMPOTENCY#'));
    const mine = idempotency.filter((i) => JSON.stringify(i).includes(s.id));
    expect(mine.length).toBeGreaterThan(0);
    for (const record of mine) {
      const stored = JSON.parse(record.response!.S!);
      expect(stored.body.proposal.myAnswer).toBeNull();
      expect(record.response!.S!).not.toMatch(/"accept"|"myAnswer":(true|false)/);
    }
  });
});
