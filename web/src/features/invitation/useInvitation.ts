import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiContext';
import { unwrap } from '../../api/errors';
import { useApiMutation } from '../../api/mutation';
import { queryKeys } from '../../api/queries';

/** `POST /invitations/preview`: what the invitation is for. Changes nothing, so it is a query. */
export function useInvitationPreview(token: string) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.invitationPreview(token),
    queryFn: async () => unwrap(await api.POST('/invitations/preview', { body: { token } })),
    enabled: token !== '',
    retry: false,
    staleTime: 60_000,
  });
}

/** `POST /invitations/accept`: the session's view, as its new member sees it. */
export function useAcceptInvitation() {
  const api = useApi();
  return useApiMutation(
    async (token: string, key: string) =>
      unwrap(
        await api.POST('/invitations/accept', {
          body: { token },
          params: { header: { 'Idempotency-Key': key } },
        }),
      ),
    { invalidates: [queryKeys.sessions] },
  );
}
