import { describe, expect, it } from 'vitest';
import {
  acceptTerms,
  effectivePhase,
  joinSession,
  mayInvite,
  proposeTerms,
  withdraw,
} from '../../../../shared/engine/session';
import { isSide, otherSide, ROLES } from '../../../../shared/engine/types';
import { accepted, ENDS_AT, HOUR, MINUTE, newSession, rejectionOf, settledSession, T0 } from './support';

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
