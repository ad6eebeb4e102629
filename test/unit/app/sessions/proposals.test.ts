import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalSealer } from '../../../../shared/adapters/local-sealer';
import { Evaluator } from '../../../../shared/app/evaluator';
import { viewWithAnswer } from '../../../../shared/app/my-answer';
import { PhaseTimerService } from '../../../../shared/app/phase-timer-service';
import { proposalOutboxId } from '../../../../shared/app/proposal-outbox';
import { answerProposal, withoutMyAnswer } from '../../../../shared/app/sessions/answer-proposal';
import { submitNumber } from '../../../../shared/app/sessions/numbers';
import { consentToComputedProposal, requestProposal } from '../../../../shared/app/sessions/proposals';
import { seededRandom } from '../../../../shared/engine/seeded-random';
import { sessionWith, T0 } from '../../../support/fixtures/session-record';
import { MemoryStore } from '../../../support/memory-store';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const ALICE = { email: 'alice@example.com' };
const BOB = { email: 'bob@example.com' };
const MIA = { email: 'mia@example.com' };

/** Use cases on the in-memory store, with the real local sealer (AES-256-GCM). */
describe('proposal use cases', () => {
  let store: MemoryStore;
  let now: number;
  let sealer: LocalSealer;
  const deps = () => ({ store, clock: () => now, sealer });
  const evaluate = () =>
    new Evaluator({ store, sealer, random: seededRandom(4), clock: () => now }).evaluate('S1');

  beforeEach(async () => {
    store = new MemoryStore();
    sealer = new LocalSealer(randomBytes(32));
    now = T0 + HOUR;
    // Step 2 closes without an overlap at T0 + 1 h: step 3 is open, with a joined mediator.
    const record = sessionWith('S1');
    record.members.push({ email: MIA.email, role: 'mediator', joinedAt: T0 });
    record.session = { ...record.session, joined: { ...record.session.joined, mediator: true } };
    store.sessions.set('S1', record);
    await submitNumber(deps(), { caller: ALICE, sessionId: 'S1', input: () => ({ amount: 41_234_567 }) });
    await submitNumber(deps(), { caller: BOB, sessionId: 'S1', input: () => ({ amount: 39_876_543 }) });
    await evaluate();
  });

  const reject = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (e: { code: string }) => e.code,
    );

  it('checks the kind against the role before the body: 403 before 400', async () => {
    // Act
    const sideNamesAmount = await reject(
      requestProposal(deps(), {
        caller: ALICE,
        sessionId: 'S1',
        requestedKind: 'mediator',
        input: () => {
          throw new Error('the body is read after the role');
        },
      }),
    );
    const mediatorWithoutKind = await reject(
      requestProposal(deps(), {
        caller: MIA,
        sessionId: 'S1',
        input: () => {
          throw Object.assign(new Error('bad body'), { code: 'invalid_input' });
        },
      }),
    );

    // Assess
    expect(sideNamesAmount).toBe('forbidden');
    expect(mediatorWithoutKind).toBe('invalid_input');
  });

  it('answers 403 to the asking side’s consent before reading its body, and sets the match marker on a consent', async () => {
    // Prepare
    await requestProposal(deps(), {
      caller: ALICE,
      sessionId: 'S1',
      requestedKind: 'computed',
      input: () => ({ kind: 'computed' }),
    });

    // Act
    const own = await reject(
      consentToComputedProposal(deps(), {
        caller: ALICE,
        sessionId: 'S1',
        input: () => {
          throw new Error('the body is read after the role');
        },
      }),
    );
    await consentToComputedProposal(deps(), {
      caller: BOB,
      sessionId: 'S1',
      input: () => ({ consent: true }),
    });
    const consentChange = store.changes.at(-1)!;
    await evaluate();

    // Assess
    expect(own).toBe('forbidden');
    expect(consentChange.matchDue).toBe(true);
    const proposal = store.sessions.get('S1')!.session.proposals.current!;
    expect(proposal.state).toBe('open');
    expect(proposal.amount! >= 39_876_543n && proposal.amount! <= 41_234_567n).toBe(true);
  });

  it('seals each answer; the second sets the match marker; match closes with both', async () => {
    // Prepare
    await requestProposal(deps(), {
      caller: MIA,
      sessionId: 'S1',
      requestedKind: 'mediator',
      input: () => ({ kind: 'mediator', amount: 40_500_000 }),
    });

    // Act
    const first = await answerProposal(deps(), {
      caller: BOB,
      sessionId: 'S1',
      input: () => ({ accept: false }),
    });
    const firstChange = store.changes.at(-1)!;
    await answerProposal(deps(), { caller: ALICE, sessionId: 'S1', input: () => ({ accept: true }) });
    const secondChange = store.changes.at(-1)!;
    const stored = store.sessions.get('S1')!;
    await evaluate();

    // Assess
    expect(first.proposal?.myAnswer).toBe(false);
    expect(withoutMyAnswer(first).proposal?.myAnswer).toBeNull();
    expect(firstChange.matchDue).toBeUndefined();
    expect(secondChange.matchDue).toBe(true);
    expect(stored.answers?.proposal).toBe(1);
    expect(
      await sealer.openAnswer(stored.answers!.sealed.respondent!, {
        sessionId: 'S1',
        side: 'respondent',
        proposal: 1,
      }),
    ).toBe(false);
    const events = JSON.stringify(
      store.changes.map((c) => c.events),
      (_, v) => (typeof v === 'bigint' ? `${v}` : v),
    );
    expect(events).not.toMatch(/accept"|"answer":/);
    expect(store.sessions.get('S1')!.session.proposals.current!.state).toBe('not_accepted');
  });

  it('shows each side its own answer only, the mediator none, and the same view whatever the other answered', async () => {
    // Prepare
    await requestProposal(deps(), {
      caller: MIA,
      sessionId: 'S1',
      requestedKind: 'mediator',
      input: () => ({ kind: 'mediator', amount: 40_500_000 }),
    });
    await answerProposal(deps(), { caller: ALICE, sessionId: 'S1', input: () => ({ accept: true }) });
    const before = await viewWithAnswer(sealer, store.sessions.get('S1')!, 'claimant', now);
    const mediatorBefore = await viewWithAnswer(sealer, store.sessions.get('S1')!, 'mediator', now);

    // Act
    await answerProposal(deps(), { caller: BOB, sessionId: 'S1', input: () => ({ accept: false }) });
    const record = store.sessions.get('S1')!;
    const views = {
      claimant: await viewWithAnswer(sealer, record, 'claimant', now),
      respondent: await viewWithAnswer(sealer, record, 'respondent', now),
      mediator: await viewWithAnswer(sealer, record, 'mediator', now),
    };

    // Assess: until match closes it, the respondent's answer changes nothing the others see
    expect(views.claimant).toEqual(before);
    expect(views.mediator).toEqual(mediatorBefore);
    expect(views.claimant.proposal?.myAnswer).toBe(true);
    expect(views.respondent.proposal?.myAnswer).toBe(false);
    expect(views.mediator.proposal?.myAnswer).toBeNull();
  });

  it('writes one reminder per side that has not answered, to that side only, once', async () => {
    // Prepare
    await requestProposal(deps(), {
      caller: MIA,
      sessionId: 'S1',
      requestedKind: 'mediator',
      input: () => ({ kind: 'mediator', amount: 40_500_000 }),
    });
    await answerProposal(deps(), { caller: ALICE, sessionId: 'S1', input: () => ({ accept: true }) });
    const timer = new PhaseTimerService({ store, clock: () => now });
    const early = await timer.handle({ sessionId: 'S1', event: 'proposal_reminder' });

    // Act
    now += 6 * DAY + HOUR;
    const due = await timer.handle({ sessionId: 'S1', event: 'proposal_reminder' });
    const twice = await timer.handle({ sessionId: 'S1', event: 'proposal_reminder' });

    // Assess
    expect(early).toEqual({ action: 'skipped', reason: 'early' });
    expect(due).toEqual({ action: 'reminder_sent', to: 1 });
    expect(twice).toEqual({ action: 'skipped', reason: 'already_sent' });
    const reminders = [...store.outbox.values()].filter(
      (o) => o.record.notice?.template === 'proposal_reminder',
    );
    expect(reminders.map((r) => [r.record.id, r.record.notice?.to])).toEqual([
      [proposalOutboxId(1, 'reminder-respondent'), [BOB.email]],
    ]);
  });

  it('closes the proposal at respondBy by its timer, retiring its timers in the same outbox record', async () => {
    // Prepare
    await requestProposal(deps(), {
      caller: MIA,
      sessionId: 'S1',
      requestedKind: 'mediator',
      input: () => ({ kind: 'mediator', amount: 40_500_000 }),
    });
    const opened = [...store.outbox.values()].find((o) => o.record.id === proposalOutboxId(1, 'opened'))!;
    const timer = new PhaseTimerService({ store, clock: () => now });

    // Act
    now += 7 * DAY;
    const result = await timer.handle({ sessionId: 'S1', event: 'proposal_respond_by' });

    // Assess
    expect(opened.record.timers.map((t) => t.name)).toEqual([
      'S1.proposal_respond_by.p1',
      'S1.proposal_reminder.p1',
    ]);
    expect(result).toEqual({ action: 'finalized', events: ['ProposalClosed'] });
    const closed = [...store.outbox.values()].find((o) => o.record.id === proposalOutboxId(1, 'closed'))!;
    expect(closed.record.notice?.template).toBe('proposal_not_accepted');
    expect(closed.record.cancelTimers).toEqual(['S1.proposal_respond_by.p1', 'S1.proposal_reminder.p1']);
  });
});
