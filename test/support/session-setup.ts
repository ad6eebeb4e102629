/**
 * The one way tests reach the states they start from: a session created with its invitations,
 * both sides (and the mediator) joined, step 1 settled with "numbers first". Every harness — the
 * in-process API harness, the captured runtime of the security tests, the e2e client over
 * `npm start` — supplies how it sends a request and how it finds an invitation's token; the steps
 * and their checks live here once.
 */
import { expect } from 'vitest';

/** What a step needs from a harness: a request as a person, and the token of an invitation. */
export interface SetupTransport<P> {
  send(as: P, method: string, path: string, body: unknown): Promise<{ status: number; body: unknown }>;
  /** The token of the newest invitation to `invitee` in that session (from the table or its email). */
  invitationToken(sessionId: string, invitee: P): Promise<string>;
  emailOf(person: P): string;
}

export interface SetupParties<P> {
  claimant: P;
  respondent: P;
  mediator?: P;
}

// biome-ignore lint/suspicious/noExplicitAny: a view is whatever JSON the API sent.
type View = any;

export function sessionSetup<P>(t: SetupTransport<P>) {
  const expectOk = (res: { status: number; body: unknown }, status: number) =>
    expect(res.status, JSON.stringify(res.body)).toBe(status);

  /** `POST /sessions` as `as`, with a valid default body that `body` overrides. */
  async function create(as: P, body: Record<string, unknown> = {}): Promise<View> {
    const res = await t.send(as, 'POST', '/sessions', {
      title: 'Acme v. Widget',
      currency: 'USD',
      myRole: 'claimant',
      invite: {},
      ...body,
    });
    expectOk(res, 201);
    return res.body;
  }

  /** The invitee accepts the newest invitation to it in that session. */
  async function accept(as: P, sessionId: string): Promise<View> {
    const token = await t.invitationToken(sessionId, as);
    const res = await t.send(as, 'POST', '/invitations/accept', { token });
    expectOk(res, 200);
    return res.body;
  }

  /** The claimant creates the session inviting the respondent (and the mediator), who join. */
  async function joined(parties: SetupParties<P>, createBody: Record<string, unknown> = {}) {
    const created = await create(parties.claimant, {
      invite: {
        respondent: t.emailOf(parties.respondent),
        ...(parties.mediator ? { mediator: t.emailOf(parties.mediator) } : {}),
      },
      ...createBody,
    });
    let view = await accept(parties.respondent, created.id);
    if (parties.mediator) view = await accept(parties.mediator, created.id);
    return { ...parties, id: created.id as string, view };
  }

  /** Both sides on version 0 ("numbers first"): step 1 settles, step 2 opens (or is scheduled). */
  async function settleStep1(sessionId: string, parties: SetupParties<P>): Promise<View> {
    let view: View;
    for (const side of [parties.claimant, parties.respondent]) {
      const res = await t.send(side, 'POST', `/sessions/${sessionId}/terms/accept`, { version: 0 });
      expectOk(res, 200);
      view = res.body;
    }
    return view;
  }

  /** Joined, then step 1 settled. */
  async function opened(parties: SetupParties<P>, createBody: Record<string, unknown> = {}) {
    const session = await joined(parties, createBody);
    const view = await settleStep1(session.id, parties);
    return { ...session, view };
  }

  return { create, accept, joined, settleStep1, opened };
}
