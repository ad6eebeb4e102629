/**
 * `POST /invitations/accept` and `POST /invitations/preview` (docs/rules.md, "People and roles"):
 * an invitation is a single-use link bound to the invited address. An invalid token is checked
 * before the address (410 before 403).
 */
import { effectivePhase, isEnded, joinSession, type Role } from '../../engine';
import type { AnswerOpener, SessionStore } from '../../ports';
import {
  type Caller,
  type CommandDeps,
  decided,
  namesFor,
  type PendingReceipt,
  runCommand,
} from '../command';
import { hashToken } from '../invitation-token';
import { myAnswer } from '../my-answer';
import { Rejected } from '../rejections';
import { type Invitation, roleOf, type SessionRecord } from '../session-record';
import { isoSeconds, type SessionView, sessionView } from '../views';

const invalid = () =>
  new Rejected('invitation_invalid', 'This invitation is unknown, used, expired or revoked.');

/** The open invitation a token stands for, checked as accepting would check it. */
async function openInvitation(
  store: SessionStore,
  caller: Caller,
  token: string,
  now: () => number,
): Promise<{ record: SessionRecord; invitation: Invitation; now: number }> {
  const tokenHash = hashToken(token);
  const found = await store.findInvitation(tokenHash);
  const record = found ? await store.load(found.sessionId) : null;
  const invitation = record?.invitations.find((i) => i.tokenHash === tokenHash);
  const at = now();
  if (!record || !invitation || invitation.validUntil <= at || isEnded(effectivePhase(record.session, at))) {
    throw invalid();
  }
  if (invitation.email !== caller.email) {
    throw new Rejected('invitation_other_address', 'This invitation was sent to another address.');
  }
  if (roleOf(record, caller.email)) {
    throw new Rejected('already_member', 'You already hold a role in this session.');
  }
  if (invitation.role === 'mediator' && record.session.joined.mediator) {
    throw new Rejected('role_filled', 'The session already has a mediator.');
  }
  return { record, invitation, now: at };
}

export function acceptInvitation(
  deps: CommandDeps & { answers: AnswerOpener },
  caller: Caller,
  input: { token: string },
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  return runCommand(deps, {
    actor: caller.email,
    load: async () => {
      const { record, invitation } = await openInvitation(deps.store, caller, input.token, deps.clock);
      return { record, role: invitation.role, invitation };
    },
    names: {},
    decide: async ({ record, invitation }, now, names) => {
      const role = invitation.role;
      const joined = decided(joinSession(record.session, role, now));
      const firstOfRole = !record.session.joined[role];
      // The first member of a role takes it over: invitations to it issued by anyone else die.
      const after: SessionRecord = {
        ...record,
        session: joined.session,
        members: [...record.members, { email: caller.email, role, joinedAt: now }],
        invitations: record.invitations.filter(
          (i) => i !== invitation && !(firstOfRole && i.role === role && !i.renewal),
        ),
      };
      // A member joining a side that has answered the latest proposal sees its side's answer.
      const answer = await myAnswer(deps.answers, after, role, now);
      return { after, events: joined.events, result: sessionView(after, role, now, answer, names) };
    },
    receipt,
  });
}

export interface InvitationPreview {
  title: string;
  caseNumber: string | null;
  currency: string;
  role: Role;
  invitedBy: { email: string; displayName: string | null };
  bonusPercent: number;
  proposalGapPercent: number;
  initialRoundSeconds: number;
  adjustmentSeconds: number;
  startsAt: string | null;
  expiresAt: string;
}

/**
 * What an invited person sees before accepting: the session's title and rules. It changes
 * nothing, never carries the session id, and does not make the caller a member.
 */
export async function previewInvitation(
  deps: Pick<CommandDeps, 'store' | 'clock' | 'profiles'>,
  caller: Caller,
  input: { token: string },
): Promise<InvitationPreview> {
  const { record, invitation } = await openInvitation(deps.store, caller, input.token, deps.clock);
  const { session } = record;
  const names = await namesFor(deps, null, [invitation.invitedBy]);
  return {
    title: session.title,
    caseNumber: session.caseNumber,
    currency: session.currency,
    role: invitation.role,
    invitedBy: { email: invitation.invitedBy, displayName: names.get(invitation.invitedBy) ?? null },
    bonusPercent: session.bonusPercent,
    proposalGapPercent: session.proposalGapPercent,
    initialRoundSeconds: session.initialRoundSeconds,
    adjustmentSeconds: session.adjustmentSeconds,
    startsAt: isoSeconds(session.initialRoundStartsAt ?? session.requestedStartsAt),
    expiresAt: isoSeconds(invitation.validUntil)!,
  };
}
