/**
 * The session view of openapi.yaml as the end-to-end tests expect it, built field by field. Compared
 * with `toEqual`, it also proves the view has no other field (no `seq`, no `updatedAt`).
 */
import { expect } from 'vitest';
import { type Email, ISO_SECONDS, type Json } from '../support/e2e-client';

export type Role = 'claimant' | 'respondent' | 'mediator';
type Member = { email: string; displayName: string | null; status: 'joined' | 'invited' };

export const joined = (email: string, displayName: string | null = null): Member => ({
  email,
  displayName,
  status: 'joined',
});
export const invited = (email: string, displayName: string | null = null): Member => ({
  email,
  displayName,
  status: 'invited',
});

/** A matter's id: 128 random bits, base64url. */
export const anyMatter = () => expect.stringMatching(/^[A-Za-z0-9_-]{22}$/);

/** Any ISO 8601 UTC time to the second. */
export const anyTime = () => expect.stringMatching(ISO_SECONDS);

export const HOUR = 3_600;
export const DAY = 86_400;
export const INITIAL_ROUND = 48 * HOUR;
export const ADJUSTMENT = 28 * DAY;

export interface ExpectedView {
  id: string;
  matterId?: unknown;
  previousSessionId?: string | null;
  myRole: Role;
  phase: string;
  claimant: Member[];
  respondent: Member[];
  mediator?: Member | null;
  hasNumber?: { claimant: boolean; respondent: boolean };
  terms?: {
    version: number;
    text: string | null;
    acceptedVersion: Record<'claimant' | 'respondent', number | null>;
  };
  schedule?: Partial<Record<'startsAt' | 'initialRoundEndsAt' | 'endsAt', unknown>> & {
    initialRoundSeconds?: number;
    adjustmentSeconds?: number;
  };
  outcome?: unknown;
  title?: string;
  caseNumber?: string | null;
  currency?: string;
  bonusPercent?: number;
  proposalGapPercent?: number;
  proposal?: unknown;
}

export function expectedView(e: ExpectedView): Json {
  return {
    id: e.id,
    matterId: e.matterId ?? anyMatter(),
    previousSessionId: e.previousSessionId ?? null,
    title: e.title ?? 'Acme v. Widget',
    caseNumber: e.caseNumber ?? null,
    currency: e.currency ?? 'USD',
    myRole: e.myRole,
    phase: e.phase,
    terms: e.terms ?? { version: 0, text: null, acceptedVersion: { claimant: 0, respondent: 0 } },
    sides: {
      claimant: { hasNumber: e.hasNumber?.claimant ?? false, members: e.claimant },
      respondent: { hasNumber: e.hasNumber?.respondent ?? false, members: e.respondent },
    },
    mediator: e.mediator ?? null,
    schedule: {
      startsAt: null,
      initialRoundEndsAt: null,
      endsAt: null,
      initialRoundSeconds: INITIAL_ROUND,
      adjustmentSeconds: ADJUSTMENT,
      ...e.schedule,
    },
    bonusPercent: e.bonusPercent ?? 5,
    proposalGapPercent: e.proposalGapPercent ?? 30,
    proposal: e.proposal ?? null,
    outcome: e.outcome ?? null,
  };
}

/** Seconds from one ISO time to another. */
export const secondsBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

/** An ISO time `seconds` after another, to the second. */
export const plusSeconds = (iso: string, seconds: number) =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The emails whose subject starts with `prefix`. */
export const withSubject = (emails: Email[], prefix: string) =>
  emails.filter((e) => e.subject.startsWith(prefix));

/** `123456789` written every way an email or a log could show it (plain, grouped, as money). */
export function spellings(amount: number): string[] {
  const plain = String(amount);
  const major = (amount / 100).toFixed(2);
  const grouped = Number(major).toLocaleString('en-US', { minimumFractionDigits: 2 });
  return [plain, major, grouped, amount.toLocaleString('en-US')];
}

/** No email text, HTML or subject shows any of the amounts, in any spelling. */
export function expectNoAmounts(emails: Email[], amounts: number[]) {
  for (const email of emails) {
    for (const amount of amounts) {
      for (const s of spellings(amount)) {
        expect(`${email.subject}\n${email.text}\n${email.html}`, `${email.subject} shows ${s}`).not.toContain(
          s,
        );
      }
    }
  }
}
