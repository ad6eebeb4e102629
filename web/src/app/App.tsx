import {
  type QueryClient,
  QueryClient as QueryClientClass,
  QueryClientProvider,
} from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { createBrowserRouter, Link, RouterProvider } from 'react-router';
import { ApiProvider } from '../api/ApiContext';
import type { Api } from '../api/client';
import { ApiError } from '../api/errors';
import { AuthProvider } from '../auth/AuthContext';
import type { Auth } from '../auth/auth';
import { InvitationPage } from '../features/invitation/InvitationPage';
import { NewSessionPage } from '../features/new-session/NewSessionPage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { SessionPage } from '../features/session/SessionPage';
import { SessionsPage } from '../features/sessions/SessionsPage';
import { SignInPage } from '../features/sign-in/SignInPage';
import { Layout } from './Layout';
import { RequireAuth } from './RequireAuth';

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Go to your sessions</Link>.
      </p>
    </section>
  );
}

const guarded = (element: ReactNode) => <RequireAuth>{element}</RequireAuth>;

export function createRouter() {
  return createBrowserRouter([
    {
      element: <Layout />,
      children: [
        { path: '/sign-in', element: <SignInPage /> },
        { path: '/', element: guarded(<SessionsPage />) },
        { path: '/sessions/new', element: guarded(<NewSessionPage />) },
        { path: '/sessions/:id', element: guarded(<SessionPage />) },
        { path: '/invite', element: guarded(<InvitationPage />) },
        { path: '/profile', element: guarded(<ProfilePage />) },
        { path: '*', element: <NotFound /> },
      ],
    },
  ]);
}

export function createQueryClient() {
  return new QueryClientClass({
    defaultOptions: {
      queries: {
        // A refusal (4xx) is an answer, not a hiccup: only network failures and 5xx are retried.
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
        refetchOnWindowFocus: true,
      },
    },
  });
}

export function App({ api, auth, queryClient }: { api: Api; auth: Auth; queryClient: QueryClient }) {
  const [router] = useState(createRouter);
  return (
    <AuthProvider auth={auth}>
      <ApiProvider api={api}>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </ApiProvider>
    </AuthProvider>
  );
}
