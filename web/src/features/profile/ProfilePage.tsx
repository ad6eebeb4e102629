import { useAuth, useAuthState } from '../../auth/AuthContext';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { usePageTitle } from '../../ui/usePageTitle';
import { ProfileForm } from './ProfileForm';
import { useProfile } from './useProfile';

/** The signed-in person: the email, the profile (`GET/PUT /me`) and sign-out. */
export function ProfilePage() {
  const auth = useAuth();
  const state = useAuthState();
  const profile = useProfile();
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
      {profile.isPending && <p>Loading your profile…</p>}
      <ErrorMessage error={profile.error} prefix="Your profile could not be loaded." />
      {profile.data && <ProfileForm profile={profile.data} />}
      <button type="button" onClick={() => void auth.signOut()}>
        Sign out
      </button>
    </section>
  );
}
