import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuthState } from '../auth/AuthContext';

/** Signed out: off to sign-in, which comes back here (an invitation link keeps its token). */
export function RequireAuth({ children }: { children: ReactNode }) {
  const state = useAuthState();
  const location = useLocation();
  if (state.status === 'signed-in') return children;
  const returnTo = `${location.pathname}${location.search}`;
  return <Navigate to={`/sign-in?returnTo=${encodeURIComponent(returnTo)}`} replace />;
}
