/**
 * Deterministic EventBridge Scheduler names for a session's timers: at most 64 characters of
 * [0-9a-zA-Z-_.], the same for the same (session id, event), different otherwise.
 *
 * - `<sessionId>.<event>` when the session id is base64url (A–Z a–z 0–9 - _) and the whole fits
 *   in 64 characters (session ids of up to 41 characters: 16–30 random bytes). Names of one
 *   session share the prefix `<sessionId>.`, readable in the console.
 * - otherwise `h.<first 32 base64url characters of SHA-256(sessionId)>.<event>` (192 bits).
 *
 * The two forms cannot collide: base64url has no '.', so a direct name has exactly one '.', a
 * hashed name exactly two. A timer of one proposal of the session (docs/rules.md, "Double-blind
 * proposals") appends `.p<number>`: its last part has a digit, which no event name has, so it
 * cannot collide with a name without one either.
 */
import { createHash } from 'node:crypto';
import type { TimerEvent } from '../ports';

export const TIMER_NAME_MAX_LENGTH = 64;
export const TIMER_NAME_PATTERN = /^[0-9a-zA-Z\-_.]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const EVENT = /^[a-z_]+$/;
const HASH_CHARS = 32;

export function timerName(sessionId: string, event: TimerEvent, proposal?: number): string {
  if (!EVENT.test(event)) throw new RangeError('timer event must be lower-case letters and _');
  if (proposal !== undefined && (!Number.isSafeInteger(proposal) || proposal < 1 || proposal > 9999)) {
    throw new RangeError('timer proposal must be an integer 1–9999');
  }
  const suffix = proposal === undefined ? '' : `.p${proposal}`;
  const direct = `${sessionId}.${event}${suffix}`;
  if (BASE64URL.test(sessionId) && direct.length <= TIMER_NAME_MAX_LENGTH) return direct;
  const digest = createHash('sha256').update(sessionId, 'utf8').digest('base64url').slice(0, HASH_CHARS);
  return `h.${digest}.${event}${suffix}`;
}
