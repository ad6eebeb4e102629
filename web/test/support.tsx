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

/** `body` is sent as JSON; `text`, when given, as it is (with its own `content-type` in `headers`). */
const headersSent = new WeakMap<Recorded, Headers>();

/** The headers a recorded request was sent with (the bearer token, the Idempotency-Key). */
export function headersOf(request: Recorded | undefined): Headers {
  return (request && headersSent.get(request)) ?? new Headers();
}

type Reply = { status: number; body?: unknown; text?: string; headers?: Record<string, string> };
export type Responder = (method: string, path: string, body: unknown, search: string) => Reply;

export function fakeApi(respond: Responder) {
  const requests: Recorded[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const text = request.method === 'GET' ? '' : await request.text();
    const body = text ? JSON.parse(text) : undefined;
    const { pathname: path, search } = new URL(request.url);
    const recorded = { method: request.method, path, body, search };
    headersSent.set(recorded, request.headers);
    requests.push(recorded);
    const reply = respond(request.method, path, body, search);
    const sent = reply.text ?? (reply.body === undefined ? null : JSON.stringify(reply.body));
    return new Response(sent, {
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
