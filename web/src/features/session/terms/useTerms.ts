import { useApi } from '../../../api/ApiContext';
import { unwrap } from '../../../api/errors';
import { useApiMutation } from '../../../api/mutation';
import { queryKeys } from '../../../api/queries';

/** `PUT /sessions/{id}/terms`: a new version of the terms text. */
export function useProposeTerms(id: string) {
  const api = useApi();
  return useApiMutation(
    async (text: string, key: string) =>
      unwrap(
        await api.PUT('/sessions/{id}/terms', {
          params: { path: { id }, header: { 'Idempotency-Key': key } },
          body: { text },
        }),
      ),
    { invalidates: [queryKeys.session(id)] },
  );
}

/** `POST /sessions/{id}/terms/accept`: accept a version, or 0 to skip terms. */
export function useAcceptTerms(id: string) {
  const api = useApi();
  return useApiMutation(
    async (version: number, key: string) =>
      unwrap(
        await api.POST('/sessions/{id}/terms/accept', {
          params: { path: { id }, header: { 'Idempotency-Key': key } },
          body: { version },
        }),
      ),
    { invalidates: [queryKeys.session(id)] },
  );
}
