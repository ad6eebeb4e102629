/**
 * Short ways through the API harness (the real handlers in-process) to the states the tests start
 * from: the steps themselves are test/support/session-setup.ts.
 */
import { type ApiHarness, freshEmail } from './api-harness';
import { sessionSetup } from './session-setup';

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
  const setup = sessionSetup<string>({
    send: (as, method, path, body) => api.call(method, path, { as, body }),
    invitationToken: (sessionId, invitee) => api.invitationToken(sessionId, invitee),
    emailOf: (email) => email,
  });

  /** The claimant creates the session inviting the respondent (and the mediator), who join. */
  async function joined(
    options: { mediator?: boolean; create?: Record<string, unknown> } = {},
  ): Promise<Prepared> {
    const p = people();
    const parties = {
      claimant: p.claimant,
      respondent: p.respondent,
      ...(options.mediator ? { mediator: p.mediator } : {}),
    };
    const { id } = await setup.joined(parties, options.create);
    return { ...p, id };
  }

  /** Both sides joined and on version 0: step 2 is open (unless a later start was requested). */
  async function opened(options: { mediator?: boolean; create?: Record<string, unknown> } = {}) {
    const s = await joined(options);
    await setup.settleStep1(s.id, s);
    return s;
  }

  return { create: setup.create, accept: setup.accept, joined, opened };
}
