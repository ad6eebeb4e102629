/**
 * The one way the app talks to the API: openapi-fetch typed by `schema.d.ts`, which
 * `npm run gen:api` generates from openapi.yaml. A middleware adds the bearer token and reads
 * the server's clock from each response's `Date` header.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { observeServerDate } from '../time/server-clock';
import type { components, paths } from './schema';

export type Api = Client<paths>;
export type SessionView = components['schemas']['SessionView'];
export type Phase = components['schemas']['Phase'];
export type Role = components['schemas']['Role'];
export type Side = components['schemas']['Side'];
export type MemberView = components['schemas']['MemberView'];
export type InvitationPreview = components['schemas']['InvitationPreview'];
export type Profile = components['schemas']['Profile'];
export type ProfileRequest = components['schemas']['ProfileRequest'];
export type CurrencyInfo = components['schemas']['CurrencyInfo'];

export interface TokenSource {
  /** The bearer token for the next request, or null when signed out. */
  token(): Promise<string | null>;
  /** The API refused the token (401): the app signs out and asks to sign in again. */
  rejected(): void;
}

export function createApi(baseUrl: string, tokens: TokenSource, fetchImpl?: typeof fetch): Api {
  const api = createClient<paths>({ baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const middleware: Middleware = {
    async onRequest({ request }) {
      const token = await tokens.token();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      observeServerDate(response.headers.get('Date'));
      if (response.status === 401) tokens.rejected();
      return response;
    },
  };
  api.use(middleware);
  return api;
}
