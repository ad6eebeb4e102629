import { useApi } from '../../../api/ApiContext';
import { unwrap } from '../../../api/errors';
import { useApiMutation } from '../../../api/mutation';
import { queryKeys } from '../../../api/queries';

/** `POST /sessions/{id}/proposals`: the mediator's amount (minor units), or a side's computed request. */
export function useRequestProposal(id: string) {
  const api = useApi();
  return useApiMutation(
    async (body: { kind: 'mediator'; amount: number } | { kind: 'computed' }, key: string) =>
      unwrap(
        await api.POST('/sessions/{id}/proposals', {
          params: { path: { id }, header: { 'Idempotency-Key': key } },
          body,
        }),
      ),
    { invalidates: [queryKeys.session(id)] },
  );
}

/** `POST /sessions/{id}/proposals/current/consent`. */
export function useConsent(id: string) {
  const api = useApi();
  return useApiMutation(
    async (consent: boolean, key: string) =>
      unwrap(
        await api.POST('/sessions/{id}/proposals/current/consent', {
          params: { path: { id }, header: { 'Idempotency-Key': key } },
          body: { consent },
        }),
      ),
    { invalidates: [queryKeys.session(id)] },
  );
}

/** `POST /sessions/{id}/proposals/current/answer`: the caller's side's yes or no. */
export function useAnswer(id: string) {
  const api = useApi();
  return useApiMutation(
    async (accept: boolean, key: string) =>
      unwrap(
        await api.POST('/sessions/{id}/proposals/current/answer', {
          params: { path: { id }, header: { 'Idempotency-Key': key } },
          body: { accept },
        }),
      ),
    { invalidates: [queryKeys.session(id)] },
  );
}
