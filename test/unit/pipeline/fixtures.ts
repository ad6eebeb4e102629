/** Outbox records of every template, as the application writes them (never with a number). */
import type { Notice, OutboxRecord } from '../../../shared/app/outbox';

export const SESSION_ID = 'c2Vzc2lvbi1pZC0tX18tMDE';
export const TITLE = 'Acme <img src=x onerror=alert(1)> & "Widget" v. O\'Brien';
export const ENDS_AT = Date.parse('2026-03-04T17:00:00.000Z');
export const A = 'alice@example.com';
export const B = 'bob@example.com';
export const M = 'mediator@example.com';

export function record(notice: Notice | null, overrides: Partial<OutboxRecord> = {}): OutboxRecord {
  return {
    id: notice ? notice.template.replaceAll('_', '-') : 'terms-settled',
    sessionId: SESSION_ID,
    title: TITLE,
    currency: 'USD',
    notice,
    timers: [],
    cancelTimers: [],
    createdAt: Date.parse('2026-03-01T10:00:00.000Z'),
    ...overrides,
  };
}

export const NOTICES: Notice[] = [
  {
    template: 'invitation',
    to: [B],
    invitationId: 'inv-1',
    role: 'respondent',
    invitedBy: 'alice+<b>@example.com',
    validUntil: ENDS_AT,
  },
  { template: 'initial_round_opened', to: [A, B, M], endsAt: ENDS_AT, bonusPercent: 5 },
  { template: 'initial_round_reminder', to: [B], endsAt: ENDS_AT },
  { template: 'adjustment_opened', to: [A, B, M], endsAt: ENDS_AT, bonusPercent: 5 },
  { template: 'adjustment_reminder', to: [A, B], endsAt: ENDS_AT },
  {
    template: 'settled',
    to: [A, B, M],
    outcome: {
      amount: '9500000',
      baseAmount: '10000000',
      bonusSide: 'respondent',
      reachedIn: 'adjustment',
      settledAt: ENDS_AT,
    },
    terms: 'Clause 1 </blockquote><script>x()</script>\nClause 2 & more',
  },
  { template: 'no_deal', to: [A, B, M], at: ENDS_AT },
  { template: 'withdrawn', to: [A, B, M], at: ENDS_AT },
];
