import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiContext';
import { unwrap } from '../../api/errors';
import { queryKeys } from '../../api/queries';

/** The caller's sessions, newest first, refreshed every 10 s. */
export function useSessions() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.sessions,
    queryFn: async () => unwrap(await api.GET('/sessions')).sessions,
    refetchInterval: 10_000,
  });
}
