/**
 * Reading a request body strictly (openapi.yaml, "Request bodies"): `application/json` only (else
 * 415), valid UTF-8, no duplicate keys, and numbers judged by their written value: `1e3` is 1000,
 * `999.99999999999999999` is not an integer (it is never rounded to 1000). Parsing is lossless
 * (lossless-json): a number reaches the schemas as a JS number only when its written value is
 * exactly that number; a value that a float would round to an integer becomes NaN, which every
 * number schema refuses with its rule. Errors state the rule, never the value sent.
 */
import { parse } from 'lossless-json';
import { HttpError, invalidBody } from './errors';

/** Where the body and its headers come from (an API Gateway v2 event). */
export interface BodySource {
  body?: string | null;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
}

export const unsupportedMediaType = () =>
  new HttpError(
    415,
    'unsupported_media_type',
    'The body must be JSON, sent as Content-Type: application/json.',
  );

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body's text, or null when there is none. Invalid UTF-8 is a 400. */
export function bodyText(source: BodySource): string | null {
  const { body } = source;
  if (body === undefined || body === null || body === '') return null;
  if (!source.isBase64Encoded) return body;
  try {
    return utf8.decode(Buffer.from(body, 'base64'));
  } catch {
    throw invalidBody('The body must be valid UTF-8.');
  }
}

/** A number by its written value: an exact integer, a non-integer, or NaN when a float would lie. */
export function numberFromText(text: string): number {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return Number.NaN;
  const [, , whole = '', fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  const digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  const scale = exponent - fraction.length;
  const value = Number(text);
  // The written value is an integer when every digit after the point (once scaled) is zero.
  const fractionalDigits = scale >= 0 ? '' : digits.slice(Math.max(digits.length + scale, 0));
  const isInteger = /^0*$/.test(fractionalDigits);
  if (!isInteger) return Number.isInteger(value) ? Number.NaN : value;
  // An integer beyond 2^53 is not held exactly, but it is far outside every range we accept.
  return value;
}

/** Parses the body as strict JSON (see the file's comment); `{}` when `emptyIs` says so. */
export function readJson(source: BodySource, options: { emptyIs?: unknown } = {}): unknown {
  const text = bodyText(source);
  const contentType = source.headers?.['content-type'];
  if (text === null || text.trim() === '') {
    if ('emptyIs' in options) return options.emptyIs;
    throw invalidBody('A JSON body is required.');
  }
  if (contentType === undefined || !JSON_TYPE.test(contentType.trim())) throw unsupportedMediaType();
  try {
    return parse(text, null, numberFromText);
  } catch (error) {
    if (error instanceof SyntaxError && error.message.startsWith('Duplicate key')) {
      throw invalidBody('The body must not repeat a key.');
    }
    throw invalidBody('The body is not valid JSON.');
  }
}
