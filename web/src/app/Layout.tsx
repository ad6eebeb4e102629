import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { useAuth, useAuthState } from '../auth/AuthContext';

/** Header with the app's name, navigation and sign-out; the page below in `main`. */
export function Layout() {
  const auth = useAuth();
  const state = useAuthState();
  const queryClient = useQueryClient();
  // Signing out (or a token the API refused) forgets every view of the previous person.
  useEffect(() => {
    if (state.status === 'signed-out') queryClient.clear();
  }, [state.status, queryClient]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Backchannel
        </Link>
        {state.status === 'signed-in' && (
          <nav aria-label="Main">
            <NavLink to="/" end>
              Sessions
            </NavLink>
            <NavLink to="/profile">Profile</NavLink>
            <span className="who">{state.email}</span>
            <button type="button" className="link" onClick={() => void auth.signOut()}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}
