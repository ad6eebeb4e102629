/**
 * One TransactWriteItems, with DynamoDB's cancellation reasons turned into the store port's
 * language: the first item (the session, conditional on its revision) failing → ConflictError;
 * another item's condition failing → ConditionError with its index.
 */
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../ports';
import { isAwsError } from '../errors';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A condition on an item other than the first failed (an outbox record that exists …). */
export class ConditionError extends Error {
  override readonly name = 'ConditionError';
  constructor(readonly index: number) {
    super(`Condition failed on transaction item ${index}.`);
  }
}

export async function transact(db: DynamoDBDocumentClient, items: TransactItem[]): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (!isAwsError(error, 'TransactionCanceledException')) throw error;
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
    if (failed > 0) throw new ConditionError(failed);
    throw new ConflictError();
  }
}

/** Puts an item only if no item has its key. */
export const putNew = (tableName: string, item: Record<string, unknown>): TransactItem => ({
  Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
});
