import { describe, expect, it } from 'vitest';
import {
  acceptTerms,
  effectivePhase,
  finalizeDue,
  joinSession,
  LIMITS,
  proposeTerms,
  withdraw,
} from '../../../../shared/engine/session';
import { accepted, DAY, HOUR, MINUTE, newSession, rejectionOf, settledSession, T0 } from './support';

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
    expect(onTime.events).toEqual([{ type: 'InitialRoundOpened', initialRoundEndsAt: startsAt + 48 * HOUR }]);
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
