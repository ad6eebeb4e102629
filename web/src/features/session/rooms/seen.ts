import { useCallback, useState } from 'react';

/**
 * How many messages of each room this tab has shown, kept in sessionStorage (never a text, never
 * an id of the other side's): a room's unread count is its counter minus what was seen.
 */
const storageKey = (sessionId: string) => `backchannel:rooms-seen:${sessionId}`;

function read(sessionId: string): Record<string, number> {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(storageKey(sessionId)) ?? '{}') as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

export function useSeen(sessionId: string) {
  const [seen, setSeen] = useState<Record<string, number>>(() => read(sessionId));
  const markSeen = useCallback(
    (room: string, count: number) => {
      setSeen((current) => {
        if ((current[room] ?? 0) >= count) return current;
        const next = { ...current, [room]: count };
        try {
          sessionStorage.setItem(storageKey(sessionId), JSON.stringify(next));
        } catch {
          // Storage full or disabled: the marker lasts as long as the page.
        }
        return next;
      });
    },
    [sessionId],
  );
  return { seen, markSeen };
}
