/**
 * The DynamoDB adapter of the SessionStore port. It only moves data: every decision comes from the
 * use cases. A change is one TransactWriteItems: the session item (conditional on its revision),
 * the audit entries, the outbox records, the member and invitation projections the change implies
 * (found by comparing the record before and after), and whatever must commit with it (an
 * idempotency record). Item shapes and keys: shared/table.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxRecord } from '../../app/outbox';
import { pruneAnswers, pruneSealed, type SessionRecord } from '../../app/session-record';
import { type Change, ConflictError, type SessionStore } from '../../ports';
import { TABLE } from '../../table/definition';
import {
  invitationSk,
  outboxSk,
  SESSION_SK,
  sessionIdOf,
  sessionPk,
  tokenGsiPk,
  userGsiPk,
} from '../../table/keys';
import { auditItem, outboxItem } from '../../table/records';
import { fromItem, invitationItem, memberItem, toItem } from '../../table/session-item';
import { batchGetAll } from './batch-get';
import { ConditionError, putNew, type TransactItem, transact } from './transact';

export class DynamoSessionStore implements SessionStore {
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
    const records = await this.batchLoad(ids);
    return ids.flatMap((id) => {
      const record = records.get(id);
      // The index is eventually consistent: keep only sessions the caller still belongs to.
      return record?.members.some((m) => m.email === email) ? [record] : [];
    });
  }

  private async batchLoad(ids: string[]): Promise<Map<string, SessionRecord>> {
    const keys = ids.map((id) => ({ pk: sessionPk(id), sk: SESSION_SK }));
    const records = (await batchGetAll(this.db, this.tableName, keys)).map(fromItem);
    return new Map(records.map((record) => [record.session.id, record]));
  }

  async findInvitation(tokenHash: string): Promise<{ sessionId: string } | null> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE.indexes.byInviteToken.name,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': tokenGsiPk(tokenHash) },
      }),
    );
    const sessionId = sessionIdOf(out.Items?.[0]?.pk);
    return sessionId ? { sessionId } : null;
  }

  async commit(change: Change): Promise<void> {
    const { before, after, events, actor, now } = change;
    const id = after.session.id;
    const expectedRev = before?.rev ?? null;
    const ended = Boolean(after.session.outcome || after.session.ended);
    // When a session ends its sealed numbers are deleted and its open invitations die.
    const next: SessionRecord = {
      ...after,
      sealed: pruneSealed(after),
      answers: pruneAnswers(after),
      invitations: ended ? [] : after.invitations,
      rev: (expectedRev ?? 0) + 1,
    };
    const sessionPut: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: toItem(next, { matchDue: change.matchDue ?? false }),
        ConditionExpression: expectedRev === null ? 'attribute_not_exists(pk)' : 'rev = :rev',
        ...(expectedRev === null ? {} : { ExpressionAttributeValues: { ':rev': expectedRev } }),
      },
    };
    const audit = events.map((event, index) =>
      putNew(this.tableName, auditItem(id, event, { at: now, rev: next.rev, index }, actor)),
    );
    const outbox = change.outbox.map((record) => putNew(this.tableName, outboxItem(record)));
    const link = change.previous ? [this.nextSessionLink(change.previous, id)] : [];
    try {
      await transact(this.db, [
        sessionPut,
        ...link,
        ...audit,
        ...outbox,
        ...this.projections(before, next),
        ...(change.atomically ?? []).map((write) => write.atomicWrite as TransactItem),
      ]);
    } catch (error) {
      // The previous session moved on (negotiated again by someone else first): decide again.
      if (link.length > 0 && error instanceof ConditionError && error.index === 1) throw new ConflictError();
      throw error;
    }
  }

  /** The ended session records the one that negotiates it again, if still at its revision. */
  private nextSessionLink(previous: SessionRecord, nextId: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: sessionPk(previous.session.id), sk: SESSION_SK },
        UpdateExpression: 'SET nextSessionId = :next, rev = :nextRev',
        ConditionExpression: 'rev = :rev',
        ExpressionAttributeValues: { ':next': nextId, ':rev': previous.rev, ':nextRev': previous.rev + 1 },
      },
    };
  }

  /** Member and invitation projections that follow from the change (docs/data-model.md). */
  private projections(before: SessionRecord | null, next: SessionRecord): TransactItem[] {
    const id = next.session.id;
    const items: TransactItem[] = [];
    const knownMembers = new Set(before?.members.map((m) => m.email));
    for (const member of next.members) {
      if (knownMembers.has(member.email)) continue;
      items.push({
        Put: { TableName: this.tableName, Item: memberItem(next.session, member.email, member.role) },
      });
    }
    const previous = new Map((before?.invitations ?? []).map((i) => [i.id, i]));
    const current = new Set(next.invitations.map((i) => i.id));
    const written = new Set<string>();
    for (const invitation of next.invitations) {
      if (previous.has(invitation.id)) continue;
      written.add(invitation.email);
      items.push({ Put: { TableName: this.tableName, Item: invitationItem(id, invitation) } });
    }
    // Used, revoked, replaced or dead with the session. An address invited anew keeps its key.
    const gone = [...previous.values()].filter((i) => !current.has(i.id) && !written.has(i.email));
    for (const email of new Set(gone.map((i) => i.email))) {
      items.push({
        Delete: { TableName: this.tableName, Key: { pk: sessionPk(id), sk: invitationSk(email) } },
      });
    }
    return items;
  }

  async addOutbox(record: OutboxRecord, rev: number): Promise<'written' | 'exists'> {
    try {
      await transact(this.db, [
        {
          ConditionCheck: {
            TableName: this.tableName,
            Key: { pk: sessionPk(record.sessionId), sk: SESSION_SK },
            ConditionExpression: 'rev = :rev',
            ExpressionAttributeValues: { ':rev': rev },
          },
        },
        putNew(this.tableName, outboxItem(record)),
      ]);
      return 'written';
    } catch (error) {
      if (error instanceof ConditionError) return 'exists';
      throw error;
    }
  }

  async hasOutbox(sessionId: string, id: string): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: sessionPk(sessionId), sk: outboxSk(id) },
        ConsistentRead: true,
        ProjectionExpression: 'pk',
      }),
    );
    return Item !== undefined;
  }
}
