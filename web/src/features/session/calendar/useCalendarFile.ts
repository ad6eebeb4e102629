import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../api/ApiContext';
import type { SessionView } from '../../../api/client';
import { unwrap } from '../../../api/errors';
import { saveFile } from '../../../ui/save-file';

/** "acme-v-widget.ics": the session's title as a file name. */
function fileName(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'session'}.ics`;
}

/**
 * `GET /sessions/{id}/calendar.ics` through the typed client (so with the bearer token in its
 * header, never in a URL), saved as a file. A download on demand, so a mutation rather than a
 * cached query; it changes nothing and needs no Idempotency-Key.
 */
export function useCalendarFile(view: Pick<SessionView, 'id' | 'title'>) {
  const api = useApi();
  return useMutation({
    mutationFn: async () => {
      const text = unwrap(
        await api.GET('/sessions/{id}/calendar.ics', { params: { path: { id: view.id } }, parseAs: 'text' }),
      );
      saveFile(new Blob([text], { type: 'text/calendar;charset=utf-8' }), fileName(view.title));
    },
  });
}
