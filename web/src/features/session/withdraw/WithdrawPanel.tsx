import { useState } from 'react';
import { useApi } from '../../../api/ApiContext';
import type { SessionView } from '../../../api/client';
import { unwrap } from '../../../api/errors';
import { useApiMutation } from '../../../api/mutation';
import { queryKeys } from '../../../api/queries';
import { isEnded } from '../../../domain/phase';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { ErrorMessage } from '../../../ui/ErrorMessage';

/** `POST /sessions/{id}/withdraw`. */
export function useWithdraw(id: string) {
  const api = useApi();
  return useApiMutation(
    async (_: undefined, key: string) =>
      unwrap(
        await api.POST('/sessions/{id}/withdraw', {
          params: { path: { id }, header: { 'Idempotency-Key': key } },
          body: {},
        }),
      ),
    { invalidates: [queryKeys.session(id), queryKeys.sessions] },
  );
}

/** A side member ends the session without a deal, after confirming in a dialog. */
export function WithdrawPanel({ view }: { view: SessionView }) {
  const withdraw = useWithdraw(view.id);
  const [asking, setAsking] = useState(false);
  if (view.myRole === 'mediator' || isEnded(view.phase)) return null;
  return (
    <section aria-labelledby="withdraw-heading">
      <h2 id="withdraw-heading">Leave the negotiation</h2>
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        Withdraw
      </button>
      <ErrorMessage error={withdraw.error} prefix="The session was not withdrawn." />
      <ConfirmDialog
        open={asking}
        title="Withdraw from this session?"
        busy={withdraw.isPending}
        onCancel={() => setAsking(false)}
        onConfirm={() => withdraw.mutate(undefined, { onSettled: () => setAsking(false) })}
      >
        <p>The session ends for everyone without a deal. No number is revealed. This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}
