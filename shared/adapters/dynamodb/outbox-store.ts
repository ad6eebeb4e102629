/** The DynamoDB adapter of the OutboxStore port (notify's reads and conditional marks). */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Invitation } from '../../app/session-record';
import type { OutboxKey, OutboxStore, SessionFacts, StoredOutbox } from '../../ports';
import { outboxSk, SESSION_SK, sessionPk } from '../../table/keys';
import { fromOutboxItem } from '../../table/records';
import { isAwsError } from '../errors';

export class DynamoOutboxStore implements OutboxStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(key: OutboxKey) {
    return { pk: sessionPk(key.sessionId), sk: outboxSk(key.id) };
  }

  async read(key: OutboxKey): Promise<StoredOutbox | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(key), ConsistentRead: true }),
    );
    if (!Item) return null;
    return {
      record: fromOutboxItem(Item),
      status: Item.status as StoredOutbox['status'],
      sentChunks: Number(Item.sentChunks ?? 0),
    };
  }

  async sessionFacts(sessionId: string): Promise<SessionFacts | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: sessionPk(sessionId), sk: SESSION_SK },
        ConsistentRead: true,
        // Never the sealed numbers: only what rendering and staleness checks need.
        ProjectionExpression: '#outcome, #ended, #phase, #bonus, #initial, #adjustment, #case, #invitations',
        ExpressionAttributeNames: {
          '#outcome': 'outcome',
          '#ended': 'ended',
          '#phase': 'phase',
          '#bonus': 'bonusPercent',
          '#initial': 'initialRoundSeconds',
          '#adjustment': 'adjustmentSeconds',
          '#case': 'caseNumber',
          '#invitations': 'invitations',
        },
      }),
    );
    if (!Item) return null;
    return {
      ended: Boolean(Item.outcome) || Boolean(Item.ended),
      phase: String(Item.phase ?? ''),
      bonusPercent: Number(Item.bonusPercent ?? 0),
      initialRoundSeconds: Number(Item.initialRoundSeconds ?? 0),
      adjustmentSeconds: Number(Item.adjustmentSeconds ?? 0),
      caseNumber: (Item.caseNumber as string | null | undefined) ?? null,
      invitationIds: new Set(((Item.invitations ?? []) as Invitation[]).map((i) => i.id)),
    };
  }

  async recordChunks(key: OutboxKey, sentChunks: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(key),
        UpdateExpression: 'SET sentChunks = :n',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':n': sentChunks, ':pending': 'pending' },
      }),
    );
  }

  async complete(key: OutboxKey, status: 'sent' | 'skipped', at: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(key),
          // Out of the work index: the reconciler no longer looks at it.
          UpdateExpression: 'SET #status = :done, sentAt = :now REMOVE workPk, workSk',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':done': status, ':pending': 'pending', ':now': at },
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return false;
      throw error;
    }
  }
}
