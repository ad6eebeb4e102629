/**
 * Renders a piece of the app with its providers: the typed API client over a fake `fetch` that
 * records every request, a query cache without retries, and an in-memory router.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { ApiProvider } from '../src/api/ApiContext';
import { createApi } from '../src/api/client';
import { AuthProvider } from '../src/auth/AuthContext';
import type { Auth, AuthState } from '../src/auth/auth';

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
  /** The query string, `?…` or empty. */
  search: string;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
export type Responder = (method: string, path: string, body: unknown, search: string) => Reply;

export function fakeApi(respond: Responder) {
  const requests: Recorded[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const text = request.method === 'GET' ? '' : await request.text();
    const body = text ? JSON.parse(text) : undefined;
    const { pathname: path, search } = new URL(request.url);
    requests.push({ method: request.method, path, body, search });
    const reply = respond(request.method, path, body, search);
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': 'application/json', ...reply.headers },
    });
  };
  const api = createApi('http://api.test', { token: async () => 'token', rejected: () => {} }, fetchImpl);
  return { api, requests };
}

export function signedIn(email = 'alice@claimant.example'): Auth {
  const state: AuthState = { status: 'signed-in', email };
  return {
    kind: 'local',
    getSnapshot: () => state,
    subscribe: () => () => {},
    token: async () => 'token',
    signOut: async () => {},
    rejected: () => {},
  };
}

export function renderApp(ui: ReactNode, respond: Responder, path = '/', pattern = '*') {
  const { api, requests } = fakeApi(respond);
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const router = createMemoryRouter([{ path: pattern, element: ui }], { initialEntries: [path] });
  const result = render(
    <AuthProvider auth={signedIn()}>
      <ApiProvider api={api}>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </ApiProvider>
    </AuthProvider>,
  );
  return { ...result, requests, router };
}
