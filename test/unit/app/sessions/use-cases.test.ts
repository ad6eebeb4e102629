/**
 * The session use cases on the in-memory store: load → decide → commit without any AWS, so what
 * is asserted is the application's own behaviour (who may do what, what is written, what is
 * announced), not how DynamoDB is called (that is in numbers.test.ts and the integration tests).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Evaluator } from '../../../../shared/app/evaluator';
import { hashToken, InvitationTokens } from '../../../../shared/app/invitation-token';
import { acceptInvitation, previewInvitation } from '../../../../shared/app/sessions/accept-invitation';
import { createSessionFor } from '../../../../shared/app/sessions/create-session';
import { invite } from '../../../../shared/app/sessions/invite';
import { submitNumber } from '../../../../shared/app/sessions/numbers';
import { acceptTerms, proposeTerms } from '../../../../shared/app/sessions/terms';
import { withdraw } from '../../../../shared/app/sessions/withdraw';
import { seededRandom } from '../../../../shared/engine/seeded-random';
import type { AnswerOpener, Sealer } from '../../../../shared/ports';
import { MemoryStore } from '../../../support/memory-store';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const ALICE = { email: 'alice@claimant.example' };
const BOB = { email: 'bob@respondent.example' };
const MIA = { email: 'mia@mediator.example' };

/** A sealer that keeps amounts in memory, keyed by their context (what KMS would bind them to). */
function memorySealer(): Sealer & AnswerOpener {
  const sealed = new Map<string, bigint>();
  let n = 0;
  return {
    sealNumber: async (amount, context) => {
      const handle = new Uint8Array(8).fill(++n);
      sealed.set(`${context.sessionId}/${context.side}/${context.seq}/${handle[0]}`, amount);
      return handle;
    },
    openNumber: async (handle, context) => {
      const amount = sealed.get(`${context.sessionId}/${context.side}/${context.seq}/${handle[0]}`);
      if (amount === undefined) throw new Error('does not open');
      return amount;
    },
    // These sessions never reach a proposal.
    openAnswer: async () => {
      throw new Error('no answers here');
    },
  };
}

describe('session use cases on the in-memory store', () => {
  let store: MemoryStore;
  let now: number;
  const tokens = new InvitationTokens({ get: async () => new Uint8Array(32).fill(7) });
  const deps = () => ({ store, clock: () => now, tokens, sealer, answers: sealer, newId: () => 'S1' });
  let sealer: Sealer & AnswerOpener;

  beforeEach(() => {
    store = new MemoryStore();
    now = T0;
    sealer = memorySealer();
  });

  /** The token notify would mail for the newest invitation to `email`. */
  async function tokenFor(email: string): Promise<string> {
    const invitation = store.sessions.get('S1')!.invitations.find((i) => i.email === email)!;
    return tokens.tokenFor(invitation.id);
  }

  async function sessionInStepTwo() {
    await createSessionFor(deps(), ALICE, {
      title: 'Acme v. Widget',
      currency: 'USD',
      myRole: 'claimant',
      invite: { respondent: BOB.email },
    });
    await acceptInvitation(deps(), BOB, { token: await tokenFor(BOB.email) });
    for (const caller of [ALICE, BOB]) {
      await acceptTerms(deps(), { caller, sessionId: 'S1', input: () => ({ version: 0 }) });
    }
  }

  it('creates a session with its invitations: one outbox record each, only the hash of a token stored', async () => {
    // Act
    const view = await createSessionFor(deps(), ALICE, {
      title: 'Acme v. Widget',
      currency: 'USD',
      myRole: 'claimant',
      invite: { respondent: BOB.email, mediator: MIA.email },
    });

    // Assess
    expect(view).toMatchObject({ id: 'S1', myRole: 'claimant', phase: 'setup' });
    expect(view.sides.respondent.members).toEqual([]);
    const [change] = store.changes;
    expect(change!.outbox.map((o) => o.notice?.template)).toEqual(['invitation', 'invitation']);
    const stored = JSON.stringify(store.sessions.get('S1'));
    expect(stored).not.toContain(await tokenFor(BOB.email));
    expect(store.sessions.get('S1')!.invitations[0]!.tokenHash).toBe(hashToken(await tokenFor(BOB.email)));
  });

  it('previews an invitation without changing anything or revealing the session id, then accepts it', async () => {
    // Prepare
    await createSessionFor(deps(), ALICE, {
      title: 'Acme v. Widget',
      currency: 'JPY',
      myRole: 'claimant',
      invite: { respondent: BOB.email },
      bonusPercent: 7,
    });
    const token = await tokenFor(BOB.email);
    const changesBefore = store.changes.length;

    // Act
    const preview = await previewInvitation(deps(), BOB, { token });
    const other = await previewInvitation(deps(), MIA, { token }).catch((e: { code: string }) => e.code);
    const unknown = await previewInvitation(deps(), BOB, { token: 'x'.repeat(500) }).catch(
      (e: { code: string }) => e.code,
    );
    const afterPreview = store.changes.length;
    const view = await acceptInvitation(deps(), BOB, { token });

    // Assess
    expect(preview).toMatchObject({
      title: 'Acme v. Widget',
      currency: 'JPY',
      role: 'respondent',
      bonusPercent: 7,
      invitedBy: { email: ALICE.email, displayName: null },
    });
    expect(JSON.stringify(preview)).not.toContain('S1');
    expect([other, unknown]).toEqual(['invitation_other_address', 'invitation_invalid']);
    expect(afterPreview).toBe(changesBefore);
    expect(view.myRole).toBe('respondent');
    expect(store.sessions.get('S1')!.invitations).toEqual([]);
  });

  it("lets only a side's members invite to it once it has one (403 before 400)", async () => {
    // Prepare
    await createSessionFor(deps(), ALICE, {
      title: 'T',
      currency: 'USD',
      myRole: 'claimant',
      invite: { mediator: MIA.email },
    });
    await acceptInvitation(deps(), MIA, { token: await tokenFor(MIA.email) });

    // Act: the mediator invites to the claimant side, with a body that would also be a 400.
    const refused = await invite(deps(), {
      caller: MIA,
      sessionId: 'S1',
      requestedRole: 'claimant',
      input: () => {
        throw new Error('the body must not be read before the role is checked');
      },
    }).catch((e: { code: string }) => e.code);

    // Assess
    expect(refused).toBe('forbidden');
  });

  it("settles step 1 when both sides accept the same version, and schedules step 2's timers", async () => {
    // Act
    await sessionInStepTwo();

    // Assess
    const record = store.sessions.get('S1')!;
    expect(record.session.announcedPhase).toBe('initial_round');
    const outbox = store.changes.at(-1)!.outbox;
    expect(outbox.find((o) => o.id === 'terms-settled')!.timers.map((t) => t.event)).toEqual([
      'initial_round_deadline',
      'initial_round_reminder',
    ]);
    expect(outbox.some((o) => o.notice?.template === 'initial_round_opened')).toBe(true);
  });

  it('refuses terms from an outsider as if the session did not exist, and terms after step 1', async () => {
    // Prepare
    await sessionInStepTwo();
    // Act
    const outsider = await proposeTerms(deps(), {
      caller: { email: 'eve@x.example' },
      sessionId: 'S1',
      input: () => ({ text: 'x' }),
    }).catch((e: { code: string }) => e.code);
    const late = await proposeTerms(deps(), {
      caller: ALICE,
      sessionId: 'S1',
      input: () => ({ text: 'x' }),
    }).catch((e: { code: string }) => e.code);
    // Assess
    expect([outsider, late]).toEqual(['not_found', 'terms_closed']);
  });

  it('retries a command that lost a race from a fresh read, and decides on the new state', async () => {
    // Prepare: another write changes the session between Alice's read and her write.
    await sessionInStepTwo();
    let raced = false;
    store.beforeCommit = () => {
      if (raced) return;
      raced = true;
      const record = store.sessions.get('S1')!;
      store.sessions.set('S1', { ...record, rev: record.rev + 1 });
    };

    // Act
    const accepted = await submitNumber(deps(), {
      caller: ALICE,
      sessionId: 'S1',
      input: () => ({ amount: 10_000_000 }),
    });

    // Assess
    expect(accepted.accepted).toBe(true);
    expect(store.sessions.get('S1')!.session.seq).toBe(1);
    expect(store.changes.filter((c) => c.events.some((e) => e.type === 'NumberAccepted'))).toHaveLength(1);
  });

  it('makes a withdrawal wait for an earlier number to be evaluated, so a deal it made stands', async () => {
    // Prepare: both numbers in (a deal), not yet evaluated by match.
    await sessionInStepTwo();
    await submitNumber(deps(), { caller: ALICE, sessionId: 'S1', input: () => ({ amount: 10_000_000 }) });
    await submitNumber(deps(), { caller: BOB, sessionId: 'S1', input: () => ({ amount: 12_000_000 }) });
    const evaluator = new Evaluator({ store, sealer, random: seededRandom(3), clock: () => now });

    // Act: the withdrawal starts first; match evaluates while it waits.
    const withdrawal = withdraw(deps(), { caller: BOB, sessionId: 'S1', input: () => ({}) }).catch(
      (e: { code: string }) => e.code,
    );
    await new Promise((r) => setTimeout(r, 20));
    await evaluator.evaluate('S1');

    // Assess
    expect(await withdrawal).toBe('session_ended');
    expect(store.sessions.get('S1')!.session.outcome?.reachedIn).toBe('initial_round');
  });
});
