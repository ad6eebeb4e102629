/** `POST /sessions`: a user creates a session in a role and invites the first member of others. */
import { randomBytes } from 'node:crypto';
import { createSession, type Role } from '../../engine';
import { type Caller, type CommandDeps, decided, type PendingReceipt, runCommand } from '../command';
import type { InvitationTokens } from '../invitation-token';
import type { OutboxRecord } from '../outbox';
import { invalidInput } from '../rejections';
import type { SessionRecord } from '../session-record';
import { type SessionView, sessionView } from '../views';
import { issueInvitation } from './issue-invitation';

export interface CreateSessionInput {
  title: string;
  caseNumber?: string | null;
  currency: string;
  myRole: Role;
  invite: Partial<Record<Role, string>>;
  /** Epoch ms. */
  startsAt?: number | null;
  initialRoundSeconds?: number;
  adjustmentSeconds?: number;
  bonusPercent?: number;
  proposalGapPercent?: number;
}

export interface CreateSessionDeps extends CommandDeps {
  tokens: InvitationTokens;
  newId?: () => string;
}

/** Session ids: 128 random bits, base64url. */
export const newSessionId = () => randomBytes(16).toString('base64url');

export async function createSessionFor(
  deps: CreateSessionDeps,
  caller: Caller,
  input: CreateSessionInput,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  const invites = (Object.entries(input.invite) as [Role, string | undefined][]).filter(
    (entry): entry is [Role, string] => entry[1] !== undefined,
  );
  for (const [role, email] of invites) {
    if (role === input.myRole) throw invalidInput(`invite.${role}: you already hold that role.`);
    if (email === caller.email) throw invalidInput(`invite.${role}: you cannot invite yourself.`);
  }
  const emails = invites.map(([, email]) => email);
  if (new Set(emails).size !== emails.length) throw invalidInput('invite: one address may hold one role.');
  const id = (deps.newId ?? newSessionId)();
  return runCommand(deps, {
    actor: caller.email,
    load: async () => ({ record: null, role: input.myRole }),
    decide: async (_loaded, now) => {
      const created = decided(
        createSession(
          {
            id,
            title: input.title,
            caseNumber: input.caseNumber ?? null,
            currency: input.currency,
            creatorRole: input.myRole,
            startsAt: input.startsAt ?? null,
            initialRoundSeconds: input.initialRoundSeconds,
            adjustmentSeconds: input.adjustmentSeconds,
            bonusPercent: input.bonusPercent,
            proposalGapPercent: input.proposalGapPercent,
          },
          now,
        ),
      );
      let record: SessionRecord = {
        session: created.session,
        createdBy: caller.email,
        members: [{ email: caller.email, role: input.myRole, joinedAt: now }],
        invitations: [],
        inviteTimes: [],
        sealed: {},
        latest: { claimant: null, respondent: null },
        rev: 0,
      };
      const outbox: OutboxRecord[] = [];
      for (const [role, email] of invites) {
        const issued = await issueInvitation(
          deps.tokens,
          record,
          { email, role },
          { email: caller.email, role: input.myRole },
          now,
        );
        record = issued.record;
        outbox.push(issued.outbox);
      }
      return {
        after: record,
        events: created.events,
        outbox,
        result: sessionView(record, input.myRole, now),
      };
    },
    receipt,
  });
}
