import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { components } from '../src/api/schema';
import { SessionPage } from '../src/features/session/SessionPage';
import { type Recorded, type Responder, renderApp } from './support';
import { CURRENCIES, sessionView } from './views';

type Room = components['schemas']['Room'];
type Message = components['schemas']['Message'];

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const ROOMS = `/sessions/${ID}/rooms`;

const message = (n: number, room = 'claimant', text = `Message ${n}`): Message => ({
  id: `01J${String(n).padStart(23, '0')}`,
  room: room as Message['room'],
  author: { email: 'alice@claimant.example' },
  text,
  sentAt: '2026-03-01T10:00:00Z',
});

interface World {
  view?: ReturnType<typeof sessionView>;
  rooms: Room[];
  /** Messages per room, oldest first. */
  messages: Record<string, Message[]>;
}

/** A server that pages like the API: newest page by `before`, newer ones by `after`. */
function server(world: World): Responder {
  return (method, path, body, search) => {
    const query = new URLSearchParams(search);
    if (method === 'GET' && path === '/currencies') return { status: 200, body: CURRENCIES };
    if (method === 'GET' && path === `/sessions/${ID}`)
      return { status: 200, body: world.view ?? sessionView() };
    if (method === 'GET' && path === ROOMS) return { status: 200, body: { rooms: world.rooms } };
    const match = /^\/sessions\/[^/]+\/rooms\/([^/]+)\/messages$/.exec(path);
    if (match && method === 'GET') {
      const all = world.messages[match[1]!] ?? [];
      const limit = Number(query.get('limit') ?? 50);
      const before = query.get('before');
      const after = query.get('after');
      if (before) {
        const older = all.filter((m) => m.id < before);
        const page = older.slice(-limit);
        return { status: 200, body: { messages: page, next: older.length > limit ? page[0]!.id : null } };
      }
      const newer = all.filter((m) => !after || m.id > after);
      const page = newer.slice(0, limit);
      return { status: 200, body: { messages: page, next: newer.length > limit ? page.at(-1)!.id : null } };
    }
    if (match && method === 'POST') {
      const posted = message(900, match[1], (body as { text: string }).text);
      world.messages[match[1]!] = [...(world.messages[match[1]!] ?? []), posted];
      return { status: 201, body: posted };
    }
    if (method === 'POST' && path === `${ROOMS}/joint/consent`) {
      world.rooms = world.rooms.map((r) => (r.room === 'joint' ? { ...r, consented: true } : r));
      return { status: 200, body: { rooms: world.rooms } };
    }
    return { status: 404, body: { error: { code: 'no_number', message: 'Your side has no number.' } } };
  };
}

const room = (name: Room['room'], messageCount = 0, extra: Partial<Room> = {}): Room => ({
  room: name,
  open: name !== 'joint',
  messageCount,
  lastMessageAt: messageCount ? '2026-03-01T10:00:00Z' : null,
  ...extra,
});

const calls = (requests: Recorded[], method: string, fragment: string) =>
  requests.filter((r) => r.method === method && `${r.path}${r.search}`.includes(fragment));

afterEach(() => sessionStorage.clear());

describe('the rooms region', () => {
  it('shows the caller’s rooms as tabs, the newest page of the first, and unread counts of the others', async () => {
    // Prepare: 60 messages in the claimant room, 2 in the caucus that were never seen here.
    const world: World = {
      rooms: [room('claimant', 60), room('caucus-claimant', 2), room('joint', 0, { consented: false })],
      messages: {
        claimant: Array.from({ length: 60 }, (_, i) => message(i + 1)),
        'caucus-claimant': [message(70, 'caucus-claimant'), message(71, 'caucus-claimant')],
      },
    };
    const user = userEvent.setup();
    const { requests } = renderApp(<SessionPage />, server(world), `/sessions/${ID}`, '/sessions/:id');

    // Act
    const region = await screen.findByRole('region', { name: 'Rooms' });
    const tabs = await within(region).findAllByRole('tab');
    const list = await within(region).findByRole('list', { name: 'Messages in Claimant side' });
    const shownFirst = within(list).getAllByRole('listitem').length;
    const tabNames = tabs.map((t) => t.textContent);
    await user.click(within(region).getByRole('button', { name: 'Older messages' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(60));
    await user.click(tabs[1]!);
    await within(region).findByText('Message 71');
    const caucusTab = tabs[1]!.textContent;

    // Assess
    expect(tabNames).toEqual(['Claimant side', 'Caucus: mediator and claimant2 new', 'Joint room']);
    expect(caucusTab).toBe('Caucus: mediator and claimant');
    expect(tabs[1]!.getAttribute('aria-selected')).toBe('true');
    expect(shownFirst).toBe(50);
    expect(within(list).getAllByRole('listitem')[0]!.textContent).toContain('Message 1');
    expect(calls(requests, 'GET', 'before=7ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toHaveLength(2);
    expect(calls(requests, 'GET', `before=${message(11).id}`)).toHaveLength(1);
    expect(within(region).queryByRole('button', { name: 'Older messages' })).toBeNull();
    // Seen counts only: no text, no id, in sessionStorage.
    const stored = Object.values(sessionStorage).join('');
    expect(JSON.parse(sessionStorage.getItem(`backchannel:rooms-seen:${ID}`)!)).toEqual({
      claimant: 60,
      'caucus-claimant': 2,
    });
    expect(stored).not.toContain('Message');
  });

  it('sends what is typed in "Message" with "Send", shows it, and sends nothing empty', async () => {
    // Prepare
    const world: World = { rooms: [room('claimant'), room('joint', 0, { consented: false })], messages: {} };
    const user = userEvent.setup();
    const { requests } = renderApp(<SessionPage />, server(world), `/sessions/${ID}`, '/sessions/:id');
    const region = await screen.findByRole('region', { name: 'Rooms' });
    const box = await within(region).findByRole('textbox', { name: 'Message' });

    // Act
    await user.click(within(region).getByRole('button', { name: 'Send' }));
    const afterEmpty = calls(requests, 'POST', '/messages').length;
    await user.type(box, 'Hold firm.{Shift>}{Enter}{/Shift}They will move.');
    await user.click(within(region).getByRole('button', { name: 'Send' }));

    // Assess
    expect(afterEmpty).toBe(0);
    await within(region).findByText(/Hold firm\.\s+They will move\./);
    expect(calls(requests, 'POST', '/rooms/claimant/messages').map((r) => r.body)).toEqual([
      { text: 'Hold firm.\nThey will move.' },
    ]);
    await waitFor(() => expect((box as HTMLTextAreaElement).value).toBe(''));
  });

  it('offers a side “Open the joint room” until its side agreed, then says it waits for the other side', async () => {
    // Prepare
    const world: World = {
      rooms: [room('claimant'), room('joint', 0, { consented: false })],
      messages: {},
    };
    const user = userEvent.setup();
    const { requests } = renderApp(<SessionPage />, server(world), `/sessions/${ID}`, '/sessions/:id');
    const region = await screen.findByRole('region', { name: 'Rooms' });
    await user.click(await within(region).findByRole('tab', { name: 'Joint room' }));

    // Act
    await user.click(await within(region).findByRole('button', { name: 'Open the joint room' }));

    // Assess
    expect(await within(region).findByRole('status')).toHaveProperty(
      'textContent',
      'Your side agreed to open the joint room. It opens when the other side agrees too.',
    );
    expect(calls(requests, 'POST', '/rooms/joint/consent').map((r) => r.body)).toEqual([{}]);
    expect(within(region).queryByRole('textbox', { name: 'Message' })).toBeNull();
  });

  it('gives the mediator no consent to give, and an ended session no form', async () => {
    // Prepare
    const mediator: World = {
      view: sessionView({ myRole: 'mediator' }),
      rooms: [room('caucus-claimant'), room('caucus-respondent'), room('joint')],
      messages: {},
    };
    const ended: World = {
      view: sessionView({ phase: 'withdrawn' }),
      rooms: [room('claimant', 1)],
      messages: { claimant: [message(1)] },
    };
    const user = userEvent.setup();

    // Act
    const first = renderApp(<SessionPage />, server(mediator), `/sessions/${ID}`, '/sessions/:id');
    const region = await screen.findByRole('region', { name: 'Rooms' });
    await user.click(await within(region).findByRole('tab', { name: 'Joint room' }));
    const mediatorText = (await within(region).findByText(/opens once both sides agree/)).textContent;
    const mediatorButtons = within(region).queryAllByRole('button', { name: 'Open the joint room' });
    first.unmount();
    renderApp(<SessionPage />, server(ended), `/sessions/${ID}`, '/sessions/:id');
    const endedRegion = await screen.findByRole('region', { name: 'Rooms' });
    await within(endedRegion).findByText('Message 1');

    // Assess
    expect(mediatorText).toContain('Only the sides can open it.');
    expect(mediatorButtons).toEqual([]);
    expect(within(endedRegion).queryByRole('textbox', { name: 'Message' })).toBeNull();
    expect(within(endedRegion).getByText(/rooms can be read but take no new message/)).toBeTruthy();
  });
});
