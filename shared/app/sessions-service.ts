/**
 * The use cases behind the HTTP routes of SPEC §3. Each is read → engine decides → one
 * conditional transaction, retried on conflict. Checks answer in the order of SPEC §3:
 * 404 not a member → 403 role → 400 input → 409 phase.
 */
import { randomBytes } from 'node:crypto';
import {
  acceptTerms,
  createSession,
  effectivePhase,
  isEnded,
  isRejection,
  isSide,
  joinSession,
  mayInvite,
  proposeTerms,
  type Rejection,
  type Result,
  type Role,
  type Session,
  type Side,
  submitNumber,
  withdraw,
} from '../engine';
import {
  conflict,
  forbidden,
  HttpError,
  type HttpResult,
  invalidInput,
  sessionNotFound,
  unavailable,
} from '../http/errors';
import type { IdempotencyGuard } from '../http/idempotency';
import {
  acceptInvitationBody,
  acceptTermsBody,
  createSessionBody,
  inviteBody,
  numberBody,
  parseBody,
  peekField,
  termsBody,
  withdrawBody,
} from '../http/schemas';
import type { Clock, Sealer } from '../ports';
import { hashToken, type InvitationTokens } from './invitation-token';
import type { OutboxRecord } from './outbox';
import {
  type Invitation,
  invitationSk,
  memberSk,
  roleOf,
  type SessionRecord,
  sessionPk,
  tokenGsiPk,
  userGsiPk,
} from './session-record';
import { type Change, retryOnConflict, type SessionStore, type TransactItem } from './session-store';
import { isoSeconds, sessionView } from './views';

export interface Caller {
  email: string;
}

export const INVITATION_VALID_MS = 14 * 24 * 3600_000;
export const INVITATIONS_PER_DAY = 20;
const DAY_MS = 24 * 3600_000;
/** How long a withdrawal waits for earlier numbers to be evaluated before answering 503. */
export const WITHDRAW_WAIT_MS = 3_000;

/** Session ids: 128 random bits, base64url. */
export const newSessionId = () => randomBytes(16).toString('base64url');

const REJECTION_STATUS: Record<Rejection['rejected'], number> = {
  invalid_input: 400,
  forbidden: 403,
  round_not_open: 409,
  session_ended: 409,
  terms_closed: 409,
  terms_changed: 409,
  evaluation_pending: 503,
  nothing_to_evaluate: 409,
};

/** Turns an engine rejection into the HTTP error of SPEC §3. */
export function rejectionError(rejection: Rejection): HttpError {
  return new HttpError(REJECTION_STATUS[rejection.rejected], rejection.rejected, rejection.message);
}

function decided(result: Result) {
  if (isRejection(result)) throw rejectionError(result);
  return result;
}

/**
 * What a session id can look like (ours are 22 base64url characters). Anything else is answered
 * 404 without a read: an over-long key would make DynamoDB fail the request (a 503).
 */
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Loads a session the caller belongs to, or 404 (never a hint that it exists). */
async function loadAsMember(
  store: SessionStore,
  id: string,
  caller: Caller,
): Promise<{ record: SessionRecord; role: Role }> {
  if (!SESSION_ID.test(id)) throw sessionNotFound();
  const record = await store.load(id);
  const role = record ? roleOf(record, caller.email) : null;
  if (!record || !role) throw sessionNotFound();
  return { record, role };
}

/** What a mutation decided: the change to commit (if any) and the response to give. */
interface Decision {
  change?: Omit<Change, 'expectedRev' | 'actor' | 'now'>;
  response: HttpResult;
}

export interface SessionsServiceDeps {
  store: SessionStore;
  clock: Clock;
  tokens: InvitationTokens;
  newId?: () => string;
}

export class SessionsService {
  private readonly store: SessionStore;
  private readonly clock: Clock;
  private readonly newId: () => string;
  private readonly tokens: InvitationTokens;

  constructor(deps: SessionsServiceDeps) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.tokens = deps.tokens;
    this.newId = deps.newId ?? newSessionId;
  }

  // ------------------------------------------------------------------------------------------
  // Plumbing
  // ------------------------------------------------------------------------------------------

  loadAsMember(id: string, caller: Caller): Promise<{ record: SessionRecord; role: Role }> {
    return loadAsMember(this.store, id, caller);
  }

  /**
   * Read → decide → commit, retried on conflict. The idempotency record, if any, is written in
   * the same transaction as the change (or alone when nothing changed).
   */
  private async mutate(
    caller: Caller,
    guard: IdempotencyGuard | null,
    attempt: (now: number) => Promise<{ record: SessionRecord | null; role?: Role; decision: Decision }>,
  ): Promise<HttpResult> {
    return retryOnConflict(async () => {
      const now = this.clock();
      const { record, role, decision } = await attempt(now);
      const { change, response } = decision;
      if (!change) {
        if (guard) await guard.completeAlone(response);
        return response;
      }
      await this.store.commit({
        ...change,
        expectedRev: record ? record.rev : null,
        actor: { by: caller.email, ...(role ? { role } : {}) },
        now,
        extra: [...(change.extra ?? []), ...(guard ? [guard.completeWith(response)] : [])],
      });
      return response;
    });
  }

  private view(record: SessionRecord, role: Role, now: number, statusCode = 200): HttpResult {
    return { statusCode, body: sessionView(record, role, now) };
  }

  // ------------------------------------------------------------------------------------------
  // Sessions
  // ------------------------------------------------------------------------------------------

  async create(
    caller: Caller,
    rawBody: string | undefined,
    guard: IdempotencyGuard | null,
  ): Promise<HttpResult> {
    const body = parseBody(createSessionBody, rawBody);
    const invites = Object.entries(body.invite).filter(([, email]) => email !== undefined) as [
      Role,
      string,
    ][];
    for (const [role, email] of invites) {
      if (role === body.myRole) throw invalidInput(`invite.${role}: you already hold that role.`);
      if (email === caller.email) throw invalidInput(`invite.${role}: you cannot invite yourself.`);
    }
    const emails = invites.map(([, e]) => e);
    if (new Set(emails).size !== emails.length) throw invalidInput('invite: one address may hold one role.');
    const id = this.newId();
    return this.mutate(caller, guard, async (now) => {
      const created = decided(
        createSession(
          {
            id,
            title: body.title,
            caseNumber: body.caseNumber ?? null,
            currency: body.currency,
            creatorRole: body.myRole,
            startsAt: body.startsAt ? Date.parse(body.startsAt) : null,
            initialRoundSeconds: body.initialRoundSeconds,
            adjustmentSeconds: body.adjustmentSeconds,
            bonusPercent: body.bonusPercent,
          },
          now,
        ),
      );
      let record: SessionRecord = {
        session: created.session,
        createdBy: caller.email,
        members: [{ email: caller.email, role: body.myRole, joinedAt: now }],
        invitations: [],
        inviteTimes: [],
        sealed: {},
        latest: { claimant: null, respondent: null },
        rev: 0,
      };
      const extra: TransactItem[] = [this.memberIndexItem(record, caller.email, body.myRole)];
      const outbox: OutboxRecord[] = [];
      for (const [role, email] of invites) {
        const issued = await this.issueInvitation(record, { email, role }, caller.email, body.myRole, now);
        record = issued.record;
        extra.push(issued.indexItem);
        outbox.push(issued.outbox);
      }
      return {
        record: null,
        role: body.myRole,
        decision: {
          change: { record, events: created.events, extra, outbox },
          response: this.view(record, body.myRole, now, 201),
        },
      };
    });
  }

  async list(caller: Caller): Promise<HttpResult> {
    const now = this.clock();
    const records = await this.store.listForUser(caller.email);
    const sessions = records
      .sort((a, b) => b.session.createdAt - a.session.createdAt || (a.session.id < b.session.id ? 1 : -1))
      .map((r) => sessionView(r, roleOf(r, caller.email)!, now));
    return { statusCode: 200, body: { sessions } };
  }

  async get(caller: Caller, id: string): Promise<HttpResult> {
    const { record, role } = await this.loadAsMember(id, caller);
    return this.view(record, role, this.clock());
  }

  // ------------------------------------------------------------------------------------------
  // Invitations (SPEC §2.5)
  // ------------------------------------------------------------------------------------------

  private memberIndexItem(record: SessionRecord, email: string, role: Role): TransactItem {
    const { session } = record;
    return {
      Put: {
        TableName: this.store.tableName,
        Item: {
          pk: sessionPk(session.id),
          sk: memberSk(email),
          type: 'member',
          sessionId: session.id,
          email,
          role,
          gsi1pk: userGsiPk(email),
          gsi1sk: `${new Date(session.createdAt).toISOString()}#${session.id}`,
        },
      },
    };
  }

  private async issueInvitation(
    record: SessionRecord,
    target: { email: string; role: Role },
    by: string,
    byRole: Role,
    now: number,
  ): Promise<{ record: SessionRecord; indexItem: TransactItem; outbox: OutboxRecord }> {
    const inviteTimes = record.inviteTimes.filter((t) => t > now - DAY_MS);
    if (inviteTimes.length >= INVITATIONS_PER_DAY) {
      throw new HttpError(429, 'too_many_invitations', 'At most 20 invitations a session in any 24 hours.');
    }
    const invitationId = randomBytes(16).toString('base64url');
    const invitation: Invitation = {
      id: invitationId,
      email: target.email,
      role: target.role,
      invitedBy: by,
      invitedByRole: byRole,
      // The token is derived from the id (notify puts it in the email); only its hash is stored.
      tokenHash: hashToken(await this.tokens.tokenFor(invitationId)),
      createdAt: now,
      validUntil: now + INVITATION_VALID_MS,
    };
    const next: SessionRecord = {
      ...record,
      // One open invitation per address and session: a new one replaces it.
      invitations: [...record.invitations.filter((i) => i.email !== target.email), invitation],
      inviteTimes: [...inviteTimes, now],
    };
    const indexItem: TransactItem = {
      Put: {
        TableName: this.store.tableName,
        Item: {
          pk: sessionPk(record.session.id),
          sk: invitationSk(target.email),
          type: 'invitation',
          sessionId: record.session.id,
          email: target.email,
          gsi2pk: tokenGsiPk(invitation.tokenHash),
          expiresAt: Math.ceil(invitation.validUntil / 1000),
        },
      },
    };
    const outbox: OutboxRecord = {
      id: `invitation-${invitation.id}`,
      sessionId: record.session.id,
      title: record.session.title,
      currency: record.session.currency,
      createdAt: now,
      notice: {
        template: 'invitation',
        to: [target.email],
        invitationId: invitation.id,
        role: target.role,
        invitedBy: by,
        validUntil: invitation.validUntil,
      },
      timers: [],
      cancelTimers: [],
    };
    return { record: next, indexItem, outbox };
  }

  async invite(
    caller: Caller,
    id: string,
    rawBody: string | undefined,
    guard: IdempotencyGuard | null,
  ): Promise<HttpResult> {
    return this.mutate(caller, guard, async (now) => {
      const { record, role } = await this.loadAsMember(id, caller);
      const requestedRole = peekField(rawBody, 'role');
      if (
        (requestedRole === 'claimant' || requestedRole === 'respondent') &&
        !mayInvite(record.session, role, requestedRole)
      ) {
        throw forbidden('Only that side’s members may invite to it.');
      }
      const body = parseBody(inviteBody, rawBody);
      if (isEnded(effectivePhase(record.session, now)))
        throw conflict('session_ended', 'The session has ended.');
      if (roleOf(record, body.email)) throw conflict('already_member', 'That address already holds a role.');
      if (body.role === 'mediator' && record.session.joined.mediator) {
        throw conflict('role_filled', 'The session already has a mediator.');
      }
      const issued = await this.issueInvitation(record, body, caller.email, role, now);
      const invitation = issued.record.invitations.at(-1)!;
      return {
        record,
        role,
        decision: {
          change: { record: issued.record, events: [], extra: [issued.indexItem], outbox: [issued.outbox] },
          response: {
            statusCode: 201,
            body: {
              email: invitation.email,
              role: invitation.role,
              expiresAt: isoSeconds(invitation.validUntil),
            },
          },
        },
      };
    });
  }

  async revokeInvitation(
    caller: Caller,
    id: string,
    email: string,
    guard: IdempotencyGuard | null,
  ): Promise<HttpResult> {
    const address = email.trim().toLowerCase();
    return this.mutate(caller, guard, async () => {
      const { record, role } = await this.loadAsMember(id, caller);
      const invitation = record.invitations.find((i) => i.email === address);
      // SPEC §2.5: a side may revoke its own members' invitations, and anyone may revoke an open
      // invitation they could have issued now (e.g. the mediator, to a side that is still empty).
      const allowed =
        invitation !== undefined &&
        (invitation.invitedBy === caller.email ||
          (isSide(role) && invitation.invitedByRole === role) ||
          mayInvite(record.session, role, invitation.role));
      // A side sees only its own invitations and the mediator seat's: anything else it may not
      // revoke looks like no invitation at all.
      const visible =
        invitation !== undefined && (invitation.role === 'mediator' || invitation.role === role);
      if (!invitation || (!allowed && !visible)) {
        throw new HttpError(404, 'invitation_not_found', 'No open invitation for that address.');
      }
      if (!allowed) throw forbidden('You could not have issued that invitation.');
      const next: SessionRecord = {
        ...record,
        invitations: record.invitations.filter((i) => i !== invitation),
      };
      return {
        record,
        role,
        decision: {
          change: {
            record: next,
            events: [],
            extra: [
              {
                Delete: {
                  TableName: this.store.tableName,
                  Key: { pk: sessionPk(id), sk: invitationSk(address) },
                },
              },
            ],
          },
          response: { statusCode: 204 },
        },
      };
    });
  }

  async acceptInvitation(
    caller: Caller,
    rawBody: string | undefined,
    guard: IdempotencyGuard | null,
  ): Promise<HttpResult> {
    const { token } = parseBody(acceptInvitationBody, rawBody);
    const tokenHash = hashToken(token);
    const invalid = () =>
      new HttpError(410, 'invitation_invalid', 'This invitation is unknown, used, expired or revoked.');
    return this.mutate(caller, guard, async (now) => {
      const found = await this.store.findInvitation(tokenHash);
      const record = found ? await this.store.load(found.sessionId) : null;
      const invitation = record?.invitations.find((i) => i.tokenHash === tokenHash);
      if (
        !record ||
        !invitation ||
        invitation.validUntil <= now ||
        isEnded(effectivePhase(record.session, now))
      ) {
        throw invalid();
      }
      if (invitation.email !== caller.email) {
        throw new HttpError(403, 'invitation_other_address', 'This invitation was sent to another address.');
      }
      if (roleOf(record, caller.email))
        throw conflict('already_member', 'You already hold a role in this session.');
      if (invitation.role === 'mediator' && record.session.joined.mediator) {
        throw conflict('role_filled', 'The session already has a mediator.');
      }
      const joined = decided(joinSession(record.session, invitation.role, now));
      const firstOfRole = !record.session.joined[invitation.role];
      // The first member of a role takes it over: invitations to it issued by anyone else die.
      const dropped = record.invitations.filter(
        (i) => i === invitation || (firstOfRole && i.role === invitation.role),
      );
      const next: SessionRecord = {
        ...record,
        session: joined.session,
        members: [...record.members, { email: caller.email, role: invitation.role, joinedAt: now }],
        invitations: record.invitations.filter((i) => !dropped.includes(i)),
      };
      const ended = Boolean(next.session.outcome || next.session.ended);
      return {
        record,
        role: invitation.role,
        decision: {
          change: {
            record: next,
            events: joined.events,
            extra: [
              this.memberIndexItem(record, caller.email, invitation.role),
              ...(ended
                ? []
                : dropped.map(
                    (i): TransactItem => ({
                      Delete: {
                        TableName: this.store.tableName,
                        Key: { pk: sessionPk(record.session.id), sk: invitationSk(i.email) },
                      },
                    }),
                  )),
            ],
          },
          response: this.view(next, invitation.role, now),
        },
      };
    });
  }

  // ------------------------------------------------------------------------------------------
  // Step 1: terms
  // ------------------------------------------------------------------------------------------

  /** A member's command that only moves the engine's session: decide, commit, answer the view. */
  private transition(
    caller: Caller,
    id: string,
    guard: IdempotencyGuard | null,
    decide: (record: SessionRecord, role: Role, now: number) => Result,
  ): Promise<HttpResult> {
    return this.mutate(caller, guard, async (now) => {
      const { record, role } = await this.loadAsMember(id, caller);
      const result = decided(decide(record, role, now));
      const next = { ...record, session: result.session };
      return {
        record,
        role,
        decision: { change: { record: next, events: result.events }, response: this.view(next, role, now) },
      };
    });
  }

  async proposeTerms(
    caller: Caller,
    id: string,
    rawBody: string | undefined,
    guard: IdempotencyGuard | null,
  ): Promise<HttpResult> {
    return this.transition(caller, id, guard, (record, role, now) => {
      const { text } = parseBody(termsBody, rawBody);
      return proposeTerms(record.session, role, text, now);
    });
  }

  async acceptTerms(
    caller: Caller,
    id: string,
    rawBody: string | undefined,
    guard: IdempotencyGuard | null,
  ): Promise<HttpResult> {
    return this.transition(caller, id, guard, (record, role, now) => {
      if (!isSide(role)) throw forbidden('Only a side’s members accept terms.');
      const { version } = parseBody(acceptTermsBody, rawBody);
      return acceptTerms(record.session, role, version, now);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Withdraw
  // ------------------------------------------------------------------------------------------

  async withdraw(
    caller: Caller,
    id: string,
    rawBody: string | undefined,
    guard: IdempotencyGuard | null,
  ): Promise<HttpResult> {
    const deadline = Date.now() + WITHDRAW_WAIT_MS;
    for (;;) {
      try {
        // Each attempt reads `now` afresh: the write is decided by the clock just before it commits.
        return await this.mutate(caller, guard, async (now) => {
          const { record, role } = await this.loadAsMember(id, caller);
          if (!isSide(role))
            throw forbidden('Only a side’s members may withdraw; the mediator cannot end a session.');
          // `{}` per SPEC §3; an empty body is read as `{}` (nothing to say but "withdraw").
          parseBody(withdrawBody, rawBody === undefined || rawBody.trim() === '' ? '{}' : rawBody);
          const result = withdraw(record.session, role, now);
          if (isRejection(result) && result.rejected === 'evaluation_pending') throw new EvaluationPending();
          const transition = decided(result);
          const next = { ...record, session: transition.session };
          const response = this.view(next, role, now);
          return {
            record,
            role,
            decision:
              transition.events.length > 0
                ? { change: { record: next, events: transition.events }, response }
                : { response },
          };
        });
      } catch (error) {
        if (!(error instanceof EvaluationPending)) throw error;
        // Earlier numbers are still being evaluated: wait for them, inside the request.
        if (Date.now() >= deadline) throw unavailable();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}

/** A withdrawal found unevaluated numbers: it waits and decides again (never reaches a caller). */
class EvaluationPending extends Error {
  override readonly name = 'EvaluationPending';
}

/** The side a caller may act for, or 403. */
export function requireSide(role: Role, message: string): Side {
  if (!isSide(role)) throw forbidden(message);
  return role;
}

// ---------------------------------------------------------------------------------------------
// Numbers: their own small service, because only these routes touch the Sealer
// ---------------------------------------------------------------------------------------------

export class NumbersService {
  constructor(private readonly deps: { store: SessionStore; clock: Clock; sealer: Sealer }) {}

  private async loadAsMember(id: string, caller: Caller): Promise<{ record: SessionRecord; role: Role }> {
    return loadAsMember(this.deps.store, id, caller);
  }

  /** `PUT /sessions/{id}/number`: seals the amount under the next seq and commits the move. */
  async submit(
    caller: Caller,
    id: string,
    rawBody: string | undefined,
    guard: IdempotencyGuard | null,
  ): Promise<HttpResult> {
    const { store, clock, sealer } = this.deps;
    return retryOnConflict(async () => {
      const { record, role } = await this.loadAsMember(id, caller);
      const side = requireSide(role, 'Only a side’s members submit numbers; the mediator never does.');
      const { amount } = parseBody(numberBody, rawBody);
      // Read `now` just before the write: the engine checks the phase interval with it.
      const now = clock();
      const result = decided(submitNumber(record.session, side, now));
      const seq = result.session.seq;
      const sealed = await sealer.sealNumber(BigInt(amount), { sessionId: id, side, seq });
      const next: SessionRecord = {
        ...record,
        session: result.session,
        sealed: { ...record.sealed, [String(seq)]: sealed },
        latest: { ...record.latest, [side]: { seq, at: now } },
      };
      const response: HttpResult = {
        statusCode: 202,
        body: { accepted: true, submittedAt: isoSeconds(now) },
      };
      await store.commit({
        record: next,
        expectedRev: record.rev,
        events: result.events,
        actor: { by: caller.email, role },
        now,
        matchDue: true,
        extra: guard ? [guard.completeWith(response)] : [],
      });
      return response;
    });
  }

  /** `GET /sessions/{id}/number`: the caller's own side's standing number, and nobody else's. */
  async readOwn(caller: Caller, id: string): Promise<HttpResult> {
    const { record, role } = await this.loadAsMember(id, caller);
    const side = requireSide(role, 'Only a side’s members have a number.');
    if (isEnded(effectivePhase(record.session, this.deps.clock()))) {
      throw conflict('session_ended', 'The session has ended; its numbers are deleted.');
    }
    const latest = record.latest[side];
    const sealed = latest ? record.sealed[String(latest.seq)] : undefined;
    if (!latest || !sealed) throw new HttpError(404, 'no_number', 'Your side has no number yet.');
    const amount = await this.deps.sealer.openNumber(sealed, { sessionId: id, side, seq: latest.seq });
    return { statusCode: 200, body: { amount: Number(amount), submittedAt: isoSeconds(latest.at) } };
  }
}

export type { Session };
