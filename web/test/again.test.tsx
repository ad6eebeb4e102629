import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Phase, SessionView } from '../src/api/client';
import { SessionPage } from '../src/features/session/SessionPage';
import { headersOf, type Responder, renderApp } from './support';
import { CURRENCIES, sessionView } from './views';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const NEXT = 'NNNNNNNNNNNNNNNNNNNNNN';

type Reply = ReturnType<Responder>;

function server(view: SessionView, again: Reply): Responder {
  return (method, path) => {
    if (method === 'GET' && path === '/currencies') return { status: 200, body: CURRENCIES };
    if (method === 'GET' && path === `/sessions/${ID}`) return { status: 200, body: view };
    if (method === 'POST' && path === `/sessions/${ID}/again`) return again;
    return { status: 404, body: { error: { code: 'not_found', message: 'Not found.' } } };
  };
}

const nextSession = sessionView({
  id: NEXT,
  previousSessionId: ID,
  title: 'Acme v. Widget (again)',
  phase: 'setup',
});
const created: Reply = { status: 201, body: nextSession };

const open = (phase: Phase, again: Reply = created) =>
  renderApp(<SessionPage />, server(sessionView({ phase }), again), `/sessions/${ID}`, '/sessions/:id');

describe('negotiating again', () => {
  it.each<Phase>(['setup', 'scheduled', 'initial_round', 'adjustment', 'settled'])(
    'is not offered in phase %s',
    async (phase) => {
      // Act
      open(phase);
      await screen.findByRole('heading', { name: 'Acme v. Widget' });

      // Assess
      expect(screen.queryByRole('button', { name: 'Negotiate again' })).toBeNull();
    },
  );

  it.each<Phase>(['no_deal', 'withdrawn'])(
    'after %s, starts the next session and opens its page',
    async (phase) => {
      // Prepare
      const user = userEvent.setup();
      const { requests, router } = open(phase);
      const button = await screen.findByRole('button', { name: 'Negotiate again' });

      // Act
      await user.click(button);

      // Assess
      await waitFor(() => expect(router.state.location.pathname).toBe(`/sessions/${NEXT}`));
      expect(await screen.findByRole('heading', { name: 'Acme v. Widget (again)' })).toBeTruthy();
      const posts = requests.filter((r) => r.method === 'POST');
      expect(posts).toEqual([{ method: 'POST', path: `/sessions/${ID}/again`, body: {}, search: '' }]);
      expect(headersOf(posts[0]).get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
      expect(screen.queryByRole('button', { name: 'Negotiate again' })).toBeNull();
    },
  );

  it("shows the API's sentence on 409 and stays on the session", async () => {
    // Prepare
    const user = userEvent.setup();
    const sentence = 'This session was already negotiated again.';
    const { router } = open('no_deal', {
      status: 409,
      body: { error: { code: 'already_started_again', message: sentence } },
    });

    // Act
    await user.click(await screen.findByRole('button', { name: 'Negotiate again' }));

    // Assess
    expect((await screen.findByRole('alert')).textContent).toContain(sentence);
    expect(router.state.location.pathname).toBe(`/sessions/${ID}`);
  });
});
