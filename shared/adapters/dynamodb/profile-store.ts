/** The DynamoDB adapter of the ProfileStore port: one item per user (docs/data-model.md, "Profiles"). */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AtomicWrite, Profile, ProfileStore } from '../../ports';
import { PROFILE_SK, profilePk } from '../../table/keys';
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

  async save(profile: Profile, now: number, atomically: AtomicWrite[]): Promise<void> {
    const item: Record<string, unknown> = {
      pk: profilePk(profile.email),
      sk: PROFILE_SK,
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
