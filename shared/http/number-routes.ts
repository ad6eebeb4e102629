/**
 * The two number routes, each in a function of its own: `submit-number` may only encrypt, and
 * `own-number` is the only API function that may decrypt numbers (and opens only the caller's
 * side's number). `submit-number` also takes a side's answer to a proposal: the other secret
 * input a side sends, sealed the same way (shared/app/sessions/answer-proposal.ts).
 */
import { answerProposal, withoutMyAnswer } from '../app/sessions/answer-proposal';
import { type NumbersDeps, readOwnNumber, submitNumber } from '../app/sessions/numbers';
import type { SessionView } from '../app/views';
import type { AnswerSealer } from '../ports';
import type { HttpResult } from './errors';
import type { Routes } from './handler';
import { accepted, ok } from './present';
import { answerBody, numberBody, parseBody, peekValue } from './schemas';

/** The answer a (JSON-equal) retry carries, put back into the stored view, which never holds it. */
function restoreMyAnswer(stored: HttpResult, accept: unknown): HttpResult {
  const view = stored.body as SessionView | undefined;
  if (stored.statusCode !== 200 || !view?.proposal || typeof accept !== 'boolean') return stored;
  return { ...stored, body: { ...view, proposal: { ...view.proposal, myAnswer: accept } } };
}

export const submitNumberRoutes = (deps: NumbersDeps & { sealer: AnswerSealer }): Routes => ({
  'PUT /sessions/{id}/number': async ({ caller, params, body, receipt }) =>
    accepted(
      await submitNumber(
        deps,
        { caller, sessionId: params.id!, input: () => parseBody(numberBody, body) },
        receipt(accepted),
      ),
    ),
  'POST /sessions/{id}/proposals/current/answer': async ({ caller, params, body, receipt }) =>
    ok(
      await answerProposal(
        deps,
        { caller, sessionId: params.id!, input: () => parseBody(answerBody, body) },
        receipt((view: SessionView) => ok(withoutMyAnswer(view)), {
          replayed: (stored) => restoreMyAnswer(stored, peekValue(body, 'accept')),
        }),
      ),
    ),
});

export const ownNumberRoutes = (deps: NumbersDeps): Routes => ({
  'GET /sessions/{id}/number': async ({ caller, params }) =>
    ok(await readOwnNumber(deps, caller, params.id!)),
});
