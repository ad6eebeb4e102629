/**
 * Request bodies (openapi.yaml), validated with valibot. Unknown fields are refused. Every rule
 * has its own sentence ("amount must be a whole number from 1 to 1000000000000000 (minor
 * units)"); a message never repeats the value that was sent (it may be a secret number).
 */
import * as v from 'valibot';
import {
  CURRENCY_CODES,
  LIMITS,
  MAX_AMOUNT,
  MESSAGE_LENGTH,
  ROLES,
  type TextRule,
  textProblem,
} from '../engine';
import { type BodySource, readJson } from './body';
import { invalidBody } from './errors';

const wholeNumber = (field: string, min: number, max: number, unit = '') => {
  const rule = `${field} must be a whole number from ${min} to ${max}${unit}`;
  return v.pipe(v.number(rule), v.integer(rule), v.minValue(min, rule), v.maxValue(max, rule));
};

/** A text field following the text rules of shared/engine/text.ts. */
const text = (field: string, rule: TextRule, options: { trim?: boolean } = {}) =>
  v.pipe(
    v.string(`${field} must be text`),
    v.transform((s) => (options.trim ? s.trim() : s)),
    v.check(
      (s) => textProblem(s, rule) === null,
      (issue) => `${field} ${textProblem(String(issue.input), rule)}`,
    ),
  );

const email = (field: string) => {
  const rule = `${field} must be an email address of at most 254 characters`;
  return v.pipe(
    v.string(rule),
    v.transform((s) => s.trim().toLowerCase()),
    v.maxLength(254, rule),
    v.email(rule),
  );
};

const role = (field: string) => v.picklist(ROLES, `${field} must be claimant, respondent or mediator`);

export const createSessionBody = v.strictObject({
  title: text('title', { min: 1, max: LIMITS.titleLength }, { trim: true }),
  caseNumber: v.nullish(text('caseNumber', { min: 1, max: LIMITS.caseNumberLength }, { trim: true })),
  currency: v.picklist(CURRENCY_CODES, 'currency must be an ISO 4217 code such as USD'),
  myRole: role('myRole'),
  invite: v.strictObject({
    claimant: v.optional(email('invite.claimant')),
    respondent: v.optional(email('invite.respondent')),
    mediator: v.optional(email('invite.mediator')),
  }),
  startsAt: v.nullish(
    v.pipe(
      v.string('startsAt must be an ISO 8601 time such as 2026-03-01T10:00:00Z'),
      v.isoTimestamp('startsAt must be an ISO 8601 time such as 2026-03-01T10:00:00Z'),
      v.transform((s) => Date.parse(s)),
      v.check((ms) => Number.isFinite(ms), 'startsAt must be an ISO 8601 time such as 2026-03-01T10:00:00Z'),
    ),
  ),
  initialRoundSeconds: v.optional(
    wholeNumber('initialRoundSeconds', LIMITS.initialRoundSeconds.min, LIMITS.initialRoundSeconds.max),
  ),
  adjustmentSeconds: v.optional(
    wholeNumber('adjustmentSeconds', LIMITS.adjustmentSeconds.min, LIMITS.adjustmentSeconds.max),
  ),
  bonusPercent: v.optional(wholeNumber('bonusPercent', LIMITS.bonusPercent.min, LIMITS.bonusPercent.max)),
  proposalGapPercent: v.optional(
    wholeNumber('proposalGapPercent', LIMITS.proposalGapPercent.min, LIMITS.proposalGapPercent.max),
  ),
});

export const inviteBody = v.strictObject({ email: email('email'), role: role('role') });
export const acceptInvitationBody = v.strictObject({
  token: v.pipe(
    v.string('token must be the token of an invitation link'),
    v.minLength(1, 'token must be 1 to 200 characters'),
    v.maxLength(200, 'token must be 1 to 200 characters'),
  ),
});
/** Any text is a token to look up: an unknown one, whatever its form, is an invalid invitation (410). */
export const previewInvitationBody = v.strictObject({
  token: v.string('token must be the token of an invitation link'),
});
export const termsBody = v.strictObject({
  text: text('text', { min: 1, max: LIMITS.termsLength, multiline: true }),
});
export const acceptTermsBody = v.strictObject({ version: wholeNumber('version', 0, 1_000_000) });
/** Any JSON number whose written value is an integer in range (`1e3` is 1000). */
export const numberBody = v.strictObject({
  amount: wholeNumber('amount', 1, Number(MAX_AMOUNT), ' (minor units)'),
});
export const withdrawBody = v.strictObject({});
export const againBody = v.strictObject({});
const MATTER_ID = /^[A-Za-z0-9_-]{22}$/;

/** `GET /sessions`: only `matterId` (a matter's id), else a 400 that names the rule. */
export function sessionsQuery(query: Record<string, string | undefined>): { matterId?: string } {
  const names = Object.keys(query);
  if (names.some((name) => name !== 'matterId')) {
    throw invalidBody('The query has an unknown parameter (only matterId).');
  }
  const { matterId } = query;
  if (matterId === undefined) return {};
  if (!MATTER_ID.test(matterId)) throw invalidBody('matterId must be a matter id (22 base64url characters).');
  return { matterId };
}
/** A profile (docs/rules.md, "Profiles"): a display name of 1–100 code points, an organization of at most 200. */
export const profileBody = v.strictObject({
  displayName: text('displayName', { min: 1, max: 100 }, { trim: true }),
  organization: v.optional(v.nullable(text('organization', { min: 0, max: 200 }, { trim: true }))),
});
/** A room message (docs/rules.md, "Rooms"): multi-line, 1–10,000 code points, never trimmed. */
export const messageBody = v.strictObject({
  text: text('text', { min: 1, max: MESSAGE_LENGTH, multiline: true }),
});
export const jointConsentBody = v.strictObject({});
/** A mediator's proposal names an amount; a computed one takes none (docs/rules.md, "Double-blind proposals"). */
export const proposalBody = v.pipe(
  v.strictObject({
    kind: v.picklist(['mediator', 'computed'], 'kind must be mediator or computed'),
    amount: v.optional(wholeNumber('amount', 1, Number(MAX_AMOUNT), ' (minor units)')),
  }),
  v.check(
    (body) => (body.kind === 'mediator') === (body.amount !== undefined),
    'amount is required for a mediator’s proposal and not allowed for a computed one',
  ),
);
export const consentBody = v.strictObject({ consent: v.boolean('consent must be true or false') });
export const answerBody = v.strictObject({ accept: v.boolean('accept must be true or false') });

/**
 * Unknown field names are the caller's own text: one could hold a number (`{"4817263": true}`).
 * Only names made of letters and underscores are repeated.
 */
const SAFE_FIELD_NAME = /^[A-Za-z_]{1,40}$/;

type Issue = v.BaseIssue<unknown>;

function describe(issue: Issue): string {
  const path = issue.path?.map((item) => String(item.key)) ?? [];
  const field = path.join('.');
  if (issue.type === 'strict_object' || issue.type === 'object') {
    if (issue.expected === 'never') {
      const name = path.at(-1) ?? '';
      const parent = path.slice(0, -1).join('.');
      const shown = SAFE_FIELD_NAME.test(name) ? ` "${name}"` : '';
      return `${parent ? `${parent} has` : 'the body has'} an unknown field${shown}`;
    }
    if (issue.received === 'undefined' && field) return `${field} is required`;
    return `${field || 'the body'} must be a JSON object`;
  }
  return issue.message;
}

/** Validates a parsed body, or throws a 400 that states the broken rules. */
export function validate<S extends v.GenericSchema>(schema: S, json: unknown): v.InferOutput<S> {
  // Every body is an object (valibot would take an array for one with missing fields).
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalidBody('the body must be a JSON object.');
  }
  const result = v.safeParse(schema, json);
  if (result.success) return result.output;
  const rules = [...new Set(result.issues.map(describe))].slice(0, 5);
  throw invalidBody(`${rules.join('; ')}.`);
}

/** Reads the body strictly (415, UTF-8, duplicates, lossless numbers) and validates it. */
export function parseBody<S extends v.GenericSchema>(
  schema: S,
  source: BodySource,
  options: { emptyIs?: unknown } = {},
): v.InferOutput<S> {
  return validate(schema, readJson(source, options));
}

/** Peeks at one string field of a body without validating it (for checks that come before 400). */
export function peekField(source: BodySource, field: string): string | undefined {
  const value = peekValue(source, field);
  return typeof value === 'string' ? value : undefined;
}

/** Peeks at one field of a body without validating it: undefined when the body does not parse. */
export function peekValue(source: BodySource, field: string): unknown {
  try {
    return (readJson(source) as Record<string, unknown> | null)?.[field];
  } catch {
    return undefined;
  }
}
