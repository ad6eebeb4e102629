/**
 * Message ids: ULIDs (time-sortable, 128 bits), monotonic within a process, and always newer than
 * the room's newest message as read, so they are committed in order (the room's item checks it)
 * and `after` paging never skips one. A message's `sentAt` is its id's time.
 */
import { decodeTime, monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** Crockford base32, 26 characters, upper case: what our ids look like (a ULID's first character is 0–7). */
export const MESSAGE_ID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** A new id at `now`, or just after the room's newest message when that is later. */
export function nextMessageId(now: number, newest: string | null): string {
  const floor = newest === null ? 0 : decodeTime(newest) + 1;
  return next(Math.max(now, floor));
}

/** The moment a message was sent: its id's time (epoch ms). */
export const sentAtOf = (id: string): number => decodeTime(id);
