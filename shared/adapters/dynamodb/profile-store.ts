/** The DynamoDB adapter of the ProfileStore port: one item per user (docs/data-model.md, "Profiles"). */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AtomicWrite, Profile, ProfileStore } from '../../ports';
import { PROFILE_SK, profilePk } from '../../table/keys';
import { batchGetAll } from './batch-get';
import { type TransactItem, transact } from './transact';

export class DynamoProfileStore implements ProfileStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(email: string): Promise<Profile | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: profilePk(email), sk: PROFILE_SK } }),
    );
    if (!Item) return null;
    return {
      email,
      displayName: typeof Item.displayName === 'string' ? Item.displayName : null,
      organization: typeof Item.organization === 'string' ? Item.organization : null,
    };
  }

  /** One consistent BatchGetItem per 100 addresses (a session shows a handful), names only. */
  async displayNames(emails: string[]): Promise<ReadonlyMap<string, string>> {
    const keys = emails.map((email) => ({ pk: profilePk(email), sk: PROFILE_SK }));
    const items = await batchGetAll(this.db, this.tableName, keys, {
      ProjectionExpression: '#email, #name',
      ExpressionAttributeNames: { '#email': 'email', '#name': 'displayName' },
    });
    const names = new Map<string, string>();
    for (const item of items) {
      if (typeof item.email === 'string' && typeof item.displayName === 'string') {
        names.set(item.email, item.displayName);
      }
    }
    return names;
  }

  async save(profile: Profile, now: number, atomically: AtomicWrite[]): Promise<void> {
    const item: Record<string, unknown> = {
      pk: profilePk(profile.email),
      sk: PROFILE_SK,
      type: 'profile',
      email: profile.email,
      updatedAt: now,
      ...(profile.displayName !== null ? { displayName: profile.displayName } : {}),
      ...(profile.organization !== null ? { organization: profile.organization } : {}),
    };
    await transact(this.db, [
      { Put: { TableName: this.tableName, Item: item } },
      ...atomically.map((write) => write.atomicWrite as TransactItem),
    ]);
  }
}
