import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SessionPage } from '../src/features/session/SessionPage';
import { type Responder, renderApp } from './support';
import { CURRENCIES, sessionView } from './views';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';

function server(): Responder {
  const view = sessionView({
    mediator: { email: 'mia@mediator.example', displayName: 'Mia Roth', status: 'joined' },
    sides: {
      claimant: {
        hasNumber: false,
        members: [{ email: 'alice@claimant.example', displayName: 'Alice Park', status: 'joined' }],
      },
      respondent: {
        hasNumber: false,
        members: [{ email: 'bob@respondent.example', displayName: null, status: 'joined' }],
      },
    },
  });
  return (method, path) => {
    if (method === 'GET' && path === '/currencies') return { status: 200, body: CURRENCIES };
    if (method === 'GET' && path === `/sessions/${ID}`) return { status: 200, body: view };
    return { status: 404, body: { error: { code: 'not_found', message: 'Not found.' } } };
  };
}

describe('the people of a session', () => {
  it('shows a display name beside the email when the person has set one, else the email alone', async () => {
    // Prepare
    renderApp(<SessionPage />, server(), `/sessions/${ID}`, '/sessions/:id');

    // Act
    const people = await screen.findByRole('region', { name: 'People' });
    const items = within(people)
      .getAllByRole('listitem')
      .map((item) => item.textContent?.trim());

    // Assess
    expect(items).toEqual([
      'Alice Park <alice@claimant.example>',
      'bob@respondent.example',
      'Mia Roth <mia@mediator.example>',
    ]);
  });
});
