import { useApi } from '../../../api/ApiContext';
import type { Role } from '../../../api/client';
import { unwrap } from '../../../api/errors';
import { useApiMutation } from '../../../api/mutation';
import { queryKeys } from '../../../api/queries';

/** `POST /sessions/{id}/invitations`. */
export function useInvite(id: string) {
  const api = useApi();
  return useApiMutation(
    async (body: { email: string; role: Role }, key: string) =>
      unwrap(
        await api.POST('/sessions/{id}/invitations', {
          params: { path: { id }, header: { 'Idempotency-Key': key } },
          body,
        }),
      ),
    { invalidates: [queryKeys.session(id)] },
  );
}

/** `DELETE /sessions/{id}/invitations/{email}`. */
export function useRevokeInvitation(id: string) {
  const api = useApi();
  return useApiMutation(
    async (email: string, key: string) =>
      unwrap(
        await api.DELETE('/sessions/{id}/invitations/{email}', {
          params: { path: { id, email }, header: { 'Idempotency-Key': key } },
        }),
      ),
    { invalidates: [queryKeys.session(id)] },
  );
}
