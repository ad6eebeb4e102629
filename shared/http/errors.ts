/**
 * Errors that are safe to show carry `expose` (middy's convention); everything else becomes a
 * plain 500. Messages are fixed sentences that state a rule: never an amount, never the value
 * sent, never a hint that a session exists.
 */
export class HttpError extends Error {
  readonly expose = true;
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const payloadTooLarge = () =>
  new HttpError(413, 'payload_too_large', 'The request body exceeds 64 KiB.');
export const unauthorized = (message = 'A valid token with a verified email is required.') =>
  new HttpError(401, 'unauthorized', message);
export const invalidBody = (message: string) => new HttpError(400, 'invalid_input', message);
export const unavailable = () =>
  new HttpError(503, 'service_unavailable', 'A dependency failed. Nothing was changed; it is safe to retry.');

export interface HttpResult {
  statusCode: number;
  /** Sent as JSON. */
  body?: unknown;
  /** A download that is not JSON (a calendar): sent as it is, under its own type and file name. */
  file?: HttpFile;
}

export interface HttpFile {
  /** e.g. `text/calendar; charset=utf-8`. */
  contentType: string;
  /** Only letters, digits, `.`, `-`, `_`: it goes into a header as it is. */
  fileName: string;
  text: string;
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
