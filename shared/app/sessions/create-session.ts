/** `POST /sessions`: a user creates a session in a role and invites the first member of others. */
import { randomBytes } from 'node:crypto';
import type { DomainEvent } from '../../engine';
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

/**
 * Where a new session sits in its matter (docs/rules.md, "Across the life of a case"): a new
 * matter, or the next session of one (negotiating again).
 */
export interface MatterLink {
  matterId: string;
  previousSessionId: string | null;
}

export interface CreateSessionDeps extends CommandDeps {
  tokens: InvitationTokens;
  newId?: () => string;
}

/** Session and matter ids: 128 random bits, base64url. */
export const newSessionId = () => randomBytes(16).toString('base64url');

/** Refuses invitations to the caller, to the caller's own role, or one address to two roles. */
function invitesOf(caller: Caller, input: Pick<CreateSessionInput, 'invite' | 'myRole'>): Invitee[] {
  const invites = (Object.entries(input.invite) as [Role, string | undefined][]).filter(
    (entry): entry is [Role, string] => entry[1] !== undefined,
  );
  for (const [role, email] of invites) {
    if (role === input.myRole) throw invalidInput(`invite.${role}: you already hold that role.`);
    if (email === caller.email) throw invalidInput(`invite.${role}: you cannot invite yourself.`);
  }
  const emails = invites.map(([, email]) => email);
  if (new Set(emails).size !== emails.length) throw invalidInput('invite: one address may hold one role.');
  return invites.map(([role, email]) => ({ email, role }));
}

/** Someone a new session invites; `renewal`: invited again by negotiating again (issue-invitation.ts). */
export interface Invitee {
  email: string;
  role: Role;
  renewal?: boolean;
}

export interface NewSession {
  record: SessionRecord;
  events: DomainEvent[];
  outbox: OutboxRecord[];
}

/**
 * A new session in `matter`, decided by the engine: the caller holds `myRole`, every invited
 * address has its invitation (and its email in the outbox). Used by `POST /sessions` and by
 * negotiating again (negotiate-again.ts).
 */
export async function newSession(
  tokens: InvitationTokens,
  caller: Caller,
  input: CreateSessionInput,
  matter: MatterLink & { id: string },
  now: number,
  invites: Invitee[],
): Promise<NewSession> {
  const created = decided(
    createSession(
      {
        id: matter.id,
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
    matterId: matter.matterId,
    previousSessionId: matter.previousSessionId,
    nextSessionId: null,
    createdBy: caller.email,
    members: [{ email: caller.email, role: input.myRole, joinedAt: now }],
    invitations: [],
    inviteTimes: [],
    sealed: {},
    latest: { claimant: null, respondent: null },
    rev: 0,
  };
  const outbox: OutboxRecord[] = [];
  for (const invitee of invites) {
    const issued = await issueInvitation(
      tokens,
      record,
      invitee,
      { email: caller.email, role: input.myRole },
      now,
    );
    record = issued.record;
    outbox.push(issued.outbox);
  }
  return { record, events: created.events, outbox };
}

/** `POST /sessions`: a new session in a new matter. */
export async function createSessionFor(
  deps: CreateSessionDeps,
  caller: Caller,
  input: CreateSessionInput,
  receipt?: PendingReceipt<SessionView>,
): Promise<SessionView> {
  // Checked before anything else: a bad invitation list is a 400 that changes nothing.
  const invites = invitesOf(caller, input);
  const id = (deps.newId ?? newSessionId)();
  const matterId = newSessionId();
  return runCommand(deps, {
    actor: caller.email,
    load: async () => ({ record: null, role: input.myRole }),
    names: { also: [caller.email, ...invites.map((i) => i.email)] },
    decide: async (_loaded, now, names) => {
      const { record, events, outbox } = await newSession(
        deps.tokens,
        caller,
        input,
        { id, matterId, previousSessionId: null },
        now,
        invites,
      );
      return { after: record, events, outbox, result: sessionView(record, input.myRole, now, null, names) };
    },
    receipt,
  });
}
