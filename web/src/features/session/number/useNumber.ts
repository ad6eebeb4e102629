import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../api/ApiContext';
import { ApiError, unwrap } from '../../../api/errors';
import { useApiMutation } from '../../../api/mutation';
import { queryKeys } from '../../../api/queries';

/**
 * `GET /sessions/{id}/number`: the caller's own side's standing number, or null when it has
 * none. Only a side member asks, and only while its side has one; the other side's number is
 * never asked for, because no route gives it. Not polled: each read is a decryption (a KMS
 * call on AWS), so it is read when the page opens, after the side submits, and when the window
 * regains focus (a co-counsel's change shows then).
 */
export function useOwnNumber(id: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.ownNumber(id),
    queryFn: async () => {
      try {
        return unwrap(await api.GET('/sessions/{id}/number', { params: { path: { id } } }));
      } catch (error) {
        if (error instanceof ApiError && (error.code === 'no_number' || error.code === 'session_ended'))
          return null;
        throw error;
      }
    },
    enabled,
    staleTime: 30_000,
  });
}

/** `PUT /sessions/{id}/number` with an amount in minor units. */
export function useSubmitNumber(id: string) {
  const api = useApi();
  return useApiMutation(
    async (amount: number, key: string) =>
      unwrap(
        await api.PUT('/sessions/{id}/number', {
          params: { path: { id }, header: { 'Idempotency-Key': key } },
          body: { amount },
        }),
      ),
    { invalidates: [queryKeys.ownNumber(id), queryKeys.session(id)] },
  );
}
