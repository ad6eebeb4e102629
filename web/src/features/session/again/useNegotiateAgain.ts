import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../api/ApiContext';
import { unwrap } from '../../../api/errors';
import { useApiMutation } from '../../../api/mutation';
import { queryKeys } from '../../../api/queries';

/**
 * `POST /sessions/{id}/again`: the matter's next session, as the caller sees it (201). Its view
 * goes straight into the cache, so its page opens without a second request; the lists refresh.
 */
export function useNegotiateAgain(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useApiMutation(
    async (_: undefined, key: string) =>
      unwrap(
        await api.POST('/sessions/{id}/again', {
          params: { path: { id }, header: { 'Idempotency-Key': key } },
          body: {},
        }),
      ),
    {
      invalidates: [queryKeys.sessions],
      onSuccess: (view) => queryClient.setQueryData(queryKeys.session(view.id), view),
    },
  );
}
