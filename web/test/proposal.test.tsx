import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../src/api/client';
import { SessionPage } from '../src/features/session/SessionPage';
import { type Recorded, type Responder, renderApp } from './support';
import { CURRENCIES, sessionView } from './views';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
type Proposal = NonNullable<SessionView['proposal']>;

const inStep3 = (overrides: Partial<SessionView> = {}) =>
  sessionView({
    phase: 'adjustment',
    mediator: { email: 'mia@mediator.example', displayName: null, status: 'joined' },
    sides: {
      claimant: {
        hasNumber: true,
        members: [{ email: 'alice@claimant.example', displayName: null, status: 'joined' }],
      },
      respondent: {
        hasNumber: true,
        members: [{ email: 'bob@respondent.example', displayName: null, status: 'joined' }],
      },
    },
    schedule: {
      startsAt: '2026-03-01T09:00:00Z',
      initialRoundEndsAt: '2026-03-03T09:00:00Z',
      endsAt: '2099-03-31T09:00:00Z',
      initialRoundSeconds: 172800,
      adjustmentSeconds: 2419200,
    },
    ...overrides,
  });

const proposal = (overrides: Partial<Proposal> = {}): Proposal => ({
  kind: 'mediator',
  state: 'open',
  requestedBy: null,
  amount: 41_200_000,
  respondBy: '2099-03-10T09:00:00Z',
  myAnswer: null,
  history: [],
  ...overrides,
});

function server(view: SessionView): Responder {
  return (method, path) => {
    if (method === 'GET' && path === '/currencies') return { status: 200, body: CURRENCIES };
    if (path === `/sessions/${ID}`) return { status: 200, body: view };
    if (method === 'POST' && path.startsWith(`/sessions/${ID}/proposals`)) return { status: 200, body: view };
    return { status: 404, body: { error: { code: 'no_number', message: 'Your side has no number.' } } };
  };
}

const posts = (requests: Recorded[]) => requests.filter((r) => r.method === 'POST');
const open = (view: SessionView) =>
  renderApp(<SessionPage />, server(view), `/sessions/${ID}`, '/sessions/:id');

describe('the proposal region', () => {
  it('answers an open proposal only after an in-page confirmation, and shows its amount and deadline', async () => {
    // Prepare
    const user = userEvent.setup();
    const { requests } = open(inStep3({ proposal: proposal() }));
    const region = await screen.findByRole('region', { name: 'Proposal' });

    // Act: reject, cancel; accept, confirm.
    await user.click(within(region).getByRole('button', { name: 'Reject proposal' }));
    const asked = screen.getByRole('dialog', { name: 'Reject this proposal?' }).textContent;
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    const afterCancel = posts(requests).length;
    await user.click(within(region).getByRole('button', { name: 'Accept proposal' }));
    await user.click(screen.getByRole('button', { name: 'Confirm' }));

    // Assess
    expect(region.textContent).toContain('$412,000.00');
    expect(region.textContent).toContain('Answers close');
    expect(asked).toContain('nobody else learns');
    expect(afterCancel).toBe(0);
    await waitFor(() => expect(posts(requests)).toHaveLength(1));
    expect(posts(requests)[0]).toEqual({
      method: 'POST',
      path: `/sessions/${ID}/proposals/current/answer`,
      body: { accept: true },
      search: '',
    });
  });

  it('shows a side its own answer, and no buttons once it answered', async () => {
    // Act
    open(inStep3({ proposal: proposal({ myAnswer: false }) }));
    const region = await screen.findByRole('region', { name: 'Proposal' });

    // Assess
    expect(region.textContent).toContain('Your side answered no. Only your side sees this.');
    expect(within(region).queryByRole('button', { name: 'Accept proposal' })).toBeNull();
  });

  it('asks the other side for consent, showing what a computed proposal discloses', async () => {
    // Prepare
    const user = userEvent.setup();
    const requested = proposal({
      kind: 'computed',
      state: 'requested',
      requestedBy: 'respondent',
      amount: null,
      respondBy: null,
    });
    const { requests } = open(inStep3({ proposal: requested, proposalGapPercent: 25 }));
    const region = await screen.findByRole('region', { name: 'Proposal' });

    // Act
    await user.click(within(region).getByRole('button', { name: 'Decline' }));

    // Assess
    expect(region.textContent).toContain('its amount lies somewhere between the two sides’ numbers');
    expect(region.textContent).toContain('more than 25% of the claimant’s demand apart');
    await waitFor(() => expect(posts(requests)).toHaveLength(1));
    expect(posts(requests)[0]?.body).toEqual({ consent: false });
  });

  it('lets a side request a computed proposal after reading the disclosure', async () => {
    // Prepare
    const user = userEvent.setup();
    const history = [{ kind: 'mediator' as const, state: 'not_accepted' as const }];
    const { requests } = open(inStep3({ proposal: proposal({ state: 'not_accepted', history }) }));
    const region = await screen.findByRole('region', { name: 'Proposal' });

    // Act
    await user.click(within(region).getByRole('button', { name: 'Request a proposal' }));

    // Assess
    expect(region.textContent).toContain('What a computed proposal discloses');
    expect(within(region).getByRole('listitem').textContent).toBe('Mediator’s proposal: not accepted');
    await waitFor(() => expect(posts(requests)).toHaveLength(1));
    expect(posts(requests)[0]).toMatchObject({
      path: `/sessions/${ID}/proposals`,
      body: { kind: 'computed' },
    });
  });

  it('lets the mediator propose an amount in major units, and refuses what is not one', async () => {
    // Prepare
    const user = userEvent.setup();
    const { requests } = open(inStep3({ myRole: 'mediator' }));
    const input = await screen.findByRole('textbox', { name: 'Proposal amount' });

    // Act
    await user.type(input, '12abc');
    await user.click(screen.getByRole('button', { name: 'Propose' }));
    const refused = screen.getByRole('alert').textContent;
    await user.clear(input);
    await user.type(input, '405,000.00');
    await user.click(screen.getByRole('button', { name: 'Propose' }));

    // Assess
    expect(refused).toContain('Use digits only');
    await waitFor(() => expect(posts(requests)).toHaveLength(1));
    expect(posts(requests)[0]?.body).toEqual({ kind: 'mediator', amount: 40_500_000 });
    expect(screen.queryByRole('button', { name: 'Request a proposal' })).toBeNull();
  });

  it('shows the mediator an open proposal with no answer and no buttons', async () => {
    // Act
    open(inStep3({ myRole: 'mediator', proposal: proposal() }));
    const region = await screen.findByRole('region', { name: 'Proposal' });

    // Assess
    expect(region.textContent).toContain('Nobody, you included, learns how or whether a side answered.');
    expect(within(region).queryAllByRole('button')).toEqual([]);
  });

  it('is absent before step 3, and shows the last proposal after an end', async () => {
    // Act
    const before = open(sessionView());
    await screen.findByRole('heading', { name: 'Acme v. Widget' });
    const absent = screen.queryByRole('region', { name: 'Proposal' });
    before.unmount();
    open(inStep3({ phase: 'settled', proposal: proposal({ state: 'void' }) }));
    const region = await screen.findByRole('region', { name: 'Proposal' });

    // Assess
    expect(absent).toBeNull();
    expect(region.textContent).toContain('Void: the session ended first');
    expect(within(region).queryAllByRole('button')).toEqual([]);
  });
});

describe('a deal by a proposal', () => {
  it('is explained as the proposal’s amount, without a bonus', async () => {
    // Act
    open(
      inStep3({
        phase: 'settled',
        proposal: proposal({ state: 'accepted', myAnswer: true }),
        outcome: {
          amount: 41_200_000,
          baseAmount: 41_200_000,
          bonusSide: null,
          reachedIn: 'proposal',
          settledAt: '2026-03-05T10:00:00Z',
        },
      }),
    );
    const deal = await screen.findByRole('region', { name: 'Deal' });

    // Assess
    expect(deal.textContent).toContain('$412,000.00');
    expect(deal.textContent).toContain(
      'Both sides accepted the proposal: its amount is the deal, with no bonus.',
    );
    expect(deal.textContent).toContain('Reached by a double-blind proposal');
  });
});
