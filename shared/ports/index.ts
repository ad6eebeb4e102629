/**
 * Ports: what the application needs from the outside world. Adapters (AWS and local twins)
 * implement them and only move data; decisions live in shared/engine.
 */
import type { Side } from '../engine/types';

/** The encryption context every sealed number is bound to (docs/deploy.md). */
export interface SealContext {
  sessionId: string;
  side: Side;
  seq: number;
}

/**
 * Seals an amount (an integer 1 … 10^15) as a fixed-width 8-byte big-endian plaintext, so every
 * ciphertext has the same length whatever the amount. A ciphertext moved to another session,
 * side or seq must fail to open.
 */
export interface Sealer {
  sealNumber(amount: bigint, context: SealContext): Promise<Uint8Array>;
  openNumber(sealed: Uint8Array, context: SealContext): Promise<bigint>;
}

/**
 * The encryption context a side's answer to a proposal is bound to (docs/rules.md, "Double-blind
 * proposals"). The adapters add `kind: answer`, which no number's context carries, so a role
 * allowed to open answers only (the api function) can never open a number.
 */
export interface AnswerContext {
  sessionId: string;
  side: Side;
  /** The proposal's number within the session. */
  proposal: number;
}

/** Seals a side's answer (fixed width, whatever the answer) under the numbers key. */
export interface AnswerSealer {
  sealAnswer(accept: boolean, context: AnswerContext): Promise<Uint8Array>;
}

/** Opens a sealed answer; a ciphertext moved to another session, side or proposal fails to open. */
export interface AnswerOpener {
  openAnswer(sealed: Uint8Array, context: AnswerContext): Promise<boolean>;
}

/** An email ready to send. Never contains a submitted number. */
export interface Email {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(email: Email): Promise<void>;
}

/** A one-time timer that invokes phase-timer with `{sessionId, event}` at `at` (epoch ms). */
export interface TimerRequest {
  /** Deterministic name (session id + event): creating the same timer twice makes one. */
  name: string;
  sessionId: string;
  event: TimerEvent;
  at: number;
}

export type TimerEvent =
  | 'initial_round_opens'
  | 'initial_round_reminder'
  | 'initial_round_deadline'
  | 'adjustment_reminder'
  | 'session_end'
  | 'proposal_respond_by'
  | 'proposal_reminder';

export interface Timer {
  /** Idempotent: an existing timer of the same name is left as it is. */
  ensure(timer: TimerRequest): Promise<void>;
  /** Deletes the session's pending timers (ignores ones that are already gone). */
  cancel(names: string[]): Promise<void>;
}

/** Business clock: epoch milliseconds. Locally it is real time plus an offset. */
export type Clock = () => number;

/** HMAC key for fingerprints of request bodies (idempotency): never a plain hash. */
export interface FingerprintKey {
  get(): Promise<Uint8Array>;
}

export * from './profiles';
export * from './rooms';
export * from './store';
