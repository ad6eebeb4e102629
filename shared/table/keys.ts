/**
 * Every key and key prefix of the single table (docs/data-model.md). Nothing outside shared/table
 * spells a prefix: adapters build keys with these functions.
 */
export const SESSION_SK = 'SESSION';
export const sessionPk = (id: string) => `SESSION#${id}`;
export const memberSk = (email: string) => `MEMBER#${email}`;
export const invitationSk = (email: string) => `INVITE#${email}`;
export const outboxSk = (id: string) => `OUTBOX#${id}`;
export const auditSk = (at: number, rev: number, index: number) =>
  `AUDIT#${new Date(at).toISOString()}#${String(rev).padStart(8, '0')}#${String(index).padStart(3, '0')}`;
export const userGsiPk = (email: string) => `USER#${email}`;
export const userGsiSk = (createdAt: number, sessionId: string) =>
  `${new Date(createdAt).toISOString()}#${sessionId}`;
export const tokenGsiPk = (tokenHash: string) => `INVITE#${tokenHash}`;

/** Rooms (docs/data-model.md, "Rooms"): a room's item, its messages after it, a post key's record. */
export const roomSk = (room: string) => `ROOM#${room}`;
export const messagePrefix = (room: string) => `ROOM#${room}#`;
export const messageSk = (room: string, id: string) => `${messagePrefix(room)}${id}`;
export const postKeySk = (room: string, scopeHash: string) => `POSTKEY#${room}#${scopeHash}`;

/** Profiles (docs/data-model.md, "Profiles"): one item per user. */
export const PROFILE_SK = 'PROFILE';
export const profilePk = (email: string) => `PROFILE#${email}`;

export const IDEMPOTENCY_SK = 'IDEMPOTENCY';
export const idempotencyPk = (scopeHmac: string) => `IDEMPOTENCY#${scopeHmac}`;

/** Local timers (the local stand-in for EventBridge Scheduler) live in one partition. */
export const LOCAL_TIMER_PK = 'TIMER';

/** The sparse work index `byWork`: active sessions and unsent outbox records. */
export const WORK = { activeSessions: 'ACTIVE', pendingOutbox: 'OUTBOX' } as const;
export const outboxWorkSk = (createdAt: number, sessionId: string, id: string) =>
  `${createdAt}#${sessionId}#${id}`;

const SESSION_PK = /^SESSION#(.+)$/;
const OUTBOX_SK = /^OUTBOX#(.+)$/;

/** The session id in a `SESSION#<id>` key, if it is one. */
export function sessionIdOf(pk: unknown): string | null {
  return typeof pk === 'string' ? (SESSION_PK.exec(pk)?.[1] ?? null) : null;
}

/** The outbox record id in an `OUTBOX#<id>` key, if it is one. */
export function outboxIdOf(sk: unknown): string | null {
  return typeof sk === 'string' ? (OUTBOX_SK.exec(sk)?.[1] ?? null) : null;
}
