/**
 * Issuing an invitation (docs/rules.md, "People and roles"): shared by creating a session and by
 * inviting. At most 20 a session in any 24 h of the business clock; one open invitation per
 * address (a new one replaces it); the token is derived from the invitation's id with a secret key
 * and only its hash is stored.
 */
import { randomBytes } from 'node:crypto';
import type { Role } from '../../engine';
import { hashToken, type InvitationTokens } from '../invitation-token';
import type { OutboxRecord } from '../outbox';
import { Rejected } from '../rejections';
import type { Invitation, SessionRecord } from '../session-record';

export const INVITATION_VALID_MS = 14 * 24 * 3600_000;
export const INVITATIONS_PER_DAY = 20;
const DAY_MS = 24 * 3600_000;

export interface Issued {
  record: SessionRecord;
  invitation: Invitation;
  outbox: OutboxRecord;
}

export async function issueInvitation(
  tokens: InvitationTokens,
  record: SessionRecord,
  target: { email: string; role: Role; renewal?: boolean },
  by: { email: string; role: Role },
  now: number,
): Promise<Issued> {
  const inviteTimes = record.inviteTimes.filter((t) => t > now - DAY_MS);
  if (inviteTimes.length >= INVITATIONS_PER_DAY) {
    throw new Rejected('too_many_invitations', 'At most 20 invitations a session in any 24 hours.');
  }
  const id = randomBytes(16).toString('base64url');
  const invitation: Invitation = {
    id,
    email: target.email,
    role: target.role,
    invitedBy: by.email,
    invitedByRole: by.role,
    // The token is derived from the id (notify puts it in the email); only its hash is stored.
    tokenHash: hashToken(await tokens.tokenFor(id)),
    createdAt: now,
    validUntil: now + INVITATION_VALID_MS,
    ...(target.renewal ? { renewal: true } : {}),
  };
  const next: SessionRecord = {
    ...record,
    // One open invitation per address and session: a new one replaces it.
    invitations: [...record.invitations.filter((i) => i.email !== target.email), invitation],
    inviteTimes: [...inviteTimes, now],
  };
  const outbox: OutboxRecord = {
    id: `invitation-${id}`,
    sessionId: record.session.id,
    title: record.session.title,
    currency: record.session.currency,
    createdAt: now,
    notice: {
      template: 'invitation',
      to: [target.email],
      invitationId: id,
      role: target.role,
      invitedBy: by.email,
      validUntil: invitation.validUntil,
    },
    timers: [],
    cancelTimers: [],
  };
  return { record: next, invitation, outbox };
}
