/**
 * The routes of the `api` function (openapi.yaml): sessions, invitations, terms, withdraw,
 * proposals (asking and consenting), currencies. Each route parses what it needs, calls one use
 * case and says how its result is answered. None of them touches a number: the api function may
 * only open a side's answer to a proposal, for that side's own view (`myAnswer`).
 */
import type { CommandDeps } from '../app/command';
import type { InvitationTokens } from '../app/invitation-token';
import { acceptInvitation, previewInvitation } from '../app/sessions/accept-invitation';
import { createSessionFor } from '../app/sessions/create-session';
import { listCurrencies } from '../app/sessions/currencies';
import { invite, revokeInvitation } from '../app/sessions/invite';
import { negotiateAgain } from '../app/sessions/negotiate-again';
import { consentToComputedProposal, requestProposal } from '../app/sessions/proposals';
import { getSession, listSessions } from '../app/sessions/read-sessions';
import { acceptTerms, proposeTerms } from '../app/sessions/terms';
import { withdraw } from '../app/sessions/withdraw';
import type { AnswerOpener } from '../ports';
import type { Routes } from './handler';
import { created, noContent, ok } from './present';
import {
  acceptInvitationBody,
  acceptTermsBody,
  againBody,
  consentBody,
  createSessionBody,
  inviteBody,
  parseBody,
  peekField,
  previewInvitationBody,
  proposalBody,
  sessionsQuery,
  termsBody,
  withdrawBody,
} from './schemas';

export interface SessionRoutesDeps extends CommandDeps {
  tokens: InvitationTokens;
  /** Opens the caller's own side's answer for `myAnswer`: answers only, never a number. */
  answers: AnswerOpener;
}

/**
 * API Gateway hands path parameters over decoded; an address still percent-encoded (a client that
 * encoded twice) is decoded once more. A stray `%` is left as it is: that address was never
 * invited (404), never a 500.
 */
function decodedOnce(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function sessionRoutes(deps: SessionRoutesDeps): Routes {
  return {
    'POST /sessions': async ({ caller, body, receipt }) =>
      created(await createSessionFor(deps, caller, parseBody(createSessionBody, body), receipt(created))),
    'GET /sessions': async ({ caller, query }) =>
      ok({ sessions: await listSessions(deps, caller, sessionsQuery(query)) }),
    'GET /sessions/{id}': async ({ caller, params }) => ok(await getSession(deps, caller, params.id!)),
    'POST /sessions/{id}/invitations': async ({ caller, params, body, receipt }) =>
      created(
        await invite(
          deps,
          {
            caller,
            sessionId: params.id!,
            requestedRole: peekField(body, 'role'),
            input: () => parseBody(inviteBody, body),
          },
          receipt(created),
        ),
      ),
    'DELETE /sessions/{id}/invitations/{email}': async ({ caller, params, receipt }) => {
      const email = decodedOnce(params.email!);
      await revokeInvitation(
        deps,
        { caller, sessionId: params.id!, input: () => ({ email }) },
        receipt(noContent),
      );
      return noContent();
    },
    'POST /sessions/{id}/again': async ({ caller, params, body, receipt }) =>
      created(
        await negotiateAgain(
          deps,
          // `{}`; an empty body is read as `{}` (as for withdraw).
          { caller, sessionId: params.id!, input: () => parseBody(againBody, body, { emptyIs: {} }) },
          receipt(created),
        ),
      ),
    'POST /invitations/accept': async ({ caller, body, receipt }) =>
      ok(await acceptInvitation(deps, caller, parseBody(acceptInvitationBody, body), receipt(ok))),
    'POST /invitations/preview': async ({ caller, body }) =>
      ok(await previewInvitation(deps, caller, parseBody(previewInvitationBody, body))),
    'PUT /sessions/{id}/terms': async ({ caller, params, body, receipt }) =>
      ok(
        await proposeTerms(
          deps,
          { caller, sessionId: params.id!, input: () => parseBody(termsBody, body) },
          receipt(ok),
        ),
      ),
    'POST /sessions/{id}/terms/accept': async ({ caller, params, body, receipt }) =>
      ok(
        await acceptTerms(
          deps,
          { caller, sessionId: params.id!, input: () => parseBody(acceptTermsBody, body) },
          receipt(ok),
        ),
      ),
    'POST /sessions/{id}/withdraw': async ({ caller, params, body, receipt }) =>
      ok(
        await withdraw(
          deps,
          // `{}`; an empty body is read as `{}` (there is nothing to say but "withdraw").
          { caller, sessionId: params.id!, input: () => parseBody(withdrawBody, body, { emptyIs: {} }) },
          receipt(ok),
        ),
      ),
    'POST /sessions/{id}/proposals': async ({ caller, params, body, receipt }) =>
      created(
        await requestProposal(
          deps,
          {
            caller,
            sessionId: params.id!,
            requestedKind: peekField(body, 'kind'),
            input: () => parseBody(proposalBody, body),
          },
          receipt(created),
        ),
      ),
    'POST /sessions/{id}/proposals/current/consent': async ({ caller, params, body, receipt }) =>
      ok(
        await consentToComputedProposal(
          deps,
          { caller, sessionId: params.id!, input: () => parseBody(consentBody, body) },
          receipt(ok),
        ),
      ),
    'GET /currencies': async () => ok({ currencies: listCurrencies() }),
  };
}
