import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionView } from '../src/api/client';
import { SessionPage } from '../src/features/session/SessionPage';
import { headersOf, type Responder, renderApp } from './support';
import { CURRENCIES, sessionView } from './views';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const ICS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';

function server(view: SessionView): Responder {
  return (method, path) => {
    if (method === 'GET' && path === '/currencies') return { status: 200, body: CURRENCIES };
    if (method === 'GET' && path === `/sessions/${ID}`) return { status: 200, body: view };
    if (method === 'GET' && path === `/sessions/${ID}/calendar.ics`) {
      return { status: 200, text: ICS, headers: { 'content-type': 'text/calendar; charset=utf-8' } };
    }
    return { status: 404, body: { error: { code: 'not_found', message: 'Not found.' } } };
  };
}

const noDeadlines = {
  startsAt: null,
  initialRoundEndsAt: null,
  endsAt: null,
  initialRoundSeconds: 172800,
  adjustmentSeconds: 2419200,
};

describe('add to calendar', () => {
  const created: Blob[] = [];
  const clicked: HTMLAnchorElement[] = [];
  const revoked: string[] = [];

  beforeEach(() => {
    created.length = 0;
    clicked.length = 0;
    revoked.length = 0;
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return 'blob:calendar';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => revoked.push(url));
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('fetches the session’s calendar.ics and downloads it as a file, the URL revoked after', async () => {
    // Prepare
    const user = userEvent.setup();
    const { requests } = renderApp(
      <SessionPage />,
      server(sessionView({ phase: 'initial_round' })),
      `/sessions/${ID}`,
      '/sessions/:id',
    );

    // Act
    await user.click(await screen.findByRole('button', { name: 'Add to calendar' }));

    // Assess
    await waitFor(() => expect(revoked).toEqual(['blob:calendar']));
    const ics = requests.filter((r) => r.path.endsWith('.ics'));
    expect(ics).toEqual([
      { method: 'GET', path: `/sessions/${ID}/calendar.ics`, body: undefined, search: '' },
    ]);
    expect(headersOf(ics[0]).get('Authorization')).toBe('Bearer token');
    expect(created).toHaveLength(1);
    expect(await created[0]?.text()).toBe(ICS);
    expect(created[0]?.type).toContain('text/calendar');
    expect(clicked).toHaveLength(1);
    expect(clicked[0]?.getAttribute('href')).toBe('blob:calendar');
    expect(clicked[0]?.download).toBe('acme-v-widget.ics');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('is offered for an open proposal’s deadline alone', async () => {
    // Act
    renderApp(
      <SessionPage />,
      server(
        sessionView({
          phase: 'adjustment',
          schedule: noDeadlines,
          proposal: {
            kind: 'mediator',
            state: 'open',
            requestedBy: null,
            amount: 41_200_000,
            respondBy: '2099-03-10T09:00:00Z',
            myAnswer: null,
            history: [],
          },
        }),
      ),
      `/sessions/${ID}`,
      '/sessions/:id',
    );

    // Assess
    expect(await screen.findByRole('button', { name: 'Add to calendar' })).toBeTruthy();
  });

  it('is not offered while no deadline is known', async () => {
    // Act
    const { requests } = renderApp(
      <SessionPage />,
      server(sessionView({ phase: 'setup', schedule: noDeadlines })),
      `/sessions/${ID}`,
      '/sessions/:id',
    );
    await screen.findByRole('heading', { name: 'Acme v. Widget' });

    // Assess
    expect(screen.queryByRole('button', { name: 'Add to calendar' })).toBeNull();
    expect(requests.some((r) => r.path.endsWith('.ics'))).toBe(false);
  });
});
