import { useAuth, useAuthState } from '../../auth/AuthContext';
import { usePageTitle } from '../../ui/usePageTitle';

/** The signed-in person. Profile fields (display name, organisation) arrive with profiles. */
export function ProfilePage() {
  const auth = useAuth();
  const state = useAuthState();
  usePageTitle('Profile');
  return (
    <section className="narrow">
      <h1>Profile</h1>
      <dl className="facts">
        <div>
          <dt>Email</dt>
          <dd>{state.status === 'signed-in' ? state.email : ''}</dd>
        </div>
        <div>
          <dt>Signed in with</dt>
          <dd>{auth.kind === 'local' ? 'the local runtime (development)' : 'your account'}</dd>
        </div>
      </dl>
      <button type="button" onClick={() => void auth.signOut()}>
        Sign out
      </button>
    </section>
  );
}
