/** The DynamoDB adapter of the WorkIndex port: the sparse index `byWork` and the re-drive stamps. */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ActiveSession, OutboxKey, PendingOutbox, Redrive, WorkIndex } from '../../ports';
import { TABLE } from '../../table/definition';
import { outboxIdOf, outboxSk, SESSION_SK, sessionIdOf, sessionPk, WORK } from '../../table/keys';
import { fromItem } from '../../table/session-item';
import { isAwsError } from '../errors';

type Item = Record<string, unknown>;

export class DynamoWorkIndex implements WorkIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async query(workPk: string, before?: string): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE.indexes.byWork.name,
          KeyConditionExpression: before ? 'workPk = :pk AND workSk < :before' : 'workPk = :pk',
          ExpressionAttributeValues: { ':pk': workPk, ...(before ? { ':before': before } : {}) },
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  async activeSessions(): Promise<ActiveSession[]> {
    const items = await this.query(WORK.activeSessions);
    return items
      .filter((item) => item.sk === SESSION_SK)
      .map((item) => ({
        record: fromItem(item),
        ...(item.redrive ? { redrive: item.redrive as Redrive } : {}),
      }));
  }

  async pendingOutbox(before: number): Promise<PendingOutbox[]> {
    const items = await this.query(WORK.pendingOutbox, String(before));
    return items.flatMap((item) => {
      const sessionId = sessionIdOf(item.pk);
      const id = outboxIdOf(item.sk);
      if (!sessionId || !id || item.status !== 'pending') return [];
      return [{ key: { sessionId, id }, ...(item.redrive ? { redrive: item.redrive as Redrive } : {}) }];
    });
  }

  async redriveEvaluation(sessionId: string, rev: number, redrive: Redrive): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: sessionPk(sessionId), sk: SESSION_SK },
        // The stamp makes the item really change, so the stream emits a record.
        UpdateExpression: 'SET matchDue = :one, redrive = :redrive',
        ConditionExpression: 'rev = :rev AND evaluatedSeq < #seq',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':one': 1, ':rev': rev, ':redrive': redrive },
      }),
    );
  }

  async redriveOutbox(key: OutboxKey, redrive: Redrive): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: sessionPk(key.sessionId), sk: outboxSk(key.id) },
        UpdateExpression: 'SET redrive = :redrive',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':redrive': redrive },
      }),
    );
  }

  /** False when the condition failed: the work was done (or changed) in the meantime. */
  private async conditionally(command: UpdateCommand): Promise<boolean> {
    try {
      await this.db.send(command);
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return false;
      throw error;
    }
  }
}
