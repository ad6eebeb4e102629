import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SessionPage } from '../src/features/session/SessionPage';
import { SessionsPage } from '../src/features/sessions/SessionsPage';
import { type Responder, renderApp } from './support';
import { CURRENCIES, sessionView } from './views';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';

const serve =
  (routes: Record<string, unknown>): Responder =>
  (method, path) =>
    method === 'GET' && path in routes
      ? { status: 200, body: routes[path] }
      : { status: 404, body: { error: { code: 'not_found', message: 'Not found.' } } };

describe('the deal', () => {
  it('shows the amount in the currency, the base and who got the bonus, in a region named Deal', async () => {
    // Prepare
    const view = sessionView({
      phase: 'settled',
      outcome: {
        amount: 9500000,
        baseAmount: 10000000,
        bonusSide: 'respondent',
        reachedIn: 'adjustment',
        settledAt: '2026-03-10T12:00:00Z',
      },
    });

    // Act
    renderApp(
      <SessionPage />,
      serve({ '/currencies': CURRENCIES, [`/sessions/${ID}`]: view }),
      `/sessions/${ID}`,
      '/sessions/:id',
    );
    const deal = await screen.findByRole('region', { name: 'Deal' });
    await within(deal).findByText('$95,000.00');

    // Assess
    expect(deal.textContent).toContain('Base amount $100,000.00');
    expect(deal.textContent).toContain('the respondent pays 5% less than the base');
    expect(screen.getByRole('status', { name: 'Settled' })).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Your number' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Withdraw' })).toBeNull();
  });
});

describe('the sessions list', () => {
  it('links each session by its title and shows the role, the phase and the next deadline', async () => {
    // Prepare
    const sessions = [
      sessionView({ id: `${ID}x`, title: 'Acme v. Widget', myRole: 'respondent', phase: 'initial_round' }),
      sessionView({ id: `${ID}y`, title: 'Globex v. Initech', myRole: 'mediator', phase: 'setup' }),
    ];

    // Act
    renderApp(<SessionsPage />, serve({ '/sessions': { sessions } }));
    const link = await screen.findByRole('link', { name: 'Acme v. Widget' });

    // Assess
    expect(link.getAttribute('href')).toBe(`/sessions/${ID}x`);
    expect(screen.getByRole('link', { name: 'New session' }).getAttribute('href')).toBe('/sessions/new');
    const items = screen.getAllByRole('listitem');
    expect(items[0]?.textContent).toContain('Respondent');
    expect(items[0]?.textContent).toContain('First round');
    expect(items[0]?.textContent).toContain('First round closes in');
    expect(items[1]?.textContent).toContain('Mediator');
    expect(items[1]?.textContent).toContain('Terms');
    expect(items[1]?.textContent).toContain('Next deadlineNone');
  });
});
