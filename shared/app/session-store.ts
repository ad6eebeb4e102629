/**
 * DynamoDB adapter for the session aggregate. It only moves data: every decision comes from the
 * engine. Every change is one TransactWriteItems: the session item (conditional on its revision),
 * the audit entries, the outbox records and whatever the caller adds (member and invitation
 * projections, the idempotency record).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../engine';
import { TABLE } from '../table/definition';
import { type OutboxRecord, outboxFor, outboxSk } from './outbox';
import {
  fromItem,
  invitationSk,
  pruneSealed,
  SESSION_SK,
  type SessionRecord,
  sessionPk,
  toItem,
  userGsiPk,
} from './session-record';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Someone else changed the session first: reload, decide again, retry. */
export class ConflictError extends Error {
  constructor() {
    super('The session changed during the write.');
    this.name = 'ConflictError';
  }
}

/** A condition on an item other than the session failed (idempotency record, outbox …). */
export class ConditionError extends Error {
  constructor(readonly index: number) {
    super(`Condition failed on transaction item ${index}.`);
    this.name = 'ConditionError';
  }
}

export interface Actor {
  /** A user's email, or the name of the function acting on its own (match, phase-timer …). */
  by: string;
  role?: string;
}

export interface Change {
  record: SessionRecord;
  /** The revision that was read; null creates the session. */
  expectedRev: number | null;
  events: DomainEvent[];
  actor: Actor;
  now: number;
  /** Number writes set the marker the match stream filter selects. */
  matchDue?: boolean;
  /** Outbox records beyond those the events imply (an invitation, a reminder). */
  outbox?: OutboxRecord[];
  extra?: TransactItem[];
}

/** What an audit entry keeps of an event: its type and ids, never an amount (none exists here). */
function auditDetail(event: DomainEvent): Record<string, unknown> {
  switch (event.type) {
    case 'NumberAccepted':
      return { side: event.side, seq: event.seq, step: event.step };
    case 'MoveEvaluated':
      return { seq: event.seq };
    case 'Settled':
      return { reachedIn: event.outcome.reachedIn, bonusSide: event.outcome.bonusSide };
    case 'TermsProposed':
      return { version: event.version, by: event.by };
    case 'TermsAccepted':
      return { side: event.side, version: event.version };
    case 'MemberJoined':
      return { role: event.role };
    case 'Withdrawn':
      return { side: event.side };
    default:
      return {};
  }
}

export class SessionStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async load(id: string): Promise<SessionRecord | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: sessionPk(id), sk: SESSION_SK },
        ConsistentRead: true,
      }),
    );
    return Item ? fromItem(Item) : null;
  }

  /** The caller's sessions, newest created first. */
  async listForUser(email: string): Promise<SessionRecord[]> {
    const ids: string[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE.indexes.byUser.name,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': userGsiPk(email) },
          ScanIndexForward: false,
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) ids.push(item.sessionId as string);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const records = new Map<string, SessionRecord>();
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = ids
        .slice(i, i + 100)
        .map((id) => ({ pk: sessionPk(id), sk: SESSION_SK }));
      while (keys && keys.length > 0) {
        const out: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const record = fromItem(item);
          records.set(record.session.id, record);
        }
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return ids.flatMap((id) => {
      const record = records.get(id);
      // The index is eventually consistent: keep only sessions the caller still belongs to.
      return record?.members.some((m) => m.email === email) ? [record] : [];
    });
  }

  /** The session and address an invitation token (by its hash) points at, if any. */
  async findInvitation(tokenHash: string): Promise<{ sessionId: string; email: string } | null> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE.indexes.byInviteToken.name,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `INVITE#${tokenHash}` },
      }),
    );
    const item = out.Items?.[0];
    return item ? { sessionId: item.sessionId as string, email: item.email as string } : null;
  }

  /** Writes a change as one transaction. Throws ConflictError if the session moved on. */
  async commit(change: Change): Promise<void> {
    const { record, expectedRev, events, actor, now } = change;
    const id = record.session.id;
    const ended = Boolean(record.session.outcome || record.session.ended);
    // When a session ends its sealed numbers are deleted and its open invitations die.
    const next: SessionRecord = {
      ...record,
      sealed: pruneSealed(record),
      invitations: ended ? [] : record.invitations,
      rev: (expectedRev ?? 0) + 1,
    };
    const deadInvitations: TransactItem[] = ended
      ? record.invitations.map((i) => ({
          Delete: { TableName: this.tableName, Key: { pk: sessionPk(id), sk: invitationSk(i.email) } },
        }))
      : [];
    const sessionPut: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: toItem(next, { matchDue: change.matchDue ?? false }),
        ConditionExpression: expectedRev === null ? 'attribute_not_exists(pk)' : 'rev = :rev',
        ...(expectedRev === null ? {} : { ExpressionAttributeValues: { ':rev': expectedRev } }),
      },
    };
    const audit: TransactItem[] = events.map((event, i) => ({
      Put: {
        TableName: this.tableName,
        Item: {
          pk: sessionPk(id),
          sk: `AUDIT#${new Date(now).toISOString()}#${String(next.rev).padStart(8, '0')}#${String(i).padStart(3, '0')}`,
          type: 'audit',
          event: event.type,
          ...auditDetail(event),
          actor: actor.by,
          ...(actor.role ? { actorRole: actor.role } : {}),
          at: now,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    const outbox = [...outboxFor(next, events, now), ...(change.outbox ?? [])].map(
      (o): TransactItem => ({
        Put: {
          TableName: this.tableName,
          Item: outboxItem(o),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    );
    await this.transact([sessionPut, ...audit, ...outbox, ...deadInvitations, ...(change.extra ?? [])]);
  }

  async transact(items: TransactItem[]): Promise<void> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (
        error instanceof TransactionCanceledException ||
        (error as Error).name === 'TransactionCanceledException'
      ) {
        const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
        const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (failed > 0) throw new ConditionError(failed);
        throw new ConflictError();
      }
      throw error;
    }
  }
}

export function outboxItem(record: OutboxRecord): Record<string, unknown> {
  return {
    pk: sessionPk(record.sessionId),
    sk: outboxSk(record.id),
    type: 'outbox',
    status: 'pending',
    workPk: 'OUTBOX',
    workSk: `${record.createdAt}#${record.sessionId}#${record.id}`,
    ...record,
  };
}

/**
 * Runs read → decide → conditional write until it commits without a conflict. Conflicts are
 * retried internally (SPEC §2.4: nothing a caller sees depends on the other side's writes).
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, maxAttempts = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConflictError) || i >= maxAttempts) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(5 * 2 ** i, 200)));
    }
  }
}
