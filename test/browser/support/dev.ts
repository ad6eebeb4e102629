/** The local runtime's /dev routes (no token): settle pending effects, read mail. */
export async function settle(apiUrl: string): Promise<void> {
  const response = await fetch(`${apiUrl}/dev/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: 0 }),
  });
  if (!response.ok) throw new Error(`POST /dev/clock answered ${response.status}`);
}

/** The path and query of the newest invitation link mailed to `to` (`/invite?token=…`). */
export async function invitationPath(apiUrl: string, to: string): Promise<string> {
  await settle(apiUrl);
  const response = await fetch(`${apiUrl}/dev/emails?to=${encodeURIComponent(to)}`);
  const { emails } = (await response.json()) as { emails: { text: string }[] };
  const link = emails
    .map((e) => /https?:\/\/[^\s"<>]*\/invite\?token=[A-Za-z0-9_-]+/.exec(e.text)?.[0])
    .filter((l): l is string => l !== undefined)
    .at(-1);
  if (!link) throw new Error(`No invitation email for ${to}`);
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

/** A token for `email` from the local runtime (for preparing data over HTTP). */
export async function devToken(apiUrl: string, email: string): Promise<string> {
  const response = await fetch(`${apiUrl}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  return ((await response.json()) as { token: string }).token;
}

/** Creates a session over HTTP as `email` (claimant), inviting `respondent`; returns its id. */
export async function createSession(apiUrl: string, email: string, title: string, respondent: string) {
  const response = await fetch(`${apiUrl}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await devToken(apiUrl, email)}` },
    body: JSON.stringify({ title, currency: 'USD', myRole: 'claimant', invite: { respondent } }),
  });
  if (response.status !== 201) throw new Error(`POST /sessions answered ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}
