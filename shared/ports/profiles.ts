/**
 * A user's profile (docs/rules.md, "Profiles"): the name and organization a person chose to show.
 * Stored per user, keyed by the verified email; never holds a number. Adapter:
 * shared/adapters/dynamodb/profile-store.ts; in-memory twin: test/support/memory-profiles.ts.
 */
import type { AtomicWrite } from './store';

export interface Profile {
  email: string;
  /** Null until the user sets one. */
  displayName: string | null;
  organization: string | null;
}

/** Display names by email, for the people a view shows (only those who set one). */
export interface DisplayNameSource {
  displayNames(emails: string[]): Promise<ReadonlyMap<string, string>>;
}

export interface ProfileStore extends DisplayNameSource {
  /** The user's profile, or null when the user never saved one. */
  get(email: string): Promise<Profile | null>;
  /** Saves the whole profile (the last save wins), with the request's receipt in one transaction. */
  save(profile: Profile, now: number, atomically: AtomicWrite[]): Promise<void>;
}
