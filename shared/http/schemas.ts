/**
 * Request bodies of SPEC §3, validated with zod. Unknown fields are rejected. Error messages name
 * the field and the rule, never the value that was sent (it may be a secret number).
 */
import * as z from 'zod';
import { isCurrency, LIMITS, MAX_AMOUNT } from '../engine';
import { invalidInput } from './errors';

const email = z
  .string()
  .max(254)
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.email());
const role = z.enum(['claimant', 'respondent', 'mediator']);
const seconds = (limits: { min: number; max: number }) => z.number().int().min(limits.min).max(limits.max);

export const createSessionBody = z.strictObject({
  title: z.string().trim().min(1).max(LIMITS.titleLength),
  caseNumber: z.string().trim().max(100).nullable().optional(),
  currency: z.string().refine(isCurrency, 'must be an ISO 4217 currency code'),
  myRole: role,
  invite: z.strictObject({
    claimant: email.optional(),
    respondent: email.optional(),
    mediator: email.optional(),
  }),
  startsAt: z.iso.datetime({ offset: true }).nullable().optional(),
  initialRoundSeconds: seconds(LIMITS.initialRoundSeconds).optional(),
  adjustmentSeconds: seconds(LIMITS.adjustmentSeconds).optional(),
  bonusPercent: z.number().int().min(LIMITS.bonusPercent.min).max(LIMITS.bonusPercent.max).optional(),
});

export const inviteBody = z.strictObject({ email, role });
export const acceptInvitationBody = z.strictObject({ token: z.string().min(1).max(200) });
export const termsBody = z.strictObject({ text: z.string().min(1).max(LIMITS.termsLength) });
export const acceptTermsBody = z.strictObject({ version: z.number().int().min(0).max(1_000_000) });
/** Any JSON number whose value is an integer in range (`1e3` is 1000). */
export const numberBody = z.strictObject({ amount: z.number().int().min(1).max(Number(MAX_AMOUNT)) });
export const withdrawBody = z.strictObject({});

/**
 * Unknown field names are the caller's own text: one could hold a number (`{"4817263": true}`).
 * Only names made of letters and underscores are repeated; the others are only counted.
 */
const SAFE_FIELD_NAME = /^[A-Za-z_]{1,40}$/;

function unknownFields(keys: string[]): string {
  const named = keys.filter((k) => SAFE_FIELD_NAME.test(k));
  const others = keys.length - named.length;
  return [...named, ...(others > 0 ? [`${others} other${others > 1 ? 's' : ''}`] : [])].join(', ');
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
      if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${unknownFields(issue.keys)}`;
      if (issue.code === 'invalid_type') return `${path}: expected ${issue.expected}`;
      if (issue.code === 'too_big' || issue.code === 'too_small') return `${path}: out of range`;
      if (issue.code === 'invalid_format') return `${path}: invalid ${issue.format}`;
      if (issue.code === 'invalid_value') return `${path}: not an allowed value`;
      return `${path}: invalid`;
    })
    .join('; ');
}

/** Parses a raw JSON body against a schema, or throws a 400 that never echoes the input. */
export function parseBody<T extends z.ZodType>(schema: T, raw: string | undefined): z.output<T> {
  let json: unknown;
  try {
    json = raw === undefined || raw === '' ? undefined : JSON.parse(raw);
  } catch {
    throw invalidInput('The body is not valid JSON.');
  }
  if (json === undefined) throw invalidInput('A JSON body is required.');
  const result = schema.safeParse(json);
  if (!result.success) throw invalidInput(`Invalid body: ${describe(result.error)}.`);
  return result.data;
}

/** Peeks at one string field of a body without validating the rest (for checks that come before 400). */
export function peekField(raw: string | undefined, field: string): string | undefined {
  try {
    const value = (JSON.parse(raw ?? '') as Record<string, unknown>)?.[field];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
