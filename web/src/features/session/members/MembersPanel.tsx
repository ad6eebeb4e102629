import type { MemberView, SessionView, Side } from '../../../api/client';
import { isEnded } from '../../../domain/phase';
import { ErrorMessage } from '../../../ui/ErrorMessage';
import { InviteForm } from './InviteForm';
import { useRevokeInvitation } from './useMembers';

/** "Alice Park <alice@…>" when the person has set a display name (`PUT /me`), else the email. */
function MemberName({ member }: { member: MemberView }) {
  if (!member.displayName) return <>{member.email}</>;
  return (
    <>
      <span className="member-name">{member.displayName}</span>{' '}
      <small className="muted">&lt;{member.email}&gt;</small>
    </>
  );
}

function MemberList({ members, onRevoke }: { members: MemberView[]; onRevoke?: (email: string) => void }) {
  if (members.length === 0) return <p className="muted">Nobody has joined yet.</p>;
  return (
    <ul className="members">
      {members.map((m) => (
        <li key={m.email}>
          <MemberName member={m} />{' '}
          {m.status === 'invited' && (
            <>
              <span className="badge">invited</span>
              {onRevoke && (
                <button
                  type="button"
                  className="link"
                  aria-label={`Revoke the invitation to ${m.email}`}
                  onClick={() => onRevoke(m.email)}
                >
                  Revoke
                </button>
              )}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

const SIDE_TITLES: Record<Side, string> = { claimant: 'Claimant side', respondent: 'Respondent side' };

/** Who is in the session, whether each side has a number, and the invitations the caller may see. */
export function MembersPanel({ view }: { view: SessionView }) {
  const revoke = useRevokeInvitation(view.id);
  const ended = isEnded(view.phase);
  const onRevoke = ended ? undefined : (email: string) => revoke.mutate(email);
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">People</h2>
      <div className="columns">
        {(['claimant', 'respondent'] as const).map((side) => (
          <div key={side}>
            <h3>
              {SIDE_TITLES[side]}
              {view.myRole === side ? ' (yours)' : ''}
            </h3>
            <p>{view.sides[side].hasNumber ? 'Has entered a number.' : 'No number yet.'}</p>
            <MemberList members={view.sides[side].members} {...(onRevoke ? { onRevoke } : {})} />
          </div>
        ))}
        <div>
          <h3>Mediator{view.myRole === 'mediator' ? ' (you)' : ''}</h3>
          {view.mediator ? (
            <MemberList members={[view.mediator]} {...(onRevoke ? { onRevoke } : {})} />
          ) : (
            <p className="muted">No mediator.</p>
          )}
        </div>
      </div>
      <ErrorMessage error={revoke.error} prefix="The invitation was not revoked." />
      {!ended && <InviteForm sessionId={view.id} />}
    </section>
  );
}
