import { type UseMutationOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { ApiError } from './errors';

/** Worth retrying with the same Idempotency-Key: nothing was changed, or we cannot know. */
export function isRetryable(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof ApiError && error.status === 503);
}

/**
 * A mutation that carries an `Idempotency-Key`. The key stays the same while the request may
 * be repeated safely (a network failure, a 503: the API answers a retry with the first
 * response, or does the work once), and is renewed after a success or a refusal, so that the
 * next, different request never meets `idempotency_key_reused`. Retries 503s twice by itself.
 */
export function useApiMutation<TData, TVariables>(
  mutationFn: (variables: TVariables, idempotencyKey: string) => Promise<TData>,
  options: Omit<UseMutationOptions<TData, Error, TVariables>, 'mutationFn'> & {
    /** Query keys to refetch after a success. */
    invalidates?: readonly (readonly unknown[])[];
  } = {},
) {
  const key = useRef<string>(crypto.randomUUID());
  const queryClient = useQueryClient();
  const { invalidates, onSuccess, onError, ...rest } = options;
  return useMutation<TData, Error, TVariables>({
    retry: (failures, error) => failures < 2 && error instanceof ApiError && error.status === 503,
    ...rest,
    mutationFn: (variables) => mutationFn(variables, key.current),
    onSuccess: async (...args) => {
      key.current = crypto.randomUUID();
      await Promise.all((invalidates ?? []).map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      await onSuccess?.(...args);
    },
    onError: async (...args) => {
      if (!isRetryable(args[0])) key.current = crypto.randomUUID();
      await onError?.(...args);
    },
  });
}
