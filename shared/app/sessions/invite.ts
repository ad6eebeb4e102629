/**
 * `POST /sessions/{id}/invitations` and `DELETE /sessions/{id}/invitations/{email}` (docs/rules.md,
 * "People and roles").
 */
import { effectivePhase, isEnded, isSide, mayInvite, type Role } from '../../engine';
import {
  type CommandDeps,
  loadAsMember,
  type PendingReceipt,
  runCommand,
  type SessionCommand,
} from '../command';
import type { InvitationTokens } from '../invitation-token';
import { forbidden, Rejected, sessionEnded } from '../rejections';
import { roleOf, type SessionRecord } from '../session-record';
import { isoSeconds } from '../views';
import { issueInvitation } from './issue-invitation';

export interface InvitationView {
  email: string;
  role: Role;
  expiresAt: string;
}

export interface InviteDeps extends CommandDeps {
  tokens: InvitationTokens;
}

export interface InviteInput {
  email: string;
  role: Role;
}

export function invite(
  deps: InviteDeps,
  command: SessionCommand<InviteInput> & {
    /** The role asked for, read before the body is validated: a 403 comes before a 400. */
    requestedRole?: string;
  },
  receipt?: PendingReceipt<InvitationView>,
): Promise<InvitationView> {
  const { caller } = command;
  return runCommand(deps, {
    actor: caller.email,
    load: () => loadAsMember(deps.store, command.sessionId, caller),
    decide: async ({ record, role }, now) => {
      const asked = command.requestedRole;
      if ((asked === 'claimant' || asked === 'respondent') && !mayInvite(record.session, role, asked)) {
        throw forbidden('Only that side’s members may invite to it.');
      }
      const input = command.input();
      if (isEnded(effectivePhase(record.session, now))) throw sessionEnded();
      if (roleOf(record, input.email))
        throw new Rejected('already_member', 'That address already holds a role.');
      if (input.role === 'mediator' && record.session.joined.mediator) {
        throw new Rejected('role_filled', 'The session already has a mediator.');
      }
      const issued = await issueInvitation(deps.tokens, record, input, { email: caller.email, role }, now);
      return {
        after: issued.record,
        outbox: [issued.outbox],
        result: {
          email: issued.invitation.email,
          role: issued.invitation.role,
          expiresAt: isoSeconds(issued.invitation.validUntil)!,
        },
      };
    },
    receipt,
  });
}

/**
 * Revokes an open invitation the caller could have issued: whoever issued it, a member of the
 * side whose member issued it, or anyone who could issue it now (e.g. the mediator, to a side
 * that is still empty). A side does not see invitations to the other side: one it may not revoke
 * looks like no invitation at all (404).
 */
export function revokeInvitation(
  deps: CommandDeps,
  command: SessionCommand<{ email: string }>,
  receipt?: PendingReceipt<null>,
): Promise<null> {
  const { caller } = command;
  return runCommand(deps, {
    actor: caller.email,
    load: () => loadAsMember(deps.store, command.sessionId, caller),
    decide: ({ record, role }) => {
      const address = command.input().email.trim().toLowerCase();
      const invitation = record.invitations.find((i) => i.email === address);
      const allowed =
        invitation !== undefined &&
        (invitation.invitedBy === caller.email ||
          (isSide(role) && invitation.invitedByRole === role) ||
          mayInvite(record.session, role, invitation.role));
      const visible =
        invitation !== undefined && (invitation.role === 'mediator' || invitation.role === role);
      if (!invitation || (!allowed && !visible)) {
        throw new Rejected('invitation_not_found', 'No open invitation for that address.');
      }
      if (!allowed) throw forbidden('You could not have issued that invitation.');
      const after: SessionRecord = {
        ...record,
        invitations: record.invitations.filter((i) => i !== invitation),
      };
      return { after, result: null };
    },
    receipt,
  });
}
