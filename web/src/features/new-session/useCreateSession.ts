import { useApi } from '../../api/ApiContext';
import { unwrap } from '../../api/errors';
import { useApiMutation } from '../../api/mutation';
import { queryKeys } from '../../api/queries';
import type { components } from '../../api/schema';

export type CreateSessionRequest = components['schemas']['CreateSessionRequest'];

/** `POST /sessions`: the new session's view. */
export function useCreateSession() {
  const api = useApi();
  return useApiMutation(
    async (body: CreateSessionRequest, key: string) =>
      unwrap(await api.POST('/sessions', { body, params: { header: { 'Idempotency-Key': key } } })),
    { invalidates: [queryKeys.sessions] },
  );
}
