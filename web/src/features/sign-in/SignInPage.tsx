import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { useAuth, useAuthState } from '../../auth/AuthContext';
import { safeReturnTo } from '../../auth/auth';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { usePageTitle } from '../../ui/usePageTitle';

/**
 * Sign-in. Locally: an email address, a token from the local runtime. On AWS: the Cognito hosted
 * UI. Either way it returns to `?returnTo=` (an invitation link, say) afterwards.
 */
export function SignInPage() {
  const auth = useAuth();
  const state = useAuthState();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  const emailId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  usePageTitle('Sign in');
  useEffect(() => heading.current?.focus(), []);
  const signIn = useMutation({
    mutationFn: async (email: string) => {
      if (auth.signInWithEmail) await auth.signInWithEmail(email);
      else await auth.signInRedirect?.(returnTo);
    },
  });

  if (state.status === 'signed-in') return <Navigate to={returnTo} replace />;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = new FormData(event.currentTarget).get('email');
    signIn.mutate(typeof email === 'string' ? email : '');
  };

  return (
    <section className="narrow">
      <h1 ref={heading} tabIndex={-1}>
        Sign in
      </h1>
      {returnTo.startsWith('/invite') && <p>Sign in to see your invitation.</p>}
      {params.get('failed') && <p role="alert">Sign-in did not complete. Please try again.</p>}
      <form onSubmit={onSubmit}>
        {auth.kind === 'local' && (
          <div className="field">
            <label htmlFor={emailId}>Email</label>
            <input id={emailId} name="email" type="email" autoComplete="email" required />
          </div>
        )}
        <button type="submit" disabled={signIn.isPending}>
          Sign in
        </button>
      </form>
      <ErrorMessage error={signIn.error} />
    </section>
  );
}
