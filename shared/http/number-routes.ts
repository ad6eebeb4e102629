/**
 * The two number routes, each in a function of its own: `submit-number` may only encrypt, and
 * `own-number` is the only API function that may decrypt (and opens only the caller's side's number).
 */
import { type NumbersDeps, readOwnNumber, submitNumber } from '../app/sessions/numbers';
import type { Routes } from './handler';
import { accepted, ok } from './present';
import { numberBody, parseBody } from './schemas';

export const submitNumberRoutes = (deps: NumbersDeps): Routes => ({
  'PUT /sessions/{id}/number': async ({ caller, params, body, receipt }) =>
    accepted(
      await submitNumber(
        deps,
        { caller, sessionId: params.id!, input: () => parseBody(numberBody, body) },
        receipt(accepted),
      ),
    ),
});

export const ownNumberRoutes = (deps: NumbersDeps): Routes => ({
  'GET /sessions/{id}/number': async ({ caller, params }) =>
    ok(await readOwnNumber(deps, caller, params.id!)),
});
