/**
 * Short ways through the API to the states the tests start from: a created session, both sides
 * joined, step 2 open. Every step goes through the real handlers and checks its status.
 */
import { expect } from 'vitest';
import { type ApiHarness, freshEmail } from './api-harness';

export interface People {
  claimant: string;
  respondent: string;
  mediator: string;
}

export interface Prepared extends People {
  id: string;
}

export const people = (): People => ({
  claimant: freshEmail('claimant'),
  respondent: freshEmail('respondent'),
  mediator: freshEmail('mediator'),
});

export function sessionFlows(api: ApiHarness) {
  async function create(as: string, body: Record<string, unknown> = {}) {
    const res = await api.call('POST', '/sessions', {
      as,
      body: { title: 'Acme v. Widget', currency: 'USD', myRole: 'claimant', invite: {}, ...body },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  async function accept(as: string, sessionId: string) {
    const token = await api.invitationToken(sessionId, as);
    const res = await api.call('POST', '/invitations/accept', { as, body: { token } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  /** The claimant creates the session inviting the respondent (and the mediator), who join. */
  async function joined(
    options: { mediator?: boolean; create?: Record<string, unknown> } = {},
  ): Promise<Prepared> {
    const p = people();
    const view = await create(p.claimant, {
      invite: { respondent: p.respondent, ...(options.mediator ? { mediator: p.mediator } : {}) },
      ...options.create,
    });
    await accept(p.respondent, view.id);
    if (options.mediator) await accept(p.mediator, view.id);
    return { ...p, id: view.id };
  }

  /** Both sides joined and on version 0: step 2 is open (unless a later start was requested). */
  async function opened(options: { mediator?: boolean; create?: Record<string, unknown> } = {}) {
    const s = await joined(options);
    for (const side of [s.claimant, s.respondent]) {
      const res = await api.call('POST', `/sessions/${s.id}/terms/accept`, {
        as: side,
        body: { version: 0 },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    return s;
  }

  return { create, accept, joined, opened };
}
