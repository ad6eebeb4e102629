import { describe, expect, it } from 'vitest';
import { evaluateMatch } from '../../../shared/engine/match';
import { seededRandom } from '../../../shared/engine/seeded-random';
import {
  acceptTerms,
  adjustmentEndsAt,
  advance,
  type CreateSession,
  createSession,
  type DomainEvent,
  effectivePhase,
  evaluateNext,
  finalizeDue,
  initialRoundClosedAt,
  initialRoundEndsAt,
  isEnded,
  isRejection,
  isValidAmount,
  joinSession,
  LIMITS,
  mayInvite,
  nextEvaluation,
  proposeTerms,
  type RejectionCode,
  type Result,
  type Session,
  submitNumber,
  type Transition,
  withdraw,
} from '../../../shared/engine/session';
import {
  isSide,
  otherSide,
  type Phase,
  type RandomSource,
  ROLES,
  type Side,
} from '../../../shared/engine/types';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Step 1 settles at T0 in most examples: step 2 runs [T0, T0 + 48 h), step 3 then 28 days. */
const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);
const DEADLINE = T0 + 48 * HOUR;
const ENDS_AT = DEADLINE + 28 * DAY;

/** A random source for examples that must not draw (exact matches, no overlap). */
const noDraw: RandomSource = () => {
  throw new Error('no draw expected');
};

function accepted(result: Result): Transition {
  if (isRejection(result)) {
    throw new Error(`unexpected rejection ${result.rejected}: ${result.message}`);
  }
  return result;
}

function rejectionOf(result: Result): RejectionCode | null {
  return isRejection(result) ? result.rejected : null;
}

function newSession(overrides: Partial<CreateSession> = {}, now = T0): Session {
  const command: CreateSession = {
    id: 'sess-1',
    title: 'Acme v. Widget',
    currency: 'USD',
    creatorRole: 'claimant',
    ...overrides,
  };
  return accepted(createSession(command, now)).session;
}

/** Both sides joined and both accepted version 0 ("numbers first") at `now`: step 1 settled. */
function settledSession(overrides: Partial<CreateSession> = {}, now = T0): Session {
  let session = newSession(overrides, now);
  session = accepted(joinSession(session, 'respondent', now)).session;
  session = accepted(acceptTerms(session, 'claimant', 0, now)).session;
  return accepted(acceptTerms(session, 'respondent', 0, now)).session;
}

/**
 * Drives a session as the adapter does: every accepted number is "sealed" in a map under its seq,
 * and `evaluate` opens the two seqs that `nextEvaluation` names.
 */
class Negotiation {
  session: Session;
  readonly sealed = new Map<number, bigint>();
  readonly random: RandomSource;

  constructor(session: Session, random: RandomSource = seededRandom(7)) {
    this.session = session;
    this.random = random;
  }

  submit(side: Side, amount: bigint, now: number): DomainEvent[] {
    const { session, events } = accepted(submitNumber(this.session, side, now));
    this.session = session;
    this.sealed.set(session.seq, amount);
    return events;
  }

  evaluate(now: number): DomainEvent[] {
    const next = nextEvaluation(this.session);
    if (!next) {
      throw new Error('nothing to evaluate');
    }
    const pair = {
      seq: next.move.seq,
      moverAmount: this.sealed.get(next.move.seq)!,
      otherAmount: next.otherSeq === null ? null : this.sealed.get(next.otherSeq)!,
    };
    const { session, events } = accepted(evaluateNext(this.session, pair, this.random, now));
    this.session = session;
    return events;
  }
}

describe('session engine', () => {
  describe('createSession', () => {
    it('applies the defaults and seats the creator', () => {
      // Prepare
      const command: CreateSession = {
        id: 'sess-1',
        title: '  Acme v. Widget  ',
        currency: 'USD',
        creatorRole: 'mediator',
      };

      // Act
      const { session, events } = accepted(createSession(command, T0));

      // Assess
      expect(events).toEqual([{ type: 'SessionCreated' }]);
      expect(session).toMatchObject({
        id: 'sess-1',
        title: 'Acme v. Widget',
        caseNumber: null,
        currency: 'USD',
        createdAt: T0,
        requestedStartsAt: null,
        initialRoundSeconds: 48 * 3600,
        adjustmentSeconds: 28 * 24 * 3600,
        bonusPercent: 5,
        terms: { version: 0, text: null, acceptedVersion: { claimant: null, respondent: null } },
        joined: { claimant: false, respondent: false, mediator: true },
        termsSettledAt: null,
        initialRoundStartsAt: null,
        initialRoundClosedAt: null,
        initialRoundClosedSeq: null,
        seq: 0,
        evaluatedSeq: 0,
        hasNumber: { claimant: false, respondent: false },
        pendingMoves: [],
        standingSeq: { claimant: null, respondent: null },
        ended: null,
        outcome: null,
        announcedPhase: 'setup',
      });
      expect(effectivePhase(session, T0)).toBe('setup');
    });

    it('keeps the given case number, start and settings', () => {
      // Prepare
      const command: CreateSession = {
        id: 'sess-2',
        title: 'Case',
        caseNumber: '1:25-cv-00042',
        currency: 'JPY',
        creatorRole: 'respondent',
        startsAt: T0 + 7 * DAY,
        initialRoundSeconds: 3600,
        adjustmentSeconds: 7200,
        bonusPercent: 10,
      };

      // Act
      const { session } = accepted(createSession(command, T0));

      // Assess
      expect(session).toMatchObject({
        caseNumber: '1:25-cv-00042',
        currency: 'JPY',
        requestedStartsAt: T0 + 7 * DAY,
        initialRoundSeconds: 3600,
        adjustmentSeconds: 7200,
        bonusPercent: 10,
        joined: { claimant: false, respondent: true, mediator: false },
      });
    });

    it.each([
      ['initialRoundSeconds', 60],
      ['initialRoundSeconds', 30 * 24 * 3600],
      ['adjustmentSeconds', 60],
      ['adjustmentSeconds', 365 * 24 * 3600],
      ['bonusPercent', 0],
      ['bonusPercent', 20],
    ] as const)('accepts %s at its bound %d', (name, value) => {
      // Prepare
      const command: CreateSession = {
        id: 'sess-1',
        title: 'Bounds',
        currency: 'EUR',
        creatorRole: 'claimant',
        [name]: value,
      };

      // Act
      const result = createSession(command, T0);

      // Assess
      expect(accepted(result).session[name]).toBe(value);
    });

    it.each([
      ['initialRoundSeconds', 59],
      ['initialRoundSeconds', 30 * 24 * 3600 + 1],
      ['initialRoundSeconds', 3600.5],
      ['initialRoundSeconds', Number.NaN],
      ['adjustmentSeconds', 59],
      ['adjustmentSeconds', 365 * 24 * 3600 + 1],
      ['adjustmentSeconds', 7200.25],
      ['bonusPercent', -1],
      ['bonusPercent', 21],
      ['bonusPercent', 2.5],
    ] as const)('rejects %s = %d', (name, value) => {
      // Prepare
      const command: CreateSession = {
        id: 'sess-1',
        title: 'Bounds',
        currency: 'EUR',
        creatorRole: 'claimant',
        [name]: value,
      };

      // Act
      const result = createSession(command, T0);

      // Assess
      expect(result).toEqual({ rejected: 'invalid_input', message: expect.stringContaining(name) });
    });

    it.each(['usd', 'US', 'USDD', 'XXX', 'XAU', ''])('rejects the currency %j', (currency) => {
      // Prepare
      const command: CreateSession = { id: 'sess-1', title: 'Case', currency, creatorRole: 'claimant' };

      // Act
      const result = createSession(command, T0);

      // Assess
      expect(result).toEqual({ rejected: 'invalid_input', message: expect.stringContaining('currency') });
    });

    it.each([
      ['empty', ''],
      ['blank', '   \t '],
      ['201 characters', 'x'.repeat(LIMITS.titleLength + 1)],
    ])('rejects a title that is %s', (_label, title) => {
      // Prepare
      const command: CreateSession = { id: 'sess-1', title, currency: 'USD', creatorRole: 'claimant' };

      // Act
      const result = createSession(command, T0);

      // Assess
      expect(result).toEqual({ rejected: 'invalid_input', message: expect.stringContaining('title') });
    });

    it('accepts a title of exactly 200 characters after trimming', () => {
      // Prepare
      const title = ` ${'t'.repeat(LIMITS.titleLength)} `;

      // Act
      const result = createSession({ id: 'sess-1', title, currency: 'USD', creatorRole: 'claimant' }, T0);

      // Assess
      expect(accepted(result).session.title).toHaveLength(200);
    });

    it.each([Number.NaN, Number.POSITIVE_INFINITY])('rejects startsAt = %d', (startsAt) => {
      // Prepare
      const command: CreateSession = {
        id: 'sess-1',
        title: 'Case',
        currency: 'USD',
        creatorRole: 'claimant',
        startsAt,
      };

      // Act
      const result = createSession(command, T0);

      // Assess
      expect(result).toEqual({ rejected: 'invalid_input', message: expect.stringContaining('startsAt') });
    });
  });

  describe('mayInvite', () => {
    it('lets anyone in the session invite to an empty role', () => {
      // Prepare
      const session = newSession({ creatorRole: 'claimant' });

      // Act
      const answers = [
        mayInvite(session, 'claimant', 'respondent'),
        mayInvite(session, 'claimant', 'mediator'),
        mayInvite(session, 'mediator', 'respondent'),
      ];

      // Assess
      expect(answers).toEqual([true, true, true]);
    });

    it('lets only its own members invite to a side that has a member', () => {
      // Prepare
      const session = accepted(joinSession(newSession({ creatorRole: 'mediator' }), 'claimant', T0)).session;

      // Act
      const answers = {
        claimant: mayInvite(session, 'claimant', 'claimant'),
        respondent: mayInvite(session, 'respondent', 'claimant'),
        mediator: mayInvite(session, 'mediator', 'claimant'),
      };

      // Assess
      expect(answers).toEqual({ claimant: true, respondent: false, mediator: false });
    });

    it('lets nobody invite to a filled mediator seat, not even the mediator', () => {
      // Prepare
      const session = newSession({ creatorRole: 'mediator' });

      // Act
      const answers = [
        mayInvite(session, 'mediator', 'mediator'),
        mayInvite(session, 'claimant', 'mediator'),
        mayInvite(session, 'respondent', 'mediator'),
      ];

      // Assess
      expect(answers).toEqual([false, false, false]);
    });
  });

  describe('joinSession', () => {
    it('announces the first member of a role and nothing for the next', () => {
      // Prepare
      const session = newSession({ creatorRole: 'claimant' });

      // Act
      const first = accepted(joinSession(session, 'respondent', T0 + MINUTE));
      const second = accepted(joinSession(first.session, 'respondent', T0 + 2 * MINUTE));
      const coCounsel = accepted(joinSession(session, 'claimant', T0 + MINUTE));

      // Assess
      expect(first.events).toEqual([{ type: 'MemberJoined', role: 'respondent' }]);
      expect(first.session.joined).toEqual({ claimant: true, respondent: true, mediator: false });
      expect(first.session.termsSettledAt).toBeNull();
      expect(second.events).toEqual([]);
      expect(second.session.joined).toEqual(first.session.joined);
      expect(coCounsel.events).toEqual([]);
    });

    it('settles step 1 when the join leaves both sides joined and accepting the same version', () => {
      // Prepare: the engine leaves membership checks to the adapter, so acceptances may precede the join
      let session = newSession({ creatorRole: 'mediator' });
      session = accepted(joinSession(session, 'claimant', T0)).session;
      session = accepted(acceptTerms(session, 'claimant', 0, T0)).session;
      const beforeJoin = accepted(acceptTerms(session, 'respondent', 0, T0));

      // Act
      const joined = accepted(joinSession(beforeJoin.session, 'respondent', T0 + HOUR));

      // Assess
      expect(beforeJoin.events).toEqual([{ type: 'TermsAccepted', side: 'respondent', version: 0 }]);
      expect(beforeJoin.session.termsSettledAt).toBeNull();
      expect(joined.events).toEqual([
        { type: 'MemberJoined', role: 'respondent' },
        {
          type: 'TermsSettled',
          version: 0,
          initialRoundStartsAt: T0 + HOUR,
          initialRoundEndsAt: T0 + HOUR + 48 * HOUR,
        },
        { type: 'InitialRoundOpened', initialRoundEndsAt: T0 + HOUR + 48 * HOUR },
      ]);
      expect(joined.session.termsSettledAt).toBe(T0 + HOUR);
      expect(effectivePhase(joined.session, T0 + HOUR)).toBe('initial_round');
    });

    it('does not settle step 1 again when a member joins later', () => {
      // Prepare
      const session = settledSession({ creatorRole: 'claimant' });

      // Act
      const { session: after, events } = accepted(joinSession(session, 'mediator', T0 + HOUR));

      // Assess
      expect(events).toEqual([{ type: 'MemberJoined', role: 'mediator' }]);
      expect(after.termsSettledAt).toBe(T0);
      expect(after.initialRoundStartsAt).toBe(T0);
    });

    it('does not settle step 1 on the mediator joining while the sides disagree', () => {
      // Prepare
      let session = newSession({ creatorRole: 'claimant' });
      session = accepted(joinSession(session, 'respondent', T0)).session;
      session = accepted(proposeTerms(session, 'claimant', 'MOU v1', T0)).session;

      // Act
      const { session: after, events } = accepted(joinSession(session, 'mediator', T0));

      // Assess
      expect(events).toEqual([{ type: 'MemberJoined', role: 'mediator' }]);
      expect(after.termsSettledAt).toBeNull();
    });

    it('rejects a join once the session has ended', () => {
      // Prepare
      const withdrawn = accepted(withdraw(settledSession(), 'claimant', T0 + MINUTE)).session;
      const expired = settledSession();

      // Act
      const results = [
        joinSession(withdrawn, 'mediator', T0 + 2 * MINUTE),
        joinSession(expired, 'mediator', ENDS_AT),
      ];

      // Assess
      expect(results.map(rejectionOf)).toEqual(['session_ended', 'session_ended']);
    });
  });

  describe('proposeTerms', () => {
    it("counts a side member's proposal as its side's acceptance", () => {
      // Prepare
      let session = newSession();
      session = accepted(joinSession(session, 'respondent', T0)).session;

      // Act
      const first = accepted(proposeTerms(session, 'claimant', 'MOU v1', T0 + MINUTE));
      const second = accepted(proposeTerms(first.session, 'respondent', 'MOU v2', T0 + 2 * MINUTE));

      // Assess
      expect(first.events).toEqual([{ type: 'TermsProposed', version: 1, by: 'claimant' }]);
      expect(first.session.terms).toEqual({
        version: 1,
        text: 'MOU v1',
        acceptedVersion: { claimant: 1, respondent: null },
      });
      expect(second.events).toEqual([{ type: 'TermsProposed', version: 2, by: 'respondent' }]);
      expect(second.session.terms).toEqual({
        version: 2,
        text: 'MOU v2',
        acceptedVersion: { claimant: 1, respondent: 2 },
      });
      expect(second.session.termsSettledAt).toBeNull();
    });

    it("accepts nothing on the mediator's behalf", () => {
      // Prepare
      let session = newSession({ creatorRole: 'mediator' });
      session = accepted(acceptTerms(session, 'claimant', 0, T0)).session;

      // Act
      const { session: after, events } = accepted(proposeTerms(session, 'mediator', 'Draft agreement', T0));

      // Assess
      expect(events).toEqual([{ type: 'TermsProposed', version: 1, by: 'mediator' }]);
      expect(after.terms).toEqual({
        version: 1,
        text: 'Draft agreement',
        acceptedVersion: { claimant: 0, respondent: null },
      });
    });

    it('accepts a text of exactly 1 and exactly 20,000 characters', () => {
      // Prepare
      const session = newSession();

      // Act
      const short = proposeTerms(session, 'claimant', 'x', T0);
      const long = proposeTerms(session, 'claimant', 'x'.repeat(LIMITS.termsLength), T0);

      // Assess
      expect(accepted(short).session.terms.text).toBe('x');
      expect(accepted(long).session.terms.text).toHaveLength(20_000);
    });

    it.each([
      ['empty', ''],
      ['20,001 characters', 'x'.repeat(LIMITS.termsLength + 1)],
    ])('rejects a text that is %s', (_label, text) => {
      // Prepare
      const session = newSession();

      // Act
      const result = proposeTerms(session, 'claimant', text, T0);

      // Assess
      expect(rejectionOf(result)).toBe('invalid_input');
    });

    it('rejects a proposal once step 1 is settled', () => {
      // Prepare
      const session = settledSession();

      // Act
      const result = proposeTerms(session, 'mediator', 'Too late', T0 + MINUTE);

      // Assess
      expect(rejectionOf(result)).toBe('terms_closed');
    });

    it('rejects a proposal once the session has ended, before looking at the text', () => {
      // Prepare
      const session = accepted(withdraw(newSession(), 'claimant', T0)).session;

      // Act
      const result = proposeTerms(session, 'claimant', '', T0 + MINUTE);

      // Assess
      expect(rejectionOf(result)).toBe('session_ended');
    });
  });

  describe('acceptTerms', () => {
    it('accepts the current version', () => {
      // Prepare
      let session = newSession();
      session = accepted(proposeTerms(session, 'mediator', 'MOU v1', T0)).session;

      // Act
      const { session: after, events } = accepted(acceptTerms(session, 'respondent', 1, T0));

      // Assess
      expect(events).toEqual([{ type: 'TermsAccepted', side: 'respondent', version: 1 }]);
      expect(after.terms.acceptedVersion).toEqual({ claimant: null, respondent: 1 });
    });

    it('always allows version 0, "no terms, numbers first", even after proposals', () => {
      // Prepare
      let session = newSession();
      session = accepted(proposeTerms(session, 'claimant', 'MOU v1', T0)).session;
      session = accepted(proposeTerms(session, 'claimant', 'MOU v2', T0)).session;

      // Act
      const { session: after } = accepted(acceptTerms(session, 'claimant', 0, T0));

      // Assess
      expect(after.terms.version).toBe(2);
      expect(after.terms.acceptedVersion.claimant).toBe(0);
    });

    it.each([1, 3])('rejects version %d when version 2 is current', (version) => {
      // Prepare
      let session = newSession();
      session = accepted(proposeTerms(session, 'claimant', 'MOU v1', T0)).session;
      session = accepted(proposeTerms(session, 'mediator', 'MOU v2', T0)).session;

      // Act
      const result = acceptTerms(session, 'respondent', version, T0);

      // Assess
      expect(rejectionOf(result)).toBe('terms_changed');
    });

    it('settles step 1 and opens step 2 at once when both sides accept the same version', () => {
      // Prepare
      let session = newSession();
      session = accepted(joinSession(session, 'respondent', T0)).session;
      session = accepted(proposeTerms(session, 'claimant', 'MOU v1', T0)).session;

      // Act
      const { session: after, events } = accepted(acceptTerms(session, 'respondent', 1, T0 + HOUR));

      // Assess
      const endsAt = T0 + HOUR + 48 * HOUR;
      expect(events).toEqual([
        { type: 'TermsAccepted', side: 'respondent', version: 1 },
        { type: 'TermsSettled', version: 1, initialRoundStartsAt: T0 + HOUR, initialRoundEndsAt: endsAt },
        { type: 'InitialRoundOpened', initialRoundEndsAt: endsAt },
      ]);
      expect(after).toMatchObject({
        termsSettledAt: T0 + HOUR,
        initialRoundStartsAt: T0 + HOUR,
        announcedPhase: 'initial_round',
      });
      expect(effectivePhase(after, T0 + HOUR)).toBe('initial_round');
    });

    it('opens step 2 at the settlement when the requested start has passed', () => {
      // Prepare
      const session = newSession({ startsAt: T0 - DAY });

      // Act
      const settled = settledSession({ startsAt: T0 - DAY });

      // Assess
      expect(session.requestedStartsAt).toBe(T0 - DAY);
      expect(settled.initialRoundStartsAt).toBe(T0);
      expect(settled.announcedPhase).toBe('initial_round');
    });

    it('schedules step 2 at a future startsAt and opens it only at startsAt', () => {
      // Prepare
      const startsAt = T0 + 7 * DAY;
      let session = newSession({ startsAt });
      session = accepted(joinSession(session, 'respondent', T0)).session;
      session = accepted(acceptTerms(session, 'claimant', 0, T0)).session;

      // Act
      const { session: settled, events } = accepted(acceptTerms(session, 'respondent', 0, T0));
      const early = finalizeDue(settled, startsAt - 1);
      const onTime = finalizeDue(settled, startsAt);

      // Assess
      expect(events).toEqual([
        { type: 'TermsAccepted', side: 'respondent', version: 0 },
        {
          type: 'TermsSettled',
          version: 0,
          initialRoundStartsAt: startsAt,
          initialRoundEndsAt: startsAt + 48 * HOUR,
        },
      ]);
      expect(settled.announcedPhase).toBe('scheduled');
      expect(effectivePhase(settled, T0)).toBe('scheduled');
      expect(effectivePhase(settled, startsAt - 1)).toBe('scheduled');
      expect(effectivePhase(settled, startsAt)).toBe('initial_round');
      expect(early).toEqual({ session: settled, events: [] });
      expect(onTime.events).toEqual([
        { type: 'InitialRoundOpened', initialRoundEndsAt: startsAt + 48 * HOUR },
      ]);
      expect(onTime.session.announcedPhase).toBe('initial_round');
    });

    it('rejects an acceptance once step 1 is settled', () => {
      // Prepare
      const session = settledSession();

      // Act
      const result = acceptTerms(session, 'claimant', 0, T0 + MINUTE);

      // Assess
      expect(rejectionOf(result)).toBe('terms_closed');
    });

    it('rejects an acceptance once the session has ended', () => {
      // Prepare
      const session = accepted(withdraw(newSession(), 'respondent', T0)).session;

      // Act
      const result = acceptTerms(session, 'claimant', 0, T0 + MINUTE);

      // Assess
      expect(rejectionOf(result)).toBe('session_ended');
    });
  });

  describe('submitNumber', () => {
    it('rejects a number during step 1', () => {
      // Prepare
      const session = newSession();

      // Act
      const result = submitNumber(session, 'claimant', T0);

      // Assess
      expect(rejectionOf(result)).toBe('round_not_open');
    });

    it('rejects a number while scheduled and accepts one exactly at initialRoundStartsAt', () => {
      // Prepare
      const startsAt = T0 + 7 * DAY;
      const session = settledSession({ startsAt });

      // Act
      const before = submitNumber(session, 'claimant', startsAt - 1);
      const atStart = accepted(submitNumber(session, 'claimant', startsAt));

      // Assess
      expect(rejectionOf(before)).toBe('round_not_open');
      expect(atStart.events).toEqual([
        { type: 'NumberAccepted', side: 'claimant', seq: 1, step: 'initial_round' },
      ]);
      expect(atStart.session).toMatchObject({
        seq: 1,
        evaluatedSeq: 0,
        hasNumber: { claimant: true, respondent: false },
        pendingMoves: [{ seq: 1, side: 'claimant', step: 'initial_round', at: startsAt }],
        initialRoundClosedAt: null,
        initialRoundClosedSeq: null,
      });
    });

    it("lets a side replace its step-2 number until the other side's first number arrives", () => {
      // Prepare
      const negotiation = new Negotiation(settledSession());
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);

      // Act
      const events = negotiation.submit('claimant', 800_000n, T0 + 2 * HOUR);

      // Assess
      expect(events).toEqual([{ type: 'NumberAccepted', side: 'claimant', seq: 2, step: 'initial_round' }]);
      expect(negotiation.session.initialRoundClosedSeq).toBeNull();
      expect(negotiation.evaluate(T0 + 2 * HOUR)).toEqual([
        { type: 'MoveEvaluated', seq: 2, result: 'no_pair' },
      ]);
      expect(negotiation.session.standingSeq).toEqual({ claimant: 2, respondent: null });
      expect(effectivePhase(negotiation.session, T0 + 2 * HOUR)).toBe('initial_round');
    });

    it('closes step 2 by the write that completes both numbers', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession());
      negotiation.submit('claimant', 900_000n, T0 + HOUR);

      // Act
      const events = negotiation.submit('respondent', 500_000n, T0 + 3 * HOUR);

      // Assess
      expect(events).toEqual([{ type: 'NumberAccepted', side: 'respondent', seq: 2, step: 'initial_round' }]);
      expect(negotiation.session).toMatchObject({
        initialRoundClosedAt: T0 + 3 * HOUR,
        initialRoundClosedSeq: 2,
      });
      expect(initialRoundClosedAt(negotiation.session, T0 + 3 * HOUR)).toBe(T0 + 3 * HOUR);
      expect(adjustmentEndsAt(negotiation.session, T0 + 3 * HOUR)).toBe(T0 + 3 * HOUR + 28 * DAY);
    });

    it('makes a number accepted after the completing write a step-3 move, even before the pair is evaluated', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession());
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.submit('respondent', 500_000n, T0 + 3 * HOUR);

      // Act
      const events = negotiation.submit('claimant', 850_000n, T0 + 3 * HOUR);

      // Assess
      expect(events).toEqual([{ type: 'NumberAccepted', side: 'claimant', seq: 3, step: 'adjustment' }]);
      expect(negotiation.session).toMatchObject({
        initialRoundClosedAt: T0 + 3 * HOUR,
        initialRoundClosedSeq: 2,
      });
      expect(effectivePhase(negotiation.session, T0 + 3 * HOUR)).toBe('initial_round');
    });

    it('closes step 2 at the deadline with one number: the deadline is a step-3 moment', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession());
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);

      // Act
      const lastStep2 = accepted(submitNumber(negotiation.session, 'claimant', DEADLINE - 1));
      const atDeadline = accepted(submitNumber(negotiation.session, 'respondent', DEADLINE));

      // Assess
      expect(lastStep2.events).toEqual([
        { type: 'NumberAccepted', side: 'claimant', seq: 2, step: 'initial_round' },
      ]);
      expect(atDeadline.events).toEqual([
        { type: 'NumberAccepted', side: 'respondent', seq: 2, step: 'adjustment' },
      ]);
      expect(atDeadline.session.initialRoundClosedSeq).toBeNull();
      expect(atDeadline.session.initialRoundClosedAt).toBeNull();
      expect(initialRoundClosedAt(atDeadline.session, DEADLINE - 1)).toBeNull();
      expect(initialRoundClosedAt(atDeadline.session, DEADLINE)).toBe(DEADLINE);
      expect(effectivePhase(negotiation.session, DEADLINE - 1)).toBe('initial_round');
      expect(effectivePhase(negotiation.session, DEADLINE)).toBe('adjustment');
    });

    it('accepts a first number from a side that had none in step 2', () => {
      // Prepare
      const session = settledSession();

      // Act
      const { events } = accepted(submitNumber(session, 'respondent', DEADLINE + DAY));

      // Assess
      expect(events).toEqual([{ type: 'NumberAccepted', side: 'respondent', seq: 1, step: 'adjustment' }]);
    });

    it('accepts a number until just before endsAt and refuses one exactly at endsAt', () => {
      // Prepare
      const session = settledSession();

      // Act
      const last = submitNumber(session, 'claimant', ENDS_AT - 1);
      const atEnd = submitNumber(session, 'claimant', ENDS_AT);

      // Assess
      expect(accepted(last).events).toEqual([
        { type: 'NumberAccepted', side: 'claimant', seq: 1, step: 'adjustment' },
      ]);
      expect(rejectionOf(atEnd)).toBe('session_ended');
    });

    it('ends step 3 adjustmentSeconds after the completing write, not after the deadline', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession());
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.submit('respondent', 500_000n, T0 + 2 * HOUR);
      negotiation.evaluate(T0 + HOUR);
      negotiation.evaluate(T0 + 2 * HOUR);
      const endsAt = T0 + 2 * HOUR + 28 * DAY;

      // Act
      const last = submitNumber(negotiation.session, 'respondent', endsAt - 1);
      const atEnd = submitNumber(negotiation.session, 'respondent', endsAt);

      // Assess
      expect(accepted(last).events).toEqual([
        { type: 'NumberAccepted', side: 'respondent', seq: 3, step: 'adjustment' },
      ]);
      expect(rejectionOf(atEnd)).toBe('session_ended');
    });

    it('refuses a number after a deal, after a withdrawal and after no deal', () => {
      // Prepare
      const dealt = new Negotiation(settledSession(), noDraw);
      dealt.submit('claimant', 500_000n, T0 + HOUR);
      dealt.submit('respondent', 500_000n, T0 + HOUR);
      dealt.evaluate(T0 + HOUR);
      dealt.evaluate(T0 + HOUR);
      const withdrawn = accepted(withdraw(settledSession(), 'respondent', T0 + HOUR)).session;
      const noDeal = finalizeDue(settledSession(), ENDS_AT).session;

      // Act
      const results = [
        submitNumber(dealt.session, 'claimant', T0 + 2 * HOUR),
        submitNumber(withdrawn, 'claimant', T0 + 2 * HOUR),
        submitNumber(noDeal, 'claimant', T0 + 2 * HOUR),
      ];

      // Assess
      expect(dealt.session.outcome).not.toBeNull();
      expect(noDeal.ended).toEqual({ reason: 'no_deal', at: ENDS_AT });
      expect(results.map(rejectionOf)).toEqual(['session_ended', 'session_ended', 'session_ended']);
    });
  });

  describe('effectivePhase', () => {
    it.each<[string, () => Session, number, Phase]>([
      ['setup', () => newSession(), T0, 'setup'],
      ['scheduled', () => settledSession({ startsAt: T0 + DAY }), T0 + DAY - 1, 'scheduled'],
      ['initial_round at its start', () => settledSession({ startsAt: T0 + DAY }), T0 + DAY, 'initial_round'],
      ['initial_round just before the deadline', () => settledSession(), DEADLINE - 1, 'initial_round'],
      ['adjustment at the deadline', () => settledSession(), DEADLINE, 'adjustment'],
      ['adjustment just before endsAt', () => settledSession(), ENDS_AT - 1, 'adjustment'],
      ['no_deal at endsAt, before any timer', () => settledSession(), ENDS_AT, 'no_deal'],
      ['withdrawn', () => accepted(withdraw(settledSession(), 'claimant', T0)).session, T0, 'withdrawn'],
      ['no_deal once stored', () => finalizeDue(settledSession(), ENDS_AT).session, ENDS_AT, 'no_deal'],
    ])('is %s', (_label, build, now, phase) => {
      // Prepare
      const session = build();

      // Act
      const actual = effectivePhase(session, now);

      // Assess
      expect(actual).toBe(phase);
    });

    it('shows initial_round while the closing pair is pending, even past the deadline and endsAt', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession());
      negotiation.submit('claimant', 900_000n, DEADLINE - 2);
      negotiation.submit('respondent', 500_000n, DEADLINE - 1);
      negotiation.evaluate(DEADLINE - 1);

      // Act
      const phases = [DEADLINE - 1, DEADLINE, ENDS_AT + DAY].map((now) =>
        effectivePhase(negotiation.session, now),
      );

      // Assess
      expect(negotiation.session.evaluatedSeq).toBe(1);
      expect(phases).toEqual(['initial_round', 'initial_round', 'initial_round']);
    });

    it('shows adjustment after endsAt while accepted numbers await evaluation, then no_deal', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession());
      negotiation.submit('claimant', 900_000n, ENDS_AT - 1);

      // Act
      const pending = effectivePhase(negotiation.session, ENDS_AT + MINUTE);
      negotiation.evaluate(ENDS_AT + MINUTE);
      const evaluated = effectivePhase(negotiation.session, ENDS_AT + MINUTE);

      // Assess
      expect(pending).toBe('adjustment');
      expect(evaluated).toBe('no_deal');
    });

    it('is settled once a deal is made, whatever the clock', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 700_000n, T0 + HOUR);
      negotiation.submit('respondent', 700_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);

      // Act
      const phases = [T0 + HOUR, ENDS_AT + DAY].map((now) => effectivePhase(negotiation.session, now));

      // Assess
      expect(phases).toEqual(['settled', 'settled']);
    });

    it('leaves the derived times unknown until step 1 is settled', () => {
      // Prepare
      const session = newSession();

      // Act
      const times = [
        initialRoundEndsAt(session),
        initialRoundClosedAt(session, ENDS_AT),
        adjustmentEndsAt(session, ENDS_AT),
      ];

      // Assess
      expect(times).toEqual([null, null, null]);
    });

    it('counts settled, no_deal and withdrawn as ends', () => {
      // Prepare
      const phases: Phase[] = [
        'setup',
        'scheduled',
        'initial_round',
        'adjustment',
        'settled',
        'no_deal',
        'withdrawn',
      ];

      // Act
      const ended = phases.filter(isEnded);

      // Assess
      expect(ended).toEqual(['settled', 'no_deal', 'withdrawn']);
    });
  });

  describe('roles', () => {
    it('tells the sides from the mediator and pairs each side with the other', () => {
      // Prepare
      const roles = ROLES;

      // Act
      const sides = roles.filter(isSide);

      // Assess
      expect(sides).toEqual(['claimant', 'respondent']);
      expect(sides.map(otherSide)).toEqual(['respondent', 'claimant']);
    });
  });

  describe('isValidAmount', () => {
    it.each([
      [0n, false],
      [1n, true],
      [10n ** 15n, true],
      [10n ** 15n + 1n, false],
      [-5n, false],
    ])('is %s → %s', (amount, valid) => {
      // Prepare
      const input = amount;

      // Act
      const actual = isValidAmount(input);

      // Assess
      expect(actual).toBe(valid);
    });
  });

  describe('evaluateNext', () => {
    it('rejects when every accepted number is evaluated', () => {
      // Prepare
      const session = settledSession();

      // Act
      const result = evaluateNext(session, { seq: 1, moverAmount: 1n, otherAmount: null }, noDraw, T0);

      // Assess
      expect(nextEvaluation(session)).toBeNull();
      expect(rejectionOf(result)).toBe('nothing_to_evaluate');
    });

    it('rejects any seq but the next one', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession());
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.submit('claimant', 800_000n, T0 + HOUR);

      // Act
      const result = evaluateNext(
        negotiation.session,
        { seq: 2, moverAmount: 800_000n, otherAmount: null },
        noDraw,
        T0,
      );

      // Assess
      expect(rejectionOf(result)).toBe('invalid_input');
      expect(nextEvaluation(negotiation.session)).toEqual({
        move: { seq: 1, side: 'claimant', step: 'initial_round', at: T0 + HOUR },
        otherSeq: null,
      });
    });

    it('evaluates a lone number without its amount (nothing to compare, nothing to open)', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession());
      negotiation.submit('respondent', 400_000n, T0 + HOUR);

      // Act
      const result = evaluateNext(
        negotiation.session,
        { seq: 1, moverAmount: null, otherAmount: null },
        noDraw,
        T0,
      );

      // Assess
      expect(isRejection(result)).toBe(false);
      expect((result as Transition).events).toEqual([{ type: 'MoveEvaluated', seq: 1, result: 'no_pair' }]);
    });

    it('rejects a pair whose mover amount is missing', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession());
      negotiation.submit('respondent', 400_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      negotiation.submit('claimant', 300_000n, T0 + HOUR);

      // Act
      const result = evaluateNext(
        negotiation.session,
        { seq: 2, moverAmount: null, otherAmount: 400_000n },
        noDraw,
        T0,
      );

      // Assess
      expect(rejectionOf(result)).toBe('invalid_input');
    });

    it('evaluates a lone number as no_pair and records it as standing', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('respondent', 400_000n, T0 + HOUR);

      // Act
      const events = negotiation.evaluate(T0 + HOUR);

      // Assess
      expect(events).toEqual([{ type: 'MoveEvaluated', seq: 1, result: 'no_pair' }]);
      expect(negotiation.session).toMatchObject({
        evaluatedSeq: 1,
        pendingMoves: [],
        standingSeq: { claimant: null, respondent: 1 },
      });
    });

    it('opens step 3 when the closing pair does not overlap: endsAt = completing write + adjustmentSeconds', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession({ adjustmentSeconds: 7 * 24 * 3600 }), noDraw);
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      negotiation.submit('respondent', 500_000n, T0 + 5 * HOUR);

      // Act
      const next = nextEvaluation(negotiation.session);
      const events = negotiation.evaluate(T0 + 5 * HOUR + SECOND);

      // Assess
      expect(next?.otherSeq).toBe(1);
      expect(events).toEqual([
        { type: 'MoveEvaluated', seq: 2, result: 'no_overlap' },
        { type: 'InitialRoundClosed', at: T0 + 5 * HOUR },
        { type: 'AdjustmentOpened', endsAt: T0 + 5 * HOUR + 7 * DAY },
      ]);
      expect(negotiation.session.announcedPhase).toBe('adjustment');
      expect(effectivePhase(negotiation.session, T0 + 5 * HOUR + SECOND)).toBe('adjustment');
    });

    it('makes an exact step-2 match a deal at that number, with no bonus and no draw', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('respondent', 650_000n, T0 + HOUR);
      negotiation.submit('claimant', 650_000n, T0 + 2 * HOUR);
      negotiation.evaluate(T0 + HOUR);

      // Act
      const events = negotiation.evaluate(T0 + 2 * HOUR + 300);

      // Assess
      const outcome = {
        amount: 650_000n,
        baseAmount: 650_000n,
        bonusSide: null,
        reachedIn: 'initial_round',
        settledAt: T0 + 2 * HOUR, // the moment the deciding number was accepted, not the evaluation
      };
      expect(events).toEqual([
        { type: 'MoveEvaluated', seq: 2, result: 'deal' },
        { type: 'Settled', outcome },
      ]);
      expect(negotiation.session.outcome).toEqual(outcome);
      expect(negotiation.session.announcedPhase).toBe('settled');
    });

    it('makes an overlapping step-2 pair a deal drawn inside the overlap, with no bonus', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), seededRandom(2024));
      negotiation.submit('claimant', 400_000n, T0 + HOUR);
      negotiation.submit('respondent', 1_200_000n, T0 + 2 * HOUR);
      negotiation.evaluate(T0 + HOUR);
      const expected = evaluateMatch({
        demand: 400_000n,
        offer: 1_200_000n,
        mover: 'respondent',
        step: 'initial_round',
        bonusPercent: 5,
        random: seededRandom(2024),
      });

      // Act
      const events = negotiation.evaluate(T0 + 2 * HOUR);

      // Assess
      const outcome = negotiation.session.outcome!;
      expect(events).toEqual([
        { type: 'MoveEvaluated', seq: 2, result: 'deal' },
        { type: 'Settled', outcome },
      ]);
      expect(outcome).toEqual({ ...expected, reachedIn: 'initial_round', settledAt: T0 + 2 * HOUR });
      expect(outcome.bonusSide).toBeNull();
      expect(outcome.amount).toBe(outcome.baseAmount);
      expect(outcome.amount).toBeGreaterThanOrEqual(400_000n);
      expect(outcome.amount).toBeLessThanOrEqual(1_200_000n);
    });

    it.each<[Side, bigint, Side, bigint]>([
      ['respondent', 900_000n, 'claimant', 945_000n],
      ['claimant', 500_000n, 'respondent', 475_000n],
    ])(
      'gives the step-3 bonus to the side that did not move when the %s moves to %d',
      (mover, to, bonusSide, amount) => {
        // Prepare
        const negotiation = new Negotiation(settledSession(), noDraw);
        negotiation.submit('claimant', 900_000n, T0 + HOUR);
        negotiation.submit('respondent', 500_000n, T0 + 2 * HOUR);
        negotiation.evaluate(T0 + 2 * HOUR);
        negotiation.evaluate(T0 + 2 * HOUR);
        negotiation.submit(mover, to, T0 + DAY);

        // Act
        const events = negotiation.evaluate(T0 + DAY);

        // Assess
        const outcome = { amount, baseAmount: to, bonusSide, reachedIn: 'adjustment', settledAt: T0 + DAY };
        expect(events).toEqual([
          { type: 'MoveEvaluated', seq: 3, result: 'deal' },
          { type: 'Settled', outcome },
        ]);
      },
    );

    it('gives the bonus to the side that had a number when the other enters its first in step 3', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession({ bonusPercent: 20 }), noDraw);
      negotiation.submit('claimant', 1_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      negotiation.submit('respondent', 1_000n, DEADLINE + HOUR);

      // Act
      const events = negotiation.evaluate(DEADLINE + HOUR);

      // Assess
      expect(events).toEqual([
        { type: 'MoveEvaluated', seq: 2, result: 'deal' },
        {
          type: 'Settled',
          outcome: {
            amount: 1_200n,
            baseAmount: 1_000n,
            bonusSide: 'claimant',
            reachedIn: 'adjustment',
            settledAt: DEADLINE + HOUR,
          },
        },
      ]);
    });

    it('names no bonus side in step 3 when bonusPercent is 0', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession({ bonusPercent: 0 }), noDraw);
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.submit('respondent', 500_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      negotiation.submit('respondent', 900_000n, T0 + DAY);

      // Act
      negotiation.evaluate(T0 + DAY);

      // Assess
      expect(negotiation.session.outcome).toEqual({
        amount: 900_000n,
        baseAmount: 900_000n,
        bonusSide: null,
        reachedIn: 'adjustment',
        settledAt: T0 + DAY,
      });
    });

    it('evaluates step-3 moves that do not overlap as no_overlap', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.submit('respondent', 500_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      negotiation.submit('respondent', 600_000n, T0 + DAY);

      // Act
      const events = negotiation.evaluate(T0 + DAY);

      // Assess
      expect(events).toEqual([{ type: 'MoveEvaluated', seq: 3, result: 'no_overlap' }]);
      expect(negotiation.session.standingSeq).toEqual({ claimant: 1, respondent: 3 });
    });

    it('voids every move accepted after the deal-making seq, whatever it would have done', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 500_000n, T0 + HOUR);
      negotiation.submit('respondent', 500_000n, T0 + HOUR);
      negotiation.submit('claimant', 100_000n, T0 + HOUR + 1);
      negotiation.submit('respondent', 100_000n, T0 + HOUR + 2);
      negotiation.evaluate(T0 + HOUR + 3);
      const deal = negotiation.evaluate(T0 + HOUR + 3);
      const outcome = negotiation.session.outcome;

      // Act
      const voided = [...negotiation.evaluate(T0 + HOUR + 4), ...negotiation.evaluate(T0 + HOUR + 4)];

      // Assess
      expect(deal[0]).toEqual({ type: 'MoveEvaluated', seq: 2, result: 'deal' });
      expect(voided).toEqual([
        { type: 'MoveEvaluated', seq: 3, result: 'void' },
        { type: 'MoveEvaluated', seq: 4, result: 'void' },
      ]);
      expect(negotiation.session.outcome).toBe(outcome);
      expect(negotiation.session).toMatchObject({
        evaluatedSeq: 4,
        pendingMoves: [],
        announcedPhase: 'settled',
      });
    });

    it('leaves nothing to evaluate after a withdrawal: it waits for every number first', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      const refused = withdraw(negotiation.session, 'claimant', T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      const withdrawn = accepted(withdraw(negotiation.session, 'claimant', T0 + HOUR)).session;

      // Act
      const result = evaluateNext(
        withdrawn,
        { seq: 2, moverAmount: 1n, otherAmount: null },
        noDraw,
        T0 + HOUR,
      );

      // Assess
      expect(rejectionOf(refused)).toBe('evaluation_pending');
      expect(rejectionOf(result)).toBe('nothing_to_evaluate');
    });

    it('voids a move still pending in a stored state that records a withdrawal', () => {
      // Prepare: unreachable through the commands (withdraw waits for evaluation), kept as a guard
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 500_000n, T0 + HOUR);
      negotiation.submit('respondent', 500_000n, T0 + HOUR);
      const session: Session = { ...negotiation.session, ended: { reason: 'withdrawn', at: T0 + HOUR } };

      // Act
      const { session: after, events } = accepted(
        evaluateNext(session, { seq: 1, moverAmount: 500_000n, otherAmount: null }, noDraw, T0 + HOUR),
      );

      // Assess
      expect(events).toEqual([{ type: 'MoveEvaluated', seq: 1, result: 'void' }]);
      expect(after.outcome).toBeNull();
      expect(after.evaluatedSeq).toBe(1);
    });

    it('ends with no deal at endsAt once the last number before endsAt is evaluated late', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      negotiation.session = finalizeDue(negotiation.session, DEADLINE).session;
      negotiation.submit('respondent', 100_000n, ENDS_AT - 1);

      // Act
      const events = negotiation.evaluate(ENDS_AT + 30 * SECOND);

      // Assess
      expect(events).toEqual([
        { type: 'MoveEvaluated', seq: 2, result: 'no_overlap' },
        { type: 'NoDeal', at: ENDS_AT },
      ]);
      expect(negotiation.session.ended).toEqual({ reason: 'no_deal', at: ENDS_AT });
      expect(negotiation.session.announcedPhase).toBe('no_deal');
    });

    it('lets a deal made by a number accepted before endsAt stand when evaluated after endsAt', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      negotiation.submit('respondent', 900_000n, ENDS_AT - 1);
      const timer = finalizeDue(negotiation.session, ENDS_AT);

      // Act
      const events = negotiation.evaluate(ENDS_AT + 30 * SECOND);

      // Assess
      expect(timer.events.map((event) => event.type)).toEqual(['InitialRoundClosed', 'AdjustmentOpened']);
      expect(events.map((event) => event.type)).toEqual(['MoveEvaluated', 'Settled']);
      expect(effectivePhase(negotiation.session, ENDS_AT + 30 * SECOND)).toBe('settled');
    });
  });

  describe('finalizeDue and advance', () => {
    it('is idempotent: a timer that fires twice announces each change once', () => {
      // Prepare
      const session = settledSession({ startsAt: T0 + DAY });

      // Act
      const first = finalizeDue(session, T0 + DAY);
      const second = finalizeDue(first.session, T0 + DAY);

      // Assess
      expect(first.events).toEqual([
        { type: 'InitialRoundOpened', initialRoundEndsAt: T0 + DAY + 48 * HOUR },
      ]);
      expect(second).toEqual({ session: first.session, events: [] });
    });

    it('changes nothing when the timer fires early', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession());
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);

      // Act
      const atDeadline = finalizeDue(negotiation.session, DEADLINE - 1);
      const atEnd = finalizeDue(finalizeDue(negotiation.session, DEADLINE).session, ENDS_AT - 1);

      // Assess
      expect(atDeadline).toEqual({ session: negotiation.session, events: [] });
      expect(atEnd.events).toEqual([]);
      expect(atEnd.session.ended).toBeNull();
    });

    it('announces the deadline at the deadline when the timer fires late', () => {
      // Prepare
      const session = settledSession();

      // Act
      const { session: after, events } = finalizeDue(session, DEADLINE + 50 * SECOND);

      // Assess
      expect(events).toEqual([
        { type: 'InitialRoundClosed', at: DEADLINE },
        { type: 'AdjustmentOpened', endsAt: ENDS_AT },
      ]);
      expect(after.announcedPhase).toBe('adjustment');
      expect(after.ended).toBeNull();
    });

    it('announces every missed change in order, with their own times, when only a very late timer fires', () => {
      // Prepare
      const startsAt = T0 + DAY;
      const session = settledSession({ startsAt, initialRoundSeconds: 3600, adjustmentSeconds: 7200 });

      // Act
      const { session: after, events } = finalizeDue(session, startsAt + 10 * DAY);

      // Assess
      expect(events).toEqual([
        { type: 'InitialRoundOpened', initialRoundEndsAt: startsAt + HOUR },
        { type: 'InitialRoundClosed', at: startsAt + HOUR },
        { type: 'AdjustmentOpened', endsAt: startsAt + 3 * HOUR },
        { type: 'NoDeal', at: startsAt + 3 * HOUR },
      ]);
      expect(after.ended).toEqual({ reason: 'no_deal', at: startsAt + 3 * HOUR });
      expect(after.announcedPhase).toBe('no_deal');
      expect(finalizeDue(after, startsAt + 11 * DAY)).toEqual({ session: after, events: [] });
    });

    it('does not end the session while accepted numbers await evaluation (evaluatedSeq < seq)', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 900_000n, ENDS_AT - 1);

      // Act
      const { session: after, events } = finalizeDue(negotiation.session, ENDS_AT + MINUTE);

      // Assess
      expect(events).toEqual([
        { type: 'InitialRoundClosed', at: DEADLINE },
        { type: 'AdjustmentOpened', endsAt: ENDS_AT },
      ]);
      expect(after.ended).toBeNull();
      expect(effectivePhase(after, ENDS_AT + MINUTE)).toBe('adjustment');
    });

    it('does not close step 2 while the closing pair awaits evaluation', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.submit('respondent', 500_000n, T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);

      // Act
      const result = finalizeDue(negotiation.session, DEADLINE + MINUTE);

      // Assess
      expect(result.events).toEqual([]);
    });

    it('announces nothing on a settled or withdrawn session', () => {
      // Prepare
      const dealt = new Negotiation(settledSession(), noDraw);
      dealt.submit('claimant', 500_000n, T0 + HOUR);
      dealt.submit('respondent', 500_000n, T0 + HOUR);
      dealt.evaluate(T0 + HOUR);
      dealt.evaluate(T0 + HOUR);
      const withdrawn = accepted(withdraw(settledSession(), 'claimant', T0)).session;

      // Act
      const results = [finalizeDue(dealt.session, ENDS_AT + DAY), finalizeDue(withdrawn, ENDS_AT + DAY)];

      // Assess
      expect(results.map((result) => result.events)).toEqual([[], []]);
    });

    it('keeps the events it is given ahead of its own', () => {
      // Prepare
      const session = settledSession({ startsAt: T0 + DAY });
      const given: DomainEvent[] = [{ type: 'MemberJoined', role: 'mediator' }];

      // Act
      const { events } = advance(session, given, T0 + DAY);

      // Assess
      expect(events).toEqual([
        { type: 'MemberJoined', role: 'mediator' },
        { type: 'InitialRoundOpened', initialRoundEndsAt: T0 + DAY + 48 * HOUR },
      ]);
      expect(given).toHaveLength(1);
    });
  });

  describe('withdraw', () => {
    it.each<[Phase, () => Session, number]>([
      ['setup', () => newSession(), T0 + MINUTE],
      ['scheduled', () => settledSession({ startsAt: T0 + DAY }), T0 + MINUTE],
      ['initial_round', () => settledSession(), T0 + MINUTE],
      ['adjustment', () => settledSession(), DEADLINE + MINUTE],
      ['adjustment', () => settledSession(), ENDS_AT - 1],
    ])('ends the session without a deal in %s', (phase, build, now) => {
      // Prepare
      const session = build();

      // Act
      const { session: after, events } = accepted(withdraw(session, 'respondent', now));

      // Assess
      expect(effectivePhase(session, now)).toBe(phase);
      expect(events).toEqual([{ type: 'Withdrawn', side: 'respondent', at: now }]);
      expect(after.ended).toEqual({ reason: 'withdrawn', at: now });
      expect(after.announcedPhase).toBe('withdrawn');
      expect(effectivePhase(after, now)).toBe('withdrawn');
    });

    it('is harmless twice: the second withdrawal emits nothing', () => {
      // Prepare
      const first = accepted(withdraw(settledSession(), 'claimant', T0 + MINUTE)).session;

      // Act
      const second = accepted(withdraw(first, 'respondent', ENDS_AT + DAY));

      // Assess
      expect(second).toEqual({ session: first, events: [] });
    });

    it('waits while accepted numbers are unevaluated, then takes effect', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 900_000n, T0 + HOUR);
      negotiation.submit('respondent', 500_000n, T0 + HOUR);

      // Act
      const pending = withdraw(negotiation.session, 'respondent', T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      const stillPending = withdraw(negotiation.session, 'respondent', T0 + HOUR);
      negotiation.evaluate(T0 + HOUR);
      const done = withdraw(negotiation.session, 'respondent', T0 + HOUR + SECOND);

      // Assess
      expect(rejectionOf(pending)).toBe('evaluation_pending');
      expect(rejectionOf(stillPending)).toBe('evaluation_pending');
      expect(accepted(done).events).toEqual([
        { type: 'Withdrawn', side: 'respondent', at: T0 + HOUR + SECOND },
      ]);
    });

    it('cannot cancel a deal made by a number it waited for', () => {
      // Prepare
      const negotiation = new Negotiation(settledSession(), noDraw);
      negotiation.submit('claimant', 500_000n, T0 + HOUR);
      negotiation.submit('respondent', 500_000n, T0 + HOUR);
      negotiation.submit('respondent', 400_000n, T0 + HOUR + 1);
      const pending = withdraw(negotiation.session, 'claimant', T0 + HOUR + 2);
      negotiation.evaluate(T0 + HOUR + 2);
      negotiation.evaluate(T0 + HOUR + 2);

      // Act
      const afterDeal = withdraw(negotiation.session, 'claimant', T0 + HOUR + 3);

      // Assess
      expect(rejectionOf(pending)).toBe('evaluation_pending');
      expect(negotiation.session.pendingMoves).toHaveLength(1);
      expect(rejectionOf(afterDeal)).toBe('session_ended');
    });

    it('refuses once no deal has taken effect, stored or not', () => {
      // Prepare
      const effective = settledSession();
      const stored = finalizeDue(settledSession(), ENDS_AT).session;

      // Act
      const results = [withdraw(effective, 'claimant', ENDS_AT), withdraw(stored, 'claimant', ENDS_AT + DAY)];

      // Assess
      expect(results.map(rejectionOf)).toEqual(['session_ended', 'session_ended']);
    });
  });
});
