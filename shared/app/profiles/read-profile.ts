/** `GET /me` (openapi.yaml): the caller's profile; both fields null until the caller saves one. */
import type { Profile, ProfileStore } from '../../ports';
import type { Caller } from '../command';

export interface ProfileDeps {
  profiles: ProfileStore;
  clock: () => number;
}

export async function readProfile(deps: Pick<ProfileDeps, 'profiles'>, caller: Caller): Promise<Profile> {
  return (
    (await deps.profiles.get(caller.email)) ?? { email: caller.email, displayName: null, organization: null }
  );
}
