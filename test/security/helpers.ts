/**
 * Short ways through the real API (over HTTP, through the local runtime's gateway) to the states
 * the security tests start from. Every step checks its status.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Caller, CapturedRuntime, RecordedResponse } from '../support/capture';
import { sessionSetup } from '../support/session-setup';

/** A fresh address: `claimant-3fa9c2e1@claimant.example` (hex only: no long digit runs). */
export const freshEmail = (name: string, domain = 'example.com') =>
  `${name}-${randomBytes(4)
    .toString('hex')
    .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]!)}@${domain}`;

export interface Parties {
  claimant: Caller;
  respondent: Caller;
  mediator?: Caller;
}

export interface Session extends Parties {
  id: string;
}

export function expectStatus(res: RecordedResponse, status: number, code?: string) {
  expect(res.status, `${res.method} ${res.path} as ${res.caller.label}: ${res.text}`).toBe(status);
  if (code !== undefined) expect(res.json?.error?.code, res.text).toBe(code);
}

/** Users with valid tokens for a claimant, a respondent and (optionally) a mediator. */
export async function parties(rt: CapturedRuntime, options: { mediator?: boolean } = {}): Promise<Parties> {
  return {
    claimant: await rt.user(freshEmail('claimant'), 'claimant'),
    respondent: await rt.user(freshEmail('respondent'), 'respondent'),
    ...(options.mediator ? { mediator: await rt.user(freshEmail('mediator'), 'mediator') } : {}),
  };
}

/** The shared session steps (test/support/session-setup.ts) over this runtime's HTTP. */
const setupOver = (rt: CapturedRuntime) =>
  sessionSetup<Caller>({
    send: async (as, method, path, body) => {
      const res = await rt.send(as, method, path, { body });
      return { status: res.status, body: res.json ?? res.text };
    },
    invitationToken: (sessionId, invitee) => rt.invitationToken(sessionId, invitee.email!),
    emailOf: (caller) => caller.email!,
  });

export async function accept(rt: CapturedRuntime, who: Caller, sessionId: string) {
  return setupOver(rt).accept(who, sessionId);
}

/** The claimant creates a session inviting the others, who join. */
export async function joinedSession(
  rt: CapturedRuntime,
  p: Parties,
  create: Record<string, unknown> = {},
): Promise<Session> {
  const { id } = await setupOver(rt).joined(p, create);
  return { ...p, id };
}

/** Both sides accept version 0 ("numbers first"): step 2 opens. */
export async function openStep2(rt: CapturedRuntime, s: Session) {
  await setupOver(rt).settleStep1(s.id, s);
}

export async function openedSession(
  rt: CapturedRuntime,
  options: { mediator?: boolean; create?: Record<string, unknown> } = {},
): Promise<Session> {
  const s = await joinedSession(rt, await parties(rt, options), options.create);
  await openStep2(rt, s);
  return s;
}

export async function submit(rt: CapturedRuntime, who: Caller, sessionId: string, amount: bigint | number) {
  const res = await rt.send(who, 'PUT', `/sessions/${sessionId}/number`, { body: `{"amount":${amount}}` });
  expectStatus(res, 202);
  return res;
}

export async function view(rt: CapturedRuntime, who: Caller, sessionId: string) {
  const res = await rt.send(who, 'GET', `/sessions/${sessionId}`);
  expectStatus(res, 200);
  return res.json;
}

/** Lets the pipeline finish (stream, timers), then reads the view until it shows `phase`. */
export async function untilPhase(rt: CapturedRuntime, who: Caller, sessionId: string, phase: string) {
  for (let i = 0; i < 100; i++) {
    await rt.settle();
    const v = await view(rt, who, sessionId);
    if (v.phase === phase) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`session ${sessionId} never reached ${phase}`);
}

/** The session item, unmarshalled. */
export async function sessionItem(rt: CapturedRuntime, sessionId: string) {
  const items = await rt.items();
  return items.find((i) => i.pk === `SESSION#${sessionId}` && i.sk === 'SESSION') as Record<string, unknown>;
}

/** Every item of a session's partition, unmarshalled. */
export async function partition(rt: CapturedRuntime, sessionId: string) {
  return (await rt.items()).filter((i) => i.pk === `SESSION#${sessionId}`);
}
