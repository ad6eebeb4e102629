import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../src/api/client';
import { SessionPage } from '../src/features/session/SessionPage';
import { type Responder, renderApp } from './support';
import { CURRENCIES, sessionView } from './views';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const FIRST = 'FFFFFFFFFFFFFFFFFFFFFF';
const OTHER_MATTER = 'OOOOOOOOOOOOOOOOOOOOOO';
const MATTER = 'MMMMMMMMMMMMMMMMMMMMMM';

function server(views: SessionView[]): Responder {
  return (method, path, _body, search) => {
    if (method === 'GET' && path === '/currencies') return { status: 200, body: CURRENCIES };
    if (method === 'GET' && path === '/sessions') {
      const matterId = new URLSearchParams(search).get('matterId');
      return { status: 200, body: { sessions: views.filter((v) => !matterId || v.matterId === matterId) } };
    }
    const view = views.find((v) => path === `/sessions/${v.id}`);
    if (method === 'GET' && view) return { status: 200, body: view };
    return { status: 404, body: { error: { code: 'not_found', message: 'Not found.' } } };
  };
}

describe('the matter of a session', () => {
  it('links the previous session and the other sessions of the matter, told apart by place and phase', async () => {
    // Prepare
    const user = userEvent.setup();
    const views = [
      sessionView({ id: ID, matterId: MATTER, previousSessionId: FIRST, phase: 'setup' }),
      sessionView({ id: OTHER_MATTER, matterId: 'XXXXXXXXXXXXXXXXXXXXXX', title: 'Globex v. Initech' }),
      sessionView({ id: FIRST, matterId: MATTER, phase: 'no_deal' }),
    ];
    const { requests, router } = renderApp(
      <SessionPage />,
      server(views),
      `/sessions/${ID}`,
      '/sessions/:id',
    );

    // Act
    const matter = await screen.findByRole('region', { name: 'Matter' });
    const first = await within(matter).findByRole('link', { name: /Acme v\. Widget.*1 of 2.*No deal/ });
    const previous = within(matter).getByRole('link', { name: 'Previous session' });
    const links = within(matter).getAllByRole('link').length;
    await user.click(first);

    // Assess
    expect(requests.some((r) => r.path === '/sessions' && r.search === `?matterId=${MATTER}`)).toBe(true);
    expect(previous.getAttribute('href')).toBe(`/sessions/${FIRST}`);
    expect(first.getAttribute('href')).toBe(`/sessions/${FIRST}`);
    expect(links).toBe(2);
    expect(router.state.location.pathname).toBe(`/sessions/${FIRST}`);
    expect(await screen.findByRole('status', { name: 'No deal' })).toBeTruthy();
  });

  it('shows no matter section for a matter of one session', async () => {
    // Prepare
    const views = [sessionView({ id: ID, matterId: MATTER })];

    // Act
    const { requests } = renderApp(<SessionPage />, server(views), `/sessions/${ID}`, '/sessions/:id');
    await screen.findByRole('heading', { name: 'Acme v. Widget' });
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assess
    expect(requests.some((r) => r.search === `?matterId=${MATTER}`)).toBe(true);
    expect(screen.queryByRole('region', { name: 'Matter' })).toBeNull();
  });
});
