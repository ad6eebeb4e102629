import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../api/ApiContext';
import { unwrap } from '../../../api/errors';
import { queryKeys } from '../../../api/queries';

/** `GET /sessions?matterId=`: the caller's sessions of one matter, newest first. */
export function useMatterSessions(matterId: string) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.matterSessions(matterId),
    queryFn: async () => unwrap(await api.GET('/sessions', { params: { query: { matterId } } })).sessions,
  });
}
