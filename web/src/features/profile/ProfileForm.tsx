import { type FormEvent, useId, useState } from 'react';
import type { Profile } from '../../api/client';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { useSaveProfile } from './useProfile';

interface Draft {
  displayName: string;
  organization: string;
}

const fromProfile = (profile: Profile): Draft => ({
  displayName: profile.displayName ?? '',
  organization: profile.organization ?? '',
});

/**
 * The display name and organization. Only what the person is typing is kept here (the draft);
 * until they type, and again after a save, the fields show the profile as the API has it. The
 * API checks the values (lengths, characters) and its sentence is shown when it refuses them.
 */
export function ProfileForm({ profile }: { profile: Profile }) {
  const save = useSaveProfile();
  const [draft, setDraft] = useState<Draft | null>(null);
  const shown = draft ?? fromProfile(profile);
  const nameId = useId();
  const organizationId = useId();

  const edit = (change: Partial<Draft>) => setDraft({ ...shown, ...change });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const organization = shown.organization.trim();
    save.mutate(
      { displayName: shown.displayName, organization: organization === '' ? null : shown.organization },
      { onSuccess: () => setDraft(null) },
    );
  };

  return (
    <form onSubmit={onSubmit} aria-labelledby={`${nameId}-heading`}>
      <h2 id={`${nameId}-heading`}>How others see you</h2>
      <div className="field">
        <label htmlFor={nameId}>Display name</label>
        <input
          id={nameId}
          name="displayName"
          autoComplete="name"
          value={shown.displayName}
          onChange={(e) => edit({ displayName: e.target.value })}
          aria-describedby={`${nameId}-hint`}
        />
        <p id={`${nameId}-hint`} className="hint">
          Shown beside your email to everyone in your sessions.
        </p>
      </div>
      <div className="field">
        <label htmlFor={organizationId}>Organization</label>
        <input
          id={organizationId}
          name="organization"
          autoComplete="organization"
          value={shown.organization}
          onChange={(e) => edit({ organization: e.target.value })}
          aria-describedby={`${organizationId}-hint`}
        />
        <p id={`${organizationId}-hint`} className="hint">
          Optional. Leave empty to remove it.
        </p>
      </div>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save
        </button>
        <p role="status">{save.isSuccess && draft === null ? 'Saved' : ''}</p>
      </div>
      <ErrorMessage error={save.error} prefix="Your profile was not saved." />
    </form>
  );
}
