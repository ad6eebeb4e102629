import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/ApiContext';
import type { ProfileRequest } from '../../api/client';
import { unwrap } from '../../api/errors';
import { useApiMutation } from '../../api/mutation';
import { queryKeys } from '../../api/queries';

/** `GET /me`: the caller's profile (display name and organization null until saved). */
export function useProfile() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.profile,
    queryFn: async () => unwrap(await api.GET('/me')),
  });
}

/**
 * `PUT /me`. The answer is the profile as saved (trimmed), so it becomes the cached profile; the
 * sessions are refetched because their member lists carry the display name.
 */
export function useSaveProfile() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useApiMutation(
    async (body: ProfileRequest, key: string) =>
      unwrap(await api.PUT('/me', { body, params: { header: { 'Idempotency-Key': key } } })),
    {
      invalidates: [queryKeys.sessions],
      onSuccess: (profile) => queryClient.setQueryData(queryKeys.profile, profile),
    },
  );
}
