import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiContext';
import type { SessionView, Side } from '../../api/client';
import { unwrap } from '../../api/errors';
import { queryKeys } from '../../api/queries';

/** How often an open session page re-reads its view. */
export const SESSION_REFRESH_MS = 5_000;

/** `GET /sessions/{id}`, refreshed every 5 s while the page is open. */
export function useSession(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.session(id),
    queryFn: async () => unwrap(await api.GET('/sessions/{id}', { params: { path: { id } } })),
    refetchInterval: SESSION_REFRESH_MS,
  });
}

/** The caller's side, or null for the mediator. */
export function mySide(view: Pick<SessionView, 'myRole'>): Side | null {
  return view.myRole === 'mediator' ? null : view.myRole;
}
