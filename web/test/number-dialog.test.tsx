import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SessionPage } from '../src/features/session/SessionPage';
import { type Recorded, type Responder, renderApp } from './support';
import { CURRENCIES, sessionView } from './views';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';

function server(view = sessionView()): Responder {
  return (method, path) => {
    if (method === 'GET' && path === '/currencies') return { status: 200, body: CURRENCIES };
    if (method === 'GET' && path === `/sessions/${ID}`) return { status: 200, body: view };
    if (method === 'PUT' && path === `/sessions/${ID}/number`) {
      return { status: 202, body: { accepted: true, submittedAt: '2026-03-01T10:00:00Z' } };
    }
    return { status: 404, body: { error: { code: 'no_number', message: 'Your side has no number.' } } };
  };
}

const puts = (requests: Recorded[]) => requests.filter((r) => r.method === 'PUT');

describe('the number form', () => {
  it('sends nothing until the amount is confirmed in an in-page dialog, then sends it in minor units', async () => {
    // Prepare
    const user = userEvent.setup();
    const { requests } = renderApp(<SessionPage />, server(), `/sessions/${ID}`, '/sessions/:id');
    const input = await screen.findByRole('textbox', { name: 'Your number' });

    // Act: enter, submit, cancel; submit again, look, confirm.
    await user.type(input, '100,000.50');
    await user.click(screen.getByRole('button', { name: 'Submit number' }));
    const dialog = screen.getByRole('dialog', { name: 'Submit this number?' });
    const shown = dialog.textContent;
    const sentBeforeConfirm = puts(requests).length;
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    const sentAfterCancel = puts(requests).length;
    await user.click(screen.getByRole('button', { name: 'Submit number' }));
    await user.click(screen.getByRole('button', { name: 'Confirm' }));

    // Assess
    expect(shown).toContain('$100,000.50');
    expect(sentBeforeConfirm).toBe(0);
    expect(sentAfterCancel).toBe(0);
    await waitFor(() => expect(puts(requests)).toHaveLength(1));
    expect(puts(requests)[0]?.body).toEqual({ amount: 10000050 });
    expect(await screen.findByText('Your number was submitted.')).toBeTruthy();
  });

  it.each([
    ['letters', '12abc', 'Use digits only'],
    ['a negative amount', '-5', 'without a minus sign'],
    ['too many decimals', '100.001', 'USD amounts take up to 2 decimal places.'],
    ['zero', '0', 'at least $0.01'],
  ])('refuses %s with a sentence and sends nothing', async (_what, typed, sentence) => {
    // Prepare
    const user = userEvent.setup();
    const { requests } = renderApp(<SessionPage />, server(), `/sessions/${ID}`, '/sessions/:id');
    const input = await screen.findByRole('textbox', { name: 'Your number' });

    // Act
    await user.type(input, typed);
    await user.click(screen.getByRole('button', { name: 'Submit number' }));

    // Assess
    expect(screen.getByRole('alert').textContent).toContain(sentence);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(puts(requests)).toHaveLength(0);
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  it('takes no decimals for JPY, as the API says it has none', async () => {
    // Prepare
    const user = userEvent.setup();
    const { requests } = renderApp(
      <SessionPage />,
      server(sessionView({ currency: 'JPY' })),
      `/sessions/${ID}`,
      '/sessions/:id',
    );
    const input = await screen.findByRole('textbox', { name: 'Your number' });

    // Act
    await user.type(input, '1.234');
    await user.click(screen.getByRole('button', { name: 'Submit number' }));

    // Assess
    expect(screen.getByRole('alert').textContent).toBe('JPY amounts are whole numbers: no decimal places.');
    expect(puts(requests)).toHaveLength(0);
  });

  it('shows a mediator whether each side has a number, and no number input', async () => {
    // Prepare
    const view = sessionView({
      myRole: 'mediator',
      mediator: { email: 'mia@mediator.example', displayName: null, status: 'joined' },
      sides: {
        claimant: {
          hasNumber: true,
          members: [{ email: 'alice@claimant.example', displayName: null, status: 'joined' }],
        },
        respondent: {
          hasNumber: false,
          members: [{ email: 'bob@respondent.example', displayName: null, status: 'joined' }],
        },
      },
    });

    // Act
    const { requests } = renderApp(<SessionPage />, server(view), `/sessions/${ID}`, '/sessions/:id');
    await screen.findByRole('heading', { name: 'Acme v. Widget' });

    // Assess
    expect(screen.queryByRole('textbox', { name: 'Your number' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Submit number' })).toBeNull();
    expect(screen.getByText('Has entered a number.')).toBeTruthy();
    expect(screen.getByText('No number yet.')).toBeTruthy();
    expect(requests.some((r) => r.path.endsWith('/number'))).toBe(false);
  });
});
