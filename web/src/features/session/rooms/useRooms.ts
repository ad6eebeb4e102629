import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../api/ApiContext';
import { unwrap } from '../../../api/errors';
import { useApiMutation } from '../../../api/mutation';
import { queryKeys } from '../../../api/queries';
import type { components } from '../../../api/schema';
import { SESSION_REFRESH_MS } from '../useSession';

export type RoomName = components['schemas']['RoomName'];
export type RoomInfo = components['schemas']['Room'];
export type Message = components['schemas']['Message'];

export const roomsKey = (id: string) => [...queryKeys.session(id), 'rooms'] as const;

/**
 * `GET /sessions/{id}/rooms`: the caller's rooms with their counters, re-read with the session.
 * Cheap on the server: no message is opened to answer it, so it is what is polled; a room's
 * messages are fetched only when its counter moves.
 */
export function useRooms(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: roomsKey(id),
    queryFn: async () => unwrap(await api.GET('/sessions/{id}/rooms', { params: { path: { id } } })).rooms,
    refetchInterval: SESSION_REFRESH_MS,
  });
}

/** `POST /sessions/{id}/rooms/joint/consent`: the caller's side agrees to open the joint room. */
export function useConsent(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useApiMutation(
    async (_: undefined, key: string) =>
      unwrap(
        await api.POST('/sessions/{id}/rooms/joint/consent', {
          params: { path: { id }, header: { 'Idempotency-Key': key } },
          body: {},
        }),
      ).rooms,
    { onSuccess: (rooms) => queryClient.setQueryData(roomsKey(id), rooms) },
  );
}

/** `POST /sessions/{id}/rooms/{room}/messages`. */
export function usePostMessage(id: string, room: RoomName) {
  const api = useApi();
  return useApiMutation(
    async (text: string, key: string) =>
      unwrap(
        await api.POST('/sessions/{id}/rooms/{room}/messages', {
          params: { path: { id, room }, header: { 'Idempotency-Key': key } },
          body: { text },
        }),
      ),
    { invalidates: [roomsKey(id)] },
  );
}
