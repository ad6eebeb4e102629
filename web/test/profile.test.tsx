import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ProfilePage } from '../src/features/profile/ProfilePage';
import { headersOf, type Recorded, type Responder, renderApp } from './support';

const EMAIL = 'alice@claimant.example';

/** `GET /me` answers `stored`; `PUT /me` answers `save(body)`. */
function server(stored: unknown, save: (body: unknown) => { status: number; body: unknown }): Responder {
  return (method, path, body) => {
    if (method === 'GET' && path === '/me') return { status: 200, body: stored };
    if (method === 'PUT' && path === '/me') return save(body);
    return { status: 404, body: { error: { code: 'not_found', message: 'Not found.' } } };
  };
}

const puts = (requests: Recorded[]) => requests.filter((r) => r.method === 'PUT');

describe('the profile form', () => {
  it('loads the profile from GET /me into the fields', async () => {
    // Prepare
    const stored = { email: EMAIL, displayName: 'Alice Park', organization: 'Park & Lee LLP' };

    // Act
    renderApp(
      <ProfilePage />,
      server(stored, () => ({ status: 500, body: null })),
    );
    const name = await screen.findByRole('textbox', { name: 'Display name' });

    // Assess
    expect((name as HTMLInputElement).value).toBe('Alice Park');
    expect((screen.getByRole('textbox', { name: 'Organization' }) as HTMLInputElement).value).toBe(
      'Park & Lee LLP',
    );
  });

  it('saves with PUT /me, shows "Saved", then shows the profile as the API saved it', async () => {
    // Prepare
    const user = userEvent.setup();
    const stored = { email: EMAIL, displayName: null, organization: null };
    const { requests } = renderApp(
      <ProfilePage />,
      server(stored, () => ({
        status: 200,
        body: { email: EMAIL, displayName: 'Alice Park', organization: null },
      })),
    );
    const name = await screen.findByRole('textbox', { name: 'Display name' });

    // Act
    await user.type(name, '  Alice Park ');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    // Assess
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(puts(requests)).toEqual([
      { method: 'PUT', path: '/me', body: { displayName: '  Alice Park ', organization: null }, search: '' },
    ]);
    expect(headersOf(puts(requests)[0]).get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    expect((name as HTMLInputElement).value).toBe('Alice Park');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("shows the API's sentence when it refuses the profile (400), and no confirmation", async () => {
    // Prepare
    const user = userEvent.setup();
    const sentence = 'displayName must be 1 to 100 characters.';
    const { requests } = renderApp(
      <ProfilePage />,
      server({ email: EMAIL, displayName: 'Alice', organization: null }, () => ({
        status: 400,
        body: { error: { code: 'invalid_input', message: sentence } },
      })),
    );
    const name = await screen.findByRole('textbox', { name: 'Display name' });

    // Act
    await user.clear(name);
    await user.type(screen.getByRole('textbox', { name: 'Organization' }), 'Park & Lee LLP');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    // Assess
    expect((await screen.findByRole('alert')).textContent).toContain(sentence);
    expect(puts(requests)[0]?.body).toEqual({ displayName: '', organization: 'Park & Lee LLP' });
    expect(screen.getByRole('status').textContent).toBe('');
    expect((name as HTMLInputElement).value).toBe('');
  });
});
