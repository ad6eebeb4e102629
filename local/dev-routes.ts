/**
 * The local-only routes (docs/dev-routes.md), never deployed, no token needed:
 * - `POST /dev/token {email}` → `{token}`: a signed ID token for that verified address;
 * - `POST /dev/clock {advanceSeconds}` → `{now}`: moves the business clock, returns once every
 *   effect now due is done;
 * - `GET /dev/emails?to=<address>` → `{emails: [{to, subject, text, html, sentAt}]}`: mail sent
 *   so far, oldest first.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { DevRoute } from './services/http-gateway';
import type { LocalIdentityProvider } from './services/jwt';
import type { LocalEmail } from './services/ses-local';

export interface DevRouteDeps {
  identity: Pick<LocalIdentityProvider, 'issueToken'>;
  /** Moves the business clock forward (seconds ≥ 0) and resolves with the new time (epoch ms). */
  advanceClock: (seconds: number) => Promise<number>;
  readEmails: (to?: string) => Promise<LocalEmail[]>;
}

const json = (statusCode: number, body: unknown): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

const invalid = (message: string) => json(400, { error: { code: 'invalid_input', message } });

/** The body as a JSON object, or null when it is not one. */
function parseBody(event: APIGatewayProxyEventV2): Record<string, unknown> | null {
  try {
    const body = JSON.parse(event.body ?? '') as unknown;
    return body && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** ISO 8601 UTC to the second, as every time the API shows. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function devRoutes(deps: DevRouteDeps): DevRoute[] {
  return [
    {
      method: 'POST',
      path: '/dev/token',
      handler: async (event) => {
        const body = parseBody(event);
        const email = typeof body?.email === 'string' ? body.email.trim() : '';
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || Object.keys(body ?? {}).length !== 1) {
          return invalid('Body must be {"email": "<address>"}.');
        }
        return json(200, { token: await deps.identity.issueToken(email) });
      },
    },
    {
      method: 'POST',
      path: '/dev/clock',
      handler: async (event) => {
        const body = parseBody(event);
        const seconds = body?.advanceSeconds;
        if (
          typeof seconds !== 'number' ||
          !Number.isFinite(seconds) ||
          seconds < 0 ||
          Object.keys(body ?? {}).length !== 1
        ) {
          return invalid('Body must be {"advanceSeconds": <number ≥ 0>}.');
        }
        return json(200, { now: isoSeconds(await deps.advanceClock(seconds)) });
      },
    },
    {
      method: 'GET',
      path: '/dev/emails',
      handler: async (event) => {
        const emails = await deps.readEmails(event.queryStringParameters?.to);
        return json(200, {
          emails: emails.map(({ to, subject, text, html, sentAt }) => ({ to, subject, text, html, sentAt })),
        });
      },
    },
  ];
}
