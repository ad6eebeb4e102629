/**
 * The single source of truth for the table's shape: key schema, GSIs, stream and TTL. The CDK
 * stack (lib/stacks) and the local runtime (local/) both build the table from this module.
 * Item layout and access patterns: docs/data-model.md.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds. Housekeeping only: nothing depends on TTL for correctness. */
  ttlAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: {
    /** A user's sessions, newest created first: gsi1pk = USER#<email>, gsi1sk = <createdAt ISO>#<id>. */
    byUser: { name: 'byUser', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** An invitation by the SHA-256 of its token: gsi2pk = INVITE#<hash>. */
    byInviteToken: { name: 'byInviteToken', partitionKey: 'gsi2pk', sortKey: null },
    /**
     * Sparse work index for the reconciler: active sessions (workPk = ACTIVE) and unsent outbox
     * records (workPk = OUTBOX); the attribute is removed when the work is done.
     */
    byWork: { name: 'byWork', partitionKey: 'workPk', sortKey: 'workSk' },
  },
} as const;

/** Every key attribute is a string. */
export const KEY_ATTRIBUTES = [
  TABLE.partitionKey,
  TABLE.sortKey,
  TABLE.indexes.byUser.partitionKey,
  TABLE.indexes.byUser.sortKey,
  TABLE.indexes.byInviteToken.partitionKey,
  TABLE.indexes.byWork.partitionKey,
  TABLE.indexes.byWork.sortKey,
] as const;

/** Input for CreateTable (DynamoDB Local and tests). CDK maps the same constants. */
export function createTableInput(tableName: string) {
  const index = (i: { name: string; partitionKey: string; sortKey: string | null }) => ({
    IndexName: i.name,
    KeySchema: [
      { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
      ...(i.sortKey ? [{ AttributeName: i.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: Object.values(TABLE.indexes).map(index),
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream },
  };
}

/**
 * Stream filters for the event source mappings (CDK) and the local poller: one definition for
 * both. They compare with constants only (docs/deploy.md). Number writes set `matchDue = 1`; match's own
 * writes remove it, so match never triggers itself. Outbox records are selected while unsent.
 */
export const STREAM_FILTERS = {
  match: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { matchDue: { N: ['1'] } } } }],
  notify: [
    {
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { NewImage: { type: { S: ['outbox'] }, status: { S: ['pending'] } } },
    },
  ],
} as const;
