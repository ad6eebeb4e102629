/**
 * The four room routes (openapi.yaml), served by the `rooms` function: the only function that may
 * use the messages key. Each route parses what it needs, calls one use case and presents the
 * result. The rooms function keeps no idempotency records of its own kind: a post's
 * Idempotency-Key is recorded with the message it made (shared/app/rooms/post-message.ts), and a
 * consent changes nothing when repeated.
 */

import type { RoomsDeps } from '../app/rooms/access';
import { consentToJointRoom } from '../app/rooms/consent';
import { listRooms } from '../app/rooms/list-rooms';
import { MESSAGE_ID } from '../app/rooms/message-ids';
import { postMessage } from '../app/rooms/post-message';
import { readMessages } from '../app/rooms/read-messages';
import type { MessagePage } from '../ports';
import { invalidBody } from './errors';
import type { Routes } from './handler';
import { created, ok } from './present';
import { jointConsentBody, messageBody, parseBody } from './schemas';

export const DEFAULT_PAGE = 50;
const LIMIT = /^[1-9][0-9]{0,2}$/;
const QUERY_PARAMETERS = new Set(['after', 'before', 'limit']);

/**
 * `after`, `before` (a message id each; not both) and `limit` (1–100, default 50). Anything else
 * is a 400 that names the rule, never the value sent.
 */
export function messagesQuery(query: Record<string, string | undefined>): MessagePage {
  const rules: string[] = [];
  if (Object.keys(query).some((name) => !QUERY_PARAMETERS.has(name))) {
    rules.push('the query has an unknown parameter (only after, before and limit)');
  }
  const { after, before, limit } = query;
  for (const [name, value] of [
    ['after', after],
    ['before', before],
  ] as const) {
    if (value !== undefined && !MESSAGE_ID.test(value)) rules.push(`${name} must be a message id`);
  }
  if (after !== undefined && before !== undefined) rules.push('after and before cannot be used together');
  const size = limit === undefined ? DEFAULT_PAGE : LIMIT.test(limit) ? Number(limit) : Number.NaN;
  if (!(size >= 1 && size <= 100)) rules.push('limit must be a whole number from 1 to 100');
  if (rules.length > 0) throw invalidBody(`${rules.join('; ')}.`);
  return {
    limit: size,
    ...(after !== undefined ? { after } : {}),
    ...(before !== undefined ? { before } : {}),
  };
}

/** An Idempotency-Key, when sent, is 1–255 characters (a consent changes nothing when repeated). */
function checkIdempotencyKey(headers: Record<string, string | undefined> | undefined): void {
  const key = headers?.['idempotency-key'];
  if (key !== undefined && (key.length < 1 || key.length > 255)) {
    throw invalidBody('Idempotency-Key must be 1 to 255 characters.');
  }
}

export function roomRoutes(deps: RoomsDeps): Routes {
  return {
    'GET /sessions/{id}/rooms': async ({ caller, params }) =>
      ok({ rooms: await listRooms(deps, caller, params.id!) }),
    'GET /sessions/{id}/rooms/{room}/messages': async ({ caller, params, query }) =>
      ok(
        await readMessages(deps, {
          caller,
          sessionId: params.id!,
          room: params.room!,
          input: () => messagesQuery(query),
        }),
      ),
    'POST /sessions/{id}/rooms/{room}/messages': async ({ caller, params, body }) =>
      created(
        await postMessage(deps, {
          caller,
          sessionId: params.id!,
          room: params.room!,
          input: () => parseBody(messageBody, body),
          idempotencyKey: body.headers?.['idempotency-key'],
        }),
      ),
    'POST /sessions/{id}/rooms/joint/consent': async ({ caller, params, body }) =>
      ok({
        rooms: await consentToJointRoom(deps, {
          caller,
          sessionId: params.id!,
          // `{}`; an empty body is read as `{}`, as for a withdrawal.
          input: () => {
            checkIdempotencyKey(body.headers);
            return parseBody(jointConsentBody, body, { emptyIs: {} });
          },
        }),
      }),
  };
}
