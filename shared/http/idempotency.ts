/**
 * `Idempotency-Key` as SPEC §3 requires it, which Powertools' idempotency utility cannot do: the
 * key's final record is written in the same transaction as the change it guards.
 *
 * - Scope: (user, method, path, key), kept 24 h.
 * - A retry with a JSON-equal body returns the first response and changes nothing.
 * - The same key with another body → 422 `idempotency_key_reused`.
 * - While the first request still runs → 409 `request_in_progress`.
 * - 5xx responses are not stored (the lease is released so a retry runs again).
 *
 * Both the record's key and the body's fingerprint are HMACs with a secret key, never plain
 * hashes: a plain hash of `{"amount": …}` could be brute-forced from a table scan. The
 * fingerprint also covers the record's scope, so no one else's request can reproduce it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from '../app/session-store';
import type { FingerprintKey } from '../ports';
import { HttpError, type HttpResult } from './errors';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** How long a request may hold its key before another attempt may take it over. */
export const LEASE_MS = 30_000;

/** JSON with sorted keys, so JSON-equal bodies have one form. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A body's canonical form: JSON-equal bodies compare equal; anything unparseable compares raw. */
export function canonicalBody(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '';
  try {
    return canonicalJson(JSON.parse(raw));
  } catch {
    return `raw:${raw}`;
  }
}

export interface IdempotencyRequest {
  user: string;
  method: string;
  path: string;
  key: string;
  rawBody: string | undefined;
  now: number;
}

export type IdempotencyStart = { replay: HttpResult } | { guard: IdempotencyGuard };

export class Idempotency {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly secret: FingerprintKey,
  ) {}

  private async hmac(label: string, value: string): Promise<string> {
    return createHmac('sha256', await this.secret.get())
      .update(`${label}\n${value}`)
      .digest('base64url');
  }

  /** Claims the key, or answers with the stored response (or 409/422). */
  async begin(request: IdempotencyRequest): Promise<IdempotencyStart> {
    const scope = [request.user, request.method, request.path, request.key].join('\n');
    const pk = `IDEMPOTENCY#${await this.hmac('key', scope)}`;
    // The body's fingerprint is bound to the record's scope. A bare HMAC of the body would be an
    // oracle: anyone can have the service fingerprint a guessed `{"amount": …}` (any request with
    // a key of their own, even a 404, stores one), and whoever reads the table could then match
    // it against another user's record of `PUT /number`.
    const fingerprint = await this.hmac('body', `${scope}\n${canonicalBody(request.rawBody)}`);
    for (let attempt = 0; attempt < 3; attempt++) {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: { pk, sk: 'IDEMPOTENCY' }, ConsistentRead: true }),
      );
      const live = Item && (Item.keptUntil as number) > request.now;
      if (Item && live) {
        if (Item.fingerprint !== fingerprint) {
          throw new HttpError(
            422,
            'idempotency_key_reused',
            'This Idempotency-Key was used with another body.',
          );
        }
        if (Item.status === 'done') return { replay: JSON.parse(Item.response as string) as HttpResult };
        if ((Item.leaseUntil as number) > request.now) {
          throw new HttpError(
            409,
            'request_in_progress',
            'A request with this Idempotency-Key is still running.',
          );
        }
      }
      const leaseId = randomUUID();
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk,
              sk: 'IDEMPOTENCY',
              type: 'idempotency',
              status: 'in_progress',
              fingerprint,
              leaseId,
              leaseUntil: request.now + LEASE_MS,
              keptUntil: request.now + IDEMPOTENCY_TTL_SECONDS * 1000,
              expiresAt: Math.ceil(request.now / 1000) + IDEMPOTENCY_TTL_SECONDS,
            },
            // Take the key only if nobody holds it, or what is there is stale.
            ConditionExpression: Item ? 'leaseId = :seen' : 'attribute_not_exists(pk)',
            ...(Item ? { ExpressionAttributeValues: { ':seen': Item.leaseId } } : {}),
          }),
        );
        return {
          guard: new IdempotencyGuard(this.db, this.tableName, pk, fingerprint, leaseId, request.now),
        };
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    throw new HttpError(409, 'request_in_progress', 'A request with this Idempotency-Key is still running.');
  }
}

export class IdempotencyGuard {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly pk: string,
    private readonly fingerprint: string,
    private readonly leaseId: string,
    private readonly startedAt: number,
  ) {}

  private doneItem(response: HttpResult) {
    return {
      pk: this.pk,
      sk: 'IDEMPOTENCY',
      type: 'idempotency',
      status: 'done',
      fingerprint: this.fingerprint,
      leaseId: this.leaseId,
      response: JSON.stringify(response),
      keptUntil: this.startedAt + IDEMPOTENCY_TTL_SECONDS * 1000,
      expiresAt: Math.ceil(this.startedAt / 1000) + IDEMPOTENCY_TTL_SECONDS,
    };
  }

  /** The record to write in the same transaction as the change. */
  completeWith(response: HttpResult): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: this.doneItem(response),
        ConditionExpression: 'leaseId = :lease',
        ExpressionAttributeValues: { ':lease': this.leaseId },
      },
    };
  }

  /** Stores a response that changed nothing (a 4xx). */
  async completeAlone(response: HttpResult): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: this.doneItem(response),
        ConditionExpression: 'leaseId = :lease',
        ExpressionAttributeValues: { ':lease': this.leaseId },
      }),
    );
  }

  /** Releases the key after a 5xx: it is not stored, so a retry runs again. */
  async release(): Promise<void> {
    await this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: this.pk, sk: 'IDEMPOTENCY' },
        ConditionExpression: 'leaseId = :lease',
        ExpressionAttributeValues: { ':lease': this.leaseId },
      }),
    );
  }
}
