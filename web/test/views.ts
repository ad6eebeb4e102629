import type { SessionView } from '../src/api/client';

/** A session view as the API sends it, with what a test changes. */
export function sessionView(overrides: Partial<SessionView> = {}): SessionView {
  return {
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    matterId: 'MMMMMMMMMMMMMMMMMMMMMM',
    previousSessionId: null,
    title: 'Acme v. Widget',
    caseNumber: null,
    currency: 'USD',
    myRole: 'claimant',
    phase: 'initial_round',
    terms: { version: 0, text: null, acceptedVersion: { claimant: 0, respondent: 0 } },
    sides: {
      claimant: {
        hasNumber: false,
        members: [{ email: 'alice@claimant.example', displayName: null, status: 'joined' }],
      },
      respondent: {
        hasNumber: false,
        members: [{ email: 'bob@respondent.example', displayName: null, status: 'joined' }],
      },
    },
    mediator: null,
    schedule: {
      startsAt: '2026-03-01T09:00:00Z',
      initialRoundEndsAt: '2099-03-03T09:00:00Z',
      endsAt: null,
      initialRoundSeconds: 172800,
      adjustmentSeconds: 2419200,
    },
    bonusPercent: 5,
    proposalGapPercent: 30,
    proposal: null,
    outcome: null,
    ...overrides,
  };
}

export const CURRENCIES = {
  currencies: [
    { code: 'JPY', digits: 0 },
    { code: 'KWD', digits: 3 },
    { code: 'USD', digits: 2 },
  ],
};
