/**
 * The negotiation end to end through the real handlers: API → DynamoDB Local → its stream → match
 * and notify → the local SES endpoint, with local timers firing phase-timer on the business clock.
 * Every email of docs/rules.md, "Emails" is read back with its recipients, its subject, and the check that no
 * submitted number appears in it (raw, with separators, in major units).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_URL, createPipeline, emailsTo, expectNoNumbers, type Pipeline, SENDER } from './pipeline';

// Distinctive amounts (cents): a leak would be unmistakable.
const HIGH = 8204417730519;
const LOW = 7391846250193;
const DAY = 86_400;

let p: Pipeline;

beforeAll(async () => {
  p = await createPipeline();
});

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const utcMinute = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 10)} ${new Date(ms).toISOString().slice(11, 16)} UTC`;

/** base × (100 ± p) / 100, rounded half to even (docs/rules.md, "Match and deal amount"). */
function withBonus(base: bigint, side: 'claimant' | 'respondent', percent: number): bigint {
  const n = base * BigInt(side === 'claimant' ? 100 + percent : 100 - percent);
  const q = n / 100n;
  const r = n % 100n;
  return r * 2n > 100n || (r * 2n === 100n && q % 2n === 1n) ? q + 1n : q;
}

async function timersOf(id: string) {
  return (await p.timers.pending()).filter((t) => t.sessionId === id).map((t) => t.event);
}

describe('step 2 (initial round)', () => {
  it('opens at once when step 1 settles: every member and the mediator learn its deadline and the bonus rule', async () => {
    const s = await p.flows.opened({ mediator: true });
    await p.settle();
    const view = await p.view(s.id, s.claimant);
    for (const to of [s.claimant, s.respondent, s.mediator]) {
      const [opened, ...more] = await emailsTo(p, to, 'Step 2 is open');
      expect(more).toHaveLength(0);
      expect(opened!.to.sort()).toEqual([s.claimant, s.respondent, s.mediator].sort());
      expect(opened!.subject).toBe(
        `Step 2 is open until ${utcMinute(Date.parse(view.schedule.initialRoundEndsAt))}: Acme v. Widget`,
      );
      expect(opened!.text).toContain('gets a 5% bonus');
      expect(opened!.html).toContain('gets a 5% bonus');
    }
    expect(await timersOf(s.id)).toEqual(
      expect.arrayContaining(['initial_round_deadline', 'initial_round_reminder']),
    );
  });

  it('a requested later start opens step 2 by its timer, on the business clock', async () => {
    const startsAt = p.now() + 3600_000;
    const s = await p.flows.opened({
      create: { startsAt: new Date(startsAt).toISOString(), initialRoundSeconds: 7200 },
    });
    await p.settle();
    expect((await p.view(s.id, s.claimant)).phase).toBe('scheduled');
    expect(await emailsTo(p, s.claimant, 'Step 2 is open')).toHaveLength(0);
    expect(await timersOf(s.id)).toEqual(
      expect.arrayContaining(['initial_round_opens', 'initial_round_deadline']),
    );

    await p.advance(3601);
    expect((await p.view(s.id, s.claimant)).phase).toBe('initial_round');
    const [opened] = await emailsTo(p, s.respondent, 'Step 2 is open');
    expect(opened!.subject).toContain(utcMinute(startsAt + 7200_000));
  });

  it('an exact match is a deal at that number, announced to every member and the mediator', async () => {
    const s = await p.flows.opened({ mediator: true });
    expect((await p.submit(s.id, s.claimant, LOW)).status).toBe(202);
    expect((await p.submit(s.id, s.respondent, LOW)).status).toBe(202);
    await p.settle();

    const view = await p.view(s.id, s.mediator);
    expect(view.phase).toBe('settled');
    expect(view.outcome).toMatchObject({
      amount: LOW,
      baseAmount: LOW,
      bonusSide: null,
      reachedIn: 'initial_round',
    });
    for (const to of [s.claimant, s.respondent, s.mediator]) {
      const [deal, ...more] = await emailsTo(p, to, 'Deal reached');
      expect(more).toHaveLength(0);
      expect(deal!.subject).toBe('Deal reached: Acme v. Widget');
      expect(deal!.to.sort()).toEqual([s.claimant, s.respondent, s.mediator].sort());
      expect(deal!.from).toContain(SENDER);
      // The outcome is not secret (an exact match is the number itself, inherent to the product).
      expect(deal!.text).toContain('Final amount: USD 73,918,462,501.93');
      expect(deal!.text).toContain('Bonus: none');
      expect(deal!.text).toContain('No terms: numbers first.');
      expect(deal!.text).toContain(`${APP_URL}/sessions/${s.id}`);
    }
    // The session ended: numbers deleted, timers cancelled.
    expect((await p.sessionItem(s.id)).sealed).toEqual({});
    expect(await timersOf(s.id)).toEqual([]);
  });

  it('an overlap is a deal inside [demand, offer] with at most 3 significant figures; the email has the terms', async () => {
    const s = await p.flows.joined({ mediator: true });
    const terms = 'Settlement agreement <draft> & "release" of all claims.\nSecond line.';
    expect(
      (await p.api.call('PUT', `/sessions/${s.id}/terms`, { as: s.claimant, body: { text: terms } })).status,
    ).toBe(200);
    expect(
      (await p.api.call('POST', `/sessions/${s.id}/terms/accept`, { as: s.respondent, body: { version: 1 } }))
        .status,
    ).toBe(200);
    expect((await p.submit(s.id, s.claimant, LOW)).status).toBe(202);
    expect((await p.submit(s.id, s.respondent, HIGH)).status).toBe(202);
    await p.settle();

    const { outcome, phase } = await p.view(s.id, s.claimant);
    expect(phase).toBe('settled');
    expect(outcome.reachedIn).toBe('initial_round');
    expect(outcome.bonusSide).toBeNull();
    expect(outcome.amount).toBe(outcome.baseAmount);
    expect(outcome.amount).toBeGreaterThanOrEqual(LOW);
    expect(outcome.amount).toBeLessThanOrEqual(HIGH);
    expect(outcome.amount % 10_000_000_000).toBe(0);

    const mails = await p.emails(s.mediator);
    expectNoNumbers(mails, [LOW, HIGH]);
    const [deal] = await emailsTo(p, s.mediator, 'Deal reached');
    expect(deal!.text).toContain(terms);
    expect(deal!.html).toContain(
      'Settlement agreement &lt;draft&gt; &amp; &quot;release&quot; of all claims.',
    );
    expect(deal!.html).not.toContain('<draft>');
  });

  it('no overlap closes step 2 at the completing write: step 3 opens for adjustmentSeconds, nothing revealed', async () => {
    const s = await p.flows.opened({ mediator: true, create: { adjustmentSeconds: 10 * DAY } });
    expect((await p.submit(s.id, s.claimant, HIGH)).status).toBe(202);
    const completing = await p.submit(s.id, s.respondent, LOW);
    expect(completing.status).toBe(202);
    await p.settle();

    const view = await p.view(s.id, s.claimant);
    expect(view.phase).toBe('adjustment');
    const endsAt = Date.parse(completing.body.submittedAt) + 10 * DAY * 1000;
    expect(view.schedule.endsAt).toBe(iso(endsAt));
    for (const to of [s.claimant, s.respondent, s.mediator]) {
      const [opened, ...more] = await emailsTo(p, to, 'No deal yet');
      expect(more).toHaveLength(0);
      expect(opened!.to.sort()).toEqual([s.claimant, s.respondent, s.mediator].sort());
      expect(opened!.subject).toBe(`No deal yet: step 3 is open until ${utcMinute(endsAt)}: Acme v. Widget`);
      expect(opened!.text).toContain('gets a 5% bonus');
    }
    expectNoNumbers(await p.emails(s.claimant), [HIGH, LOW]);
    // Step 2 closed early: its deadline and reminder timers are gone, step 3's are set.
    expect((await timersOf(s.id)).sort()).toEqual(['adjustment_reminder', 'session_end']);
  });
});

describe('step 3 (adjustment): the bonus goes to the side whose number was already there', () => {
  async function inStepThree() {
    const s = await p.flows.opened({ mediator: true });
    await p.submit(s.id, s.claimant, HIGH);
    await p.submit(s.id, s.respondent, LOW);
    await p.settle();
    expect((await p.view(s.id, s.claimant)).phase).toBe('adjustment');
    return s;
  }

  it('the respondent moves into overlap → the claimant gets +5%', async () => {
    const s = await inStepThree();
    const raised = 8716259043827; // many significant figures: a rounded deal can never equal it
    expect((await p.submit(s.id, s.respondent, raised)).status).toBe(202);
    await p.settle();
    const { outcome, phase } = await p.view(s.id, s.respondent);
    expect(phase).toBe('settled');
    expect(outcome).toMatchObject({ bonusSide: 'claimant', reachedIn: 'adjustment' });
    expect(outcome.baseAmount).toBeGreaterThanOrEqual(HIGH);
    expect(outcome.baseAmount).toBeLessThanOrEqual(raised);
    expect(BigInt(outcome.amount)).toBe(withBonus(BigInt(outcome.baseAmount), 'claimant', 5));
    const [deal] = await emailsTo(p, s.claimant, 'Deal reached');
    expect(deal!.text).toContain('Bonus: the claimant');
    expectNoNumbers(await p.emails(s.respondent), [HIGH, LOW, raised]);
  });

  it('the claimant moves into overlap → the respondent gets −5%', async () => {
    const s = await inStepThree();
    const lowered = 7018463925071; // many significant figures: a rounded deal can never equal it
    expect((await p.submit(s.id, s.claimant, lowered)).status).toBe(202);
    await p.settle();
    const { outcome } = await p.view(s.id, s.claimant);
    expect(outcome).toMatchObject({ bonusSide: 'respondent', reachedIn: 'adjustment' });
    expect(outcome.baseAmount).toBeGreaterThanOrEqual(lowered);
    expect(outcome.baseAmount).toBeLessThanOrEqual(LOW);
    expect(BigInt(outcome.amount)).toBe(withBonus(BigInt(outcome.baseAmount), 'respondent', 5));
    const [deal] = await emailsTo(p, s.mediator, 'Deal reached');
    expect(deal!.text).toContain('Bonus: the respondent');
    expectNoNumbers(await p.emails(s.claimant), [HIGH, LOW, lowered]);
  });
});

describe('time: deadlines, reminders and the end, on the business clock', () => {
  it('one side silent: step 2 closes at its deadline, step 3 runs, the end is no deal', async () => {
    const s = await p.flows.opened({
      mediator: true,
      create: { initialRoundSeconds: 3600, adjustmentSeconds: 2 * DAY },
    });
    const deadline = Date.parse((await p.view(s.id, s.claimant)).schedule.initialRoundEndsAt);
    expect((await p.submit(s.id, s.claimant, HIGH)).status).toBe(202);
    await p.settle();
    expect((await p.view(s.id, s.claimant)).phase).toBe('initial_round');

    await p.advance(3601);
    const view = await p.view(s.id, s.respondent);
    expect(view.phase).toBe('adjustment');
    expect(view.schedule.endsAt).toBe(iso(deadline + 2 * DAY * 1000));
    const [opened] = await emailsTo(p, s.mediator, 'No deal yet');
    expect(opened!.to.sort()).toEqual([s.claimant, s.respondent, s.mediator].sort());

    await p.advance(2 * DAY);
    expect((await p.view(s.id, s.claimant)).phase).toBe('no_deal');
    for (const to of [s.claimant, s.respondent, s.mediator]) {
      const [ended, ...more] = await emailsTo(p, to, 'Ended with no deal');
      expect(more).toHaveLength(0);
      expect(ended!.subject).toBe('Ended with no deal: Acme v. Widget');
      expect(ended!.to.sort()).toEqual([s.claimant, s.respondent, s.mediator].sort());
    }
    expectNoNumbers(await p.emails(s.claimant), [HIGH]);
    expect((await p.sessionItem(s.id)).sealed).toEqual({});
    expect(await timersOf(s.id)).toEqual([]);
  });

  it('reminders: 12 h before step 2 closes to sides with no number; 3 days before the end to all members', async () => {
    const s = await p.flows.opened({ mediator: true, create: { adjustmentSeconds: 5 * DAY } });
    const deadline = Date.parse((await p.view(s.id, s.claimant)).schedule.initialRoundEndsAt);
    expect((await p.submit(s.id, s.claimant, HIGH)).status).toBe(202);
    await p.settle();

    await p.advance(36 * 3600 + 1);
    const [reminder, ...more] = await emailsTo(p, s.respondent, 'Reminder: step 2 closes');
    expect(more).toHaveLength(0);
    expect(reminder!.to).toEqual([s.respondent]);
    expect(reminder!.subject).toBe(`Reminder: step 2 closes at ${utcMinute(deadline)}: Acme v. Widget`);
    expect(await emailsTo(p, s.claimant, 'Reminder')).toHaveLength(0);
    expect(await emailsTo(p, s.mediator, 'Reminder')).toHaveLength(0);

    await p.advance(12 * 3600); // the deadline: step 3 opens
    expect((await p.view(s.id, s.claimant)).phase).toBe('adjustment');
    await p.advance(2 * DAY); // 3 days before the end
    const endsAt = deadline + 5 * DAY * 1000;
    for (const to of [s.claimant, s.respondent]) {
      const [last, ...again] = await emailsTo(p, to, 'Reminder: step 3 ends');
      expect(again).toHaveLength(0);
      expect(last!.to.sort()).toEqual([s.claimant, s.respondent].sort());
      expect(last!.subject).toBe(`Reminder: step 3 ends at ${utcMinute(endsAt)}: Acme v. Widget`);
    }
    expect(await emailsTo(p, s.mediator, 'Reminder')).toHaveLength(0);
    expectNoNumbers(await p.emails(s.respondent), [HIGH]);
    expectNoNumbers(await p.emails(s.claimant), [HIGH]);

    // A reminder timer that fires again (or late, after its phase) sends nothing more.
    await p.phaseTimer({ sessionId: s.id, event: 'initial_round_reminder', name: 'again' });
    await p.phaseTimer({ sessionId: s.id, event: 'adjustment_reminder', name: 'again' });
    await p.settle();
    expect(await emailsTo(p, s.respondent, 'Reminder')).toHaveLength(2);
  });

  it('an early timer changes nothing', async () => {
    const s = await p.flows.opened({ create: { initialRoundSeconds: 3600 } });
    const before = await p.sessionItem(s.id);
    for (const event of [
      'initial_round_deadline',
      'session_end',
      'initial_round_reminder',
      'adjustment_reminder',
    ] as const) {
      const result = await p.phaseTimer({ sessionId: s.id, event, name: 'early' });
      expect(result.action === 'nothing_due' || result.action === 'skipped').toBe(true);
    }
    expect((await p.sessionItem(s.id)).rev).toBe(before.rev);
    expect((await p.view(s.id, s.claimant)).phase).toBe('initial_round');
  });
});

describe('withdraw and invitations', () => {
  it('a withdrawal ends the session: every member and the mediator are told, timers cancelled', async () => {
    const s = await p.flows.opened({ mediator: true });
    expect((await p.submit(s.id, s.claimant, HIGH)).status).toBe(202);
    await p.settle();
    const res = await p.withdraw(s.id, s.respondent);
    expect(res.status).toBe(200);
    expect(res.body.phase).toBe('withdrawn');
    await p.settle();
    for (const to of [s.claimant, s.respondent, s.mediator]) {
      const [mail, ...more] = await emailsTo(p, to, 'Withdrawn');
      expect(more).toHaveLength(0);
      expect(mail!.subject).toBe('Withdrawn: Acme v. Widget');
      expect(mail!.to.sort()).toEqual([s.claimant, s.respondent, s.mediator].sort());
    }
    expectNoNumbers(await p.emails(s.claimant), [HIGH]);
    expect(await timersOf(s.id)).toEqual([]);
  });

  it('the invitation goes to the invited address only, with a working link, the role and the rules, user text escaped', async () => {
    const title = 'Acme <b>&</b> "Widget" <script>alert(1)</script>';
    const claimant = `c-${Date.now()}@example.com`;
    const respondent = `r-${Date.now()}@example.com`;
    const view = await p.flows.create(claimant, { title, invite: { respondent }, bonusPercent: 7 });
    await p.settle();
    const [invitation, ...more] = await p.emails(respondent);
    expect(more).toHaveLength(0);
    expect(invitation!.to).toEqual([respondent]);
    expect(invitation!.subject).toBe(`You are invited to a confidential negotiation: ${title}`);
    expect(invitation!.text).toContain(`invites you to join “${title}” as the respondent`);
    expect(invitation!.text).toContain('gets a 7% bonus');
    expect(invitation!.text).toContain('Every party is shown this rule when it joins.');
    expect(invitation!.html).not.toContain('<script>');
    expect(invitation!.html).toContain('Acme &lt;b&gt;&amp;&lt;/b&gt; &quot;Widget&quot; &lt;script&gt;');
    const link = new RegExp(`${APP_URL.replaceAll('.', '\\.')}/invite\\?token=([A-Za-z0-9_-]+)`).exec(
      invitation!.text,
    );
    expect(link).not.toBeNull();
    expect(invitation!.html).toContain(`href="${link![0]}"`);
    expect(await p.emails(claimant)).toHaveLength(0);

    const accepted = await p.api.call('POST', '/invitations/accept', {
      as: respondent,
      body: { token: link![1] },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.id).toBe(view.id);
  });
});
