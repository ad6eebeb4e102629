import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../../../api/ApiContext';
import { unwrap } from '../../../api/errors';
import type { Message, RoomName } from './useRooms';

/** The largest message id: `before` it is the newest page. */
const NEWEST = '7ZZZZZZZZZZZZZZZZZZZZZZZZZ';
const PAGE = 50;

interface Loaded {
  messages: Message[];
  /** The id to pass as `before` for older messages, or null when the oldest is shown. */
  older: string | null;
  loaded: boolean;
  error: unknown;
}

/**
 * A room's messages as the page shows them: the newest page first, older pages on request
 * ("Older messages"), and newer ones whenever the room's counter (from `GET …/rooms`) moves.
 * Requests run one after another, so pages never interleave; a message is kept once.
 */
export function useRoomMessages(id: string, room: RoomName, messageCount: number | undefined) {
  const api = useApi();
  const [state, setState] = useState<Loaded>({ messages: [], older: null, loaded: false, error: null });
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const newest = useRef<string | null>(null);

  const page = useCallback(
    async (query: { after?: string; before?: string }) =>
      unwrap(
        await api.GET('/sessions/{id}/rooms/{room}/messages', {
          params: { path: { id, room }, query: { limit: PAGE, ...query } },
        }),
      ),
    [api, id, room],
  );

  const merge = useCallback((incoming: Message[], where: 'start' | 'end', older?: string | null) => {
    setState((current) => {
      const known = new Set(current.messages.map((m) => m.id));
      const fresh = incoming.filter((m) => !known.has(m.id));
      const messages = where === 'start' ? [...fresh, ...current.messages] : [...current.messages, ...fresh];
      const last = messages.at(-1);
      if (last) newest.current = last.id;
      return {
        messages,
        older: older === undefined ? current.older : older,
        loaded: true,
        error: null,
      };
    });
  }, []);

  const run = useCallback((task: () => Promise<void>) => {
    queue.current = queue.current
      .then(task)
      .catch((error: unknown) => setState((current) => ({ ...current, error })));
    return queue.current;
  }, []);

  // The newest page when the room opens; newer messages whenever its counter moves.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the counter is the trigger.
  useEffect(() => {
    void run(async () => {
      if (newest.current === null) {
        const first = await page({ before: NEWEST });
        merge(first.messages, 'end', first.next);
        return;
      }
      let after: string | null = newest.current;
      while (after) {
        const next = await page({ after });
        merge(next.messages, 'end');
        after = next.next;
      }
    });
  }, [messageCount, run, page, merge]);

  const loadOlder = useCallback(
    () =>
      run(async () => {
        const before = state.older;
        if (!before) return;
        const older = await page({ before });
        merge(older.messages, 'start', older.next);
      }),
    [run, page, merge, state.older],
  );

  /** A message this page just posted (the answer of the POST): shown at once. */
  const add = useCallback((message: Message) => merge([message], 'end'), [merge]);

  return { ...state, loadOlder, add };
}
