import { describe, expect, it } from 'vitest';
import { type CreateSession, createSession, effectivePhase, LIMITS } from '../../../../shared/engine/session';
import { accepted, DAY, T0 } from './support';

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
      proposalGapPercent: 30,
      proposals: {
        current: null,
        history: [],
        mediatorCount: 0,
        requested: { claimant: false, respondent: false },
      },
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
    ['proposalGapPercent', 0],
    ['proposalGapPercent', 100],
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
    ['proposalGapPercent', -1],
    ['proposalGapPercent', 101],
    ['proposalGapPercent', 12.5],
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
