/**
 * The DynamoDB adapter of the RoomStore port (docs/data-model.md, "Rooms"). It only moves data:
 * reads are one consistent BatchGetItem (the session and the rooms' items) or one Query (a page of
 * messages); a message is one transaction with its room's counters, conditional on the room's
 * newest message (so ids are committed in order: a reader paging with `after` never misses one)
 * and on the session not having ended. Item shapes and keys: shared/table.
 */
import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RoomName } from '../../engine';
import {
  ConflictError,
  type MessagePage,
  type NewConsent,
  type NewMessage,
  type PostKey,
  type RoomRecord,
  type RoomStore,
  type RoomsSnapshot,
  type StoredMessage,
} from '../../ports';
import { messagePrefix, messageSk, SESSION_SK, sessionPk } from '../../table/keys';
import {
  consentAttribute,
  consentAuditItem,
  messageFromItem,
  messageItem,
  postKeyItem,
  postKeyKey,
  roomFromItem,
  roomKey,
} from '../../table/room-items';
import { fromItem } from '../../table/session-item';
import { batchGetAll } from './batch-get';
import { ConditionError, type TransactItem, transact } from './transact';

type Item = Record<string, unknown>;

/** A post key's scope as stored: a hash of (user, key); the room is in the sort key, the method is POST. */
const scopeHash = (key: PostKey) =>
  createHash('sha256').update(`${key.user}\n${key.key}`).digest('base64url');

export class DynamoRoomStore implements RoomStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async load(sessionId: string, rooms: readonly RoomName[], key?: PostKey): Promise<RoomsSnapshot> {
    const keyed = key ? postKeyKey(sessionId, key.room, scopeHash(key)) : null;
    const items = await this.batchGet([
      { pk: sessionPk(sessionId), sk: SESSION_SK },
      ...rooms.map((room) => roomKey(sessionId, room)),
      ...(keyed ? [keyed] : []),
    ]);
    const bySk = new Map(items.map((item) => [item.sk as string, item]));
    const session = bySk.get(SESSION_SK);
    const record = keyed ? bySk.get(keyed.sk) : undefined;
    return {
      record: session ? fromItem(session) : null,
      rooms: new Map(
        rooms.map((room): [RoomName, RoomRecord] => [
          room,
          roomFromItem(bySk.get(roomKey(sessionId, room).sk)),
        ]),
      ),
      keyed: record ? { messageId: record.messageId as string, keptUntil: record.keptUntil as number } : null,
    };
  }

  private batchGet(keys: Item[]): Promise<Item[]> {
    return batchGetAll(this.db, this.tableName, keys);
  }

  async messages(
    sessionId: string,
    room: RoomName,
    page: MessagePage,
  ): Promise<{ messages: StoredMessage[]; more: boolean }> {
    const backwards = page.before !== undefined;
    const from = page.before ?? page.after;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': sessionPk(sessionId), ':prefix': messagePrefix(room) },
        ...(from === undefined
          ? {}
          : { ExclusiveStartKey: { pk: sessionPk(sessionId), sk: messageSk(room, from) } }),
        ScanIndexForward: !backwards,
        // One more than asked: whether the page reached the end.
        Limit: page.limit + 1,
        ConsistentRead: true,
      }),
    );
    const items = (out.Items ?? []).slice(0, page.limit).map(messageFromItem);
    return { messages: backwards ? items.reverse() : items, more: (out.Items ?? []).length > page.limit };
  }

  async message(sessionId: string, room: RoomName, id: string): Promise<StoredMessage | null> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: sessionPk(sessionId), sk: messageSk(room, id) },
        ConsistentRead: true,
      }),
    );
    return Item ? messageFromItem(Item) : null;
  }

  async append(post: NewMessage): Promise<void> {
    const { sessionId, room, message } = post;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: roomKey(sessionId, room),
          UpdateExpression:
            'SET #type = :type, #room = :room, lastMessageAt = :at, lastMessageId = :id, wrappedKey = :key ADD messageCount :one',
          // Ids are committed in order (none newer came first), under the data key used.
          ConditionExpression: `(attribute_not_exists(lastMessageId) OR lastMessageId < :id) AND ${
            post.newKey ? 'attribute_not_exists(wrappedKey)' : 'wrappedKey = :key'
          }`,
          ExpressionAttributeNames: { '#type': 'type', '#room': 'room' },
          ExpressionAttributeValues: {
            ':type': 'room',
            ':room': room,
            ':at': message.sentAt,
            ':id': message.id,
            ':key': post.wrappedKey,
            ':one': 1,
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: messageItem(sessionId, room, message),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      this.sessionNotEnded(sessionId),
    ];
    if (post.key) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: postKeyItem(sessionId, room, scopeHash(post.key), {
            messageId: message.id,
            keptUntil: post.key.keptUntil,
          }),
          // A key already kept answers its own message (the use case read it first).
          ConditionExpression: 'attribute_not_exists(pk) OR keptUntil <= :now',
          ExpressionAttributeValues: { ':now': post.key.now },
        },
      });
    }
    await this.transact(items);
  }

  async consent(consent: NewConsent): Promise<void> {
    const attribute = consentAttribute(consent.side);
    await this.transact([
      {
        Update: {
          TableName: this.tableName,
          Key: roomKey(consent.sessionId, 'joint'),
          UpdateExpression: 'SET #type = :type, #room = :room, #consent = :consent',
          ConditionExpression: 'attribute_not_exists(#consent)',
          ExpressionAttributeNames: { '#type': 'type', '#room': 'room', '#consent': attribute },
          ExpressionAttributeValues: {
            ':type': 'room',
            ':room': 'joint',
            ':consent': { by: consent.by, at: consent.at },
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: consentAuditItem(consent.sessionId, consent),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      this.sessionNotEnded(consent.sessionId),
    ]);
  }

  /** Rooms take nothing new once the session has ended (settled, withdrawn, no deal). */
  private sessionNotEnded(sessionId: string): TransactItem {
    return {
      ConditionCheck: {
        TableName: this.tableName,
        Key: { pk: sessionPk(sessionId), sk: SESSION_SK },
        ConditionExpression:
          'attribute_exists(pk) AND attribute_type(#ended, :null) AND attribute_type(#outcome, :null)',
        ExpressionAttributeNames: { '#ended': 'ended', '#outcome': 'outcome' },
        ExpressionAttributeValues: { ':null': 'NULL' },
      },
    };
  }

  /** Any failed condition means something moved on: read again and decide again. */
  private async transact(items: TransactItem[]): Promise<void> {
    try {
      await transact(this.db, items);
    } catch (error) {
      if (error instanceof ConditionError) throw new ConflictError();
      throw error;
    }
  }
}
