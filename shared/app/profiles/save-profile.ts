/**
 * `PUT /me` (openapi.yaml; docs/rules.md, "Profiles"): replaces the caller's display name and
 * organization. The input is validated before anything is written (`input()` throws the 400);
 * a save with an Idempotency-Key commits its receipt in the same transaction.
 */
import type { Profile } from '../../ports';
import type { Caller, PendingReceipt } from '../command';
import type { ProfileDeps } from './read-profile';

export interface ProfileInput {
  displayName: string;
  /** Absent, null or empty: no organization. */
  organization?: string | null | undefined;
}

export async function saveProfile(
  deps: ProfileDeps,
  command: { caller: Caller; input: () => ProfileInput },
  receipt?: PendingReceipt<Profile>,
): Promise<Profile> {
  const { displayName, organization } = command.input();
  const profile: Profile = {
    email: command.caller.email,
    displayName,
    organization: organization ? organization : null,
  };
  const pending = await receipt;
  await deps.profiles.save(profile, deps.clock(), pending ? [pending.with(profile)] : []);
  return profile;
}
