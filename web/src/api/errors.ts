/**
 * What went wrong, as a sentence for a person. The API's own `message` is written for people
 * and is shown as it is; a few codes get a sentence that says what to do next. Nothing here
 * ever shows a raw body.
 */
import type { components } from './schema';

type ErrorCode = components['schemas']['ErrorCode'];

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'gateway' | 'unknown',
    message: string,
  ) {
    super(message);
  }
}

const FRIENDLY: Partial<Record<ErrorCode, string>> = {
  invitation_invalid:
    'This invitation link is no longer valid: it was used, revoked, or has expired. Ask for a new invitation.',
  invitation_other_address:
    'This invitation was sent to another email address. Sign in with the address it was sent to.',
  already_member: 'You already hold a role in this session.',
  not_found: 'This session does not exist, or you are not a member of it.',
  internal_error: 'Something went wrong on our side. Please try again.',
  service_unavailable: 'The service is briefly unavailable. Nothing was changed: please try again.',
  request_in_progress: 'The same request is still being processed. Wait a moment and check again.',
  unauthorized: 'Your sign-in is no longer valid. Please sign in again.',
};

const GATEWAY: Record<string, string> = {
  Unauthorized: 'Your sign-in is no longer valid. Please sign in again.',
  'Too Many Requests': 'Too many requests at once. Wait a moment and try again.',
  'Not Found': 'The service does not know this address.',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Turns an error body (or its absence) and a status into an ApiError with a readable message. */
export function toApiError(status: number, body: unknown): ApiError {
  if (isRecord(body) && isRecord(body.error) && typeof body.error.code === 'string') {
    const code = body.error.code as ErrorCode;
    const serverSentence = typeof body.error.message === 'string' ? body.error.message : '';
    return new ApiError(status, code, FRIENDLY[code] ?? (serverSentence || `The request failed (${code}).`));
  }
  if (isRecord(body) && typeof body.message === 'string') {
    return new ApiError(
      status,
      'gateway',
      GATEWAY[body.message] ?? `The request failed (HTTP ${status}). Please try again.`,
    );
  }
  return new ApiError(status, 'unknown', `The request failed (HTTP ${status}). Please try again.`);
}

/** An error whose message is already a sentence for a person (local sign-in's, say). */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
}

/** A sentence for anything a query or mutation threw. */
export function errorSentence(error: unknown): string {
  if (error instanceof ApiError || error instanceof UserFacingError) return error.message;
  if (error instanceof TypeError) {
    return 'The service could not be reached. Check your connection and try again.';
  }
  return 'Something went wrong. Please try again.';
}

/**
 * Unwraps an openapi-fetch result: the data, or an ApiError thrown. `response.status` decides,
 * so a 204 (no data) is a success too.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw toApiError(result.response.status, result.error);
}
