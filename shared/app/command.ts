/**
 * The one path every state change takes: load → decide → commit, as one conditional write,
 * retried from a fresh read when someone else changed the session first (docs/rules.md, "Order
 * decides": nothing a caller sees depends on the other side's writes, so conflicts are retried
 * here, never answered). A use case supplies how to load and how to decide; this file does the
 * rest: reading `now` just before deciding, the outbox records the events imply, and the receipt
 * that records the result with the change (idempotency).
 */
import {
  type DomainEvent,
  isRejection,
  isSide,
  type Result,
  type Role,
  type Side,
  type Transition,
} from '../engine';
import {
  type Actor,
  type Clock,
  ConflictError,
  type DisplayNameSource,
  type Receipt,
  type SessionStore,
} from '../ports';
import { type OutboxRecord, outboxFor } from './outbox';
import { forbidden, fromEngine, sessionNotFound } from './rejections';
import { roleOf, type SessionRecord } from './session-record';
import { addressesIn, type DisplayNames, type SessionView, sessionView } from './views';

export interface Caller {
  email: string;
}

/**
 * A command on one session. `input` validates the body when called: a use case calls it only
 * after it has checked that the caller belongs to the session and may do this, so an outsider
 * learns nothing from a 400 (the order of checks in openapi.yaml: 404 → 403 → 400 → 409).
 */
export interface SessionCommand<I> {
  caller: Caller;
  sessionId: string;
  input: () => I;
}

/** The receipt of a request with an Idempotency-Key (it may still be on its way). */
export type PendingReceipt<T> = Receipt<T> | Promise<Receipt<T> | undefined> | undefined;

export interface CommandDeps {
  store: SessionStore;
  clock: Clock;
  /** Display names for the views a command answers (docs/rules.md, "Profiles"); none without it. */
  profiles?: DisplayNameSource;
}

/** The display names of everyone a view of `record` may show, plus `others`. */
export async function namesFor(
  deps: Pick<CommandDeps, 'profiles'>,
  record: SessionRecord | null,
  others: string[] = [],
): Promise<DisplayNames> {
  if (!deps.profiles) return new Map();
  const addresses = [...new Set([...(record ? addressesIn(record) : []), ...others])];
  return addresses.length === 0 ? new Map() : deps.profiles.displayNames(addresses);
}

/** What a command decided: the new record (omitted when nothing changes) and its result. */
export interface Decision<T> {
  after?: SessionRecord;
  events?: DomainEvent[];
  /** Outbox records beyond those the events imply (an invitation). */
  outbox?: OutboxRecord[];
  /** Number writes set the marker the match stream filter selects. */
  matchDue?: boolean;
  /**
   * Negotiating again: the ended session (as loaded) that `after`, a new session, follows
   * (Change.previous in shared/ports).
   */
  previous?: SessionRecord;
  result: T;
}

export interface Loaded {
  /** null when the command creates the session. */
  record: SessionRecord | null;
  role?: Role;
}

export interface CommandRun<T, L extends Loaded> {
  actor: Actor['by'];
  load(): Promise<L>;
  /**
   * Set when the command answers a session view: the display names of the loaded record's people
   * are read for it, with `also` (a new session's people). Commands that answer no view (a
   * number) read nothing more.
   */
  names?: { also?: string[] };
  /** `names`: the display names of the record's people, for the view the command answers. */
  decide(loaded: L, now: number, names: DisplayNames): Promise<Decision<T>> | Decision<T>;
  /** Present when the request carries an Idempotency-Key; awaited before anything is written. */
  receipt?: PendingReceipt<T>;
}

export async function runCommand<T, L extends Loaded>(deps: CommandDeps, run: CommandRun<T, L>): Promise<T> {
  return retryOnConflict(async () => {
    const loaded = await run.load();
    const names = run.names ? await namesFor(deps, loaded.record, run.names.also) : new Map<string, string>();
    // Read `now` just before deciding: the engine checks the phase intervals with it.
    const now = deps.clock();
    const decision = await run.decide(loaded, now, names);
    const receipt = await run.receipt;
    if (!decision.after) {
      await receipt?.alone(decision.result);
      return decision.result;
    }
    const events = decision.events ?? [];
    await deps.store.commit({
      // Negotiating again creates `after`: the loaded record is the session it follows.
      before: decision.previous ? null : loaded.record,
      after: decision.after,
      events,
      actor: { by: run.actor, ...(loaded.role ? { role: loaded.role } : {}) },
      now,
      ...(decision.matchDue ? { matchDue: true } : {}),
      ...(decision.previous ? { previous: decision.previous } : {}),
      outbox: [...outboxFor(decision.after, events, now), ...(decision.outbox ?? [])],
      atomically: receipt ? [receipt.with(decision.result)] : [],
    });
    return decision.result;
  });
}

/**
 * Runs read → decide → conditional write until it commits without a conflict (up to 50 attempts,
 * with jitter), then gives up with the ConflictError (a 503: safe to retry).
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, maxAttempts = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConflictError) || i >= maxAttempts) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(5 * 2 ** i, 200)));
    }
  }
}

/**
 * What a session id can look like (ours are 22 base64url characters). Anything else is answered
 * 404 without a read: an over-long key would make DynamoDB fail the request (a 503).
 */
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Whether an id can be a session's (anything else is a 404 without a read). */
export const isSessionId = (id: string): boolean => SESSION_ID.test(id);

/** Loads a session the caller belongs to, or rejects 404 (never a hint that it exists). */
export async function loadAsMember(
  store: SessionStore,
  id: string,
  caller: Caller,
): Promise<{ record: SessionRecord; role: Role }> {
  if (!isSessionId(id)) throw sessionNotFound();
  const record = await store.load(id);
  const role = record ? roleOf(record, caller.email) : null;
  if (!record || !role) throw sessionNotFound();
  return { record, role };
}

/** The side a caller acts for, or 403 with the rule. */
export function requireSide(role: Role, message: string): Side {
  if (!isSide(role)) throw forbidden(message);
  return role;
}

/**
 * A member's command that only moves the engine's session (terms, and the like): load the caller's
 * session, let `decide` run the engine, commit, and answer the caller's view.
 */
export function transitionCommand<I>(
  deps: CommandDeps,
  command: SessionCommand<I>,
  decide: (record: SessionRecord, role: Role, input: () => I, now: number) => Result,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  return runCommand(deps, {
    actor: command.caller.email,
    load: () => loadAsMember(deps.store, command.sessionId, command.caller),
    names: {},
    decide: ({ record, role }, now, names) => {
      const { session, events } = decided(decide(record, role, command.input, now));
      const after = { ...record, session };
      return { after, events, result: sessionView(after, role, now, null, names) };
    },
    receipt,
  });
}

/** The engine's transition, or its rejection thrown as the use case's. */
export function decided(result: Result): Transition {
  if (isRejection(result)) throw fromEngine(result);
  return result;
}
