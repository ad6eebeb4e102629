import { type FormEvent, useId, useState } from 'react';
import type { Role } from '../../../api/client';
import { ROLE_NAMES } from '../../../domain/phase';
import { ErrorMessage } from '../../../ui/ErrorMessage';
import { useInvite } from './useMembers';

/** Invite someone by email to a role; the API decides who may invite to which role. */
export function InviteForm({ sessionId }: { sessionId: string }) {
  const invite = useInvite(sessionId);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const emailId = useId();
  const roleId = useId();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const email = String(data.get('email') ?? '').trim();
    setSentTo(null);
    invite.mutate(
      { email, role: String(data.get('role')) as Role },
      {
        onSuccess: () => {
          setSentTo(email);
          form.reset();
        },
      },
    );
  };
  return (
    <form onSubmit={onSubmit} className="inline-form" aria-labelledby={`${emailId}-legend`}>
      <h3 id={`${emailId}-legend`}>Invite someone</h3>
      <div className="field">
        <label htmlFor={emailId}>Email address to invite</label>
        <input id={emailId} name="email" type="email" required autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={roleId}>Role to invite to</label>
        <select id={roleId} name="role" defaultValue="respondent">
          {(['claimant', 'respondent', 'mediator'] as const).map((role) => (
            <option key={role} value={role}>
              {ROLE_NAMES[role]}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={invite.isPending}>
        Send invitation
      </button>
      {sentTo && <p aria-live="polite">An invitation was emailed to {sentTo}.</p>}
      <ErrorMessage error={invite.error} prefix="The invitation was not sent." />
    </form>
  );
}
