/**
 * Local sign-in: `POST /dev/token {email}` → `{token}`. This route exists only on the local
 * runtime (`npm start`) and is deliberately absent from openapi.yaml, which describes the
 * deployed API: adding it there would advertise a token-minting route to every client. So it
 * gets this one typed function, the only request to the API that does not go through the
 * generated client. It is called only when /config.json says `"signIn": "local"`.
 */
import { UserFacingError } from './errors';

export interface DevTokenResponse {
  token: string;
}

export async function requestDevToken(apiUrl: string, email: string, fetchImpl = fetch): Promise<string> {
  const response = await fetchImpl(`${apiUrl}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (!response.ok) {
    throw new UserFacingError(
      response.status === 400
        ? 'Enter a valid email address.'
        : `Sign-in failed (HTTP ${response.status}). Is the local runtime running?`,
    );
  }
  const body = (await response.json()) as Partial<DevTokenResponse>;
  if (typeof body.token !== 'string')
    throw new UserFacingError('Sign-in failed: the local runtime sent no token.');
  return body.token;
}
