/**
 * `Idempotency-Key` (openapi.yaml), which Powertools' idempotency utility cannot do: the key's
 * final record is written in the same transaction as the change it guards.
 *
 * - Scope: (user, method, path, key), kept 24 h.
 * - A retry with a JSON-equal body returns the first response and changes nothing.
 * - The same key with another body → 422 `idempotency_key_reused`.
 * - While the first request still runs → 409 `request_in_progress`.
 * - 5xx responses are not stored (the lease is released so a retry runs again).
 *
 * Claiming a key is one conditional PutItem (the existing record comes back with a failed
 * condition), so a request with a key costs one round trip more than one without, and the
 * handler makes that round trip while the use case loads the session.
 *
 * Both the record's key and the body's fingerprint are HMACs with a secret key, never plain
 * hashes: a plain hash of `{"amount": …}` could be brute-forced from a table scan. The
 * fingerprint also covers the record's scope, so no one else's request can reproduce it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isAwsError } from '../adapters/errors';
import type { AtomicWrite, FingerprintKey } from '../ports';
import { IDEMPOTENCY_SK, idempotencyPk } from '../table/keys';
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

const reused = () =>
  new HttpError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with another body.');
const inProgress = () =>
  new HttpError(409, 'request_in_progress', 'A request with this Idempotency-Key is still running.');

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
    const pk = idempotencyPk(await this.hmac('key', scope));
    // Bound to the record's scope: a bare HMAC of the body would be an oracle (anyone can have
    // the service fingerprint a guessed `{"amount": …}`, and whoever reads the table could match
    // it against another user's record of `PUT /number`).
    const fingerprint = await this.hmac('body', `${scope}\n${canonicalBody(request.rawBody)}`);
    const leaseId = randomUUID();
    const { now } = request;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk,
            sk: IDEMPOTENCY_SK,
            type: 'idempotency',
            status: 'in_progress',
            fingerprint,
            leaseId,
            leaseUntil: now + LEASE_MS,
            keptUntil: now + IDEMPOTENCY_TTL_SECONDS * 1000,
            expiresAt: Math.ceil(now / 1000) + IDEMPOTENCY_TTL_SECONDS,
          },
          // Take the key if nobody holds it, its record has expired, or our own body's lease is stale.
          ConditionExpression:
            'attribute_not_exists(pk) OR keptUntil <= :now OR (fingerprint = :fp AND #status = :running AND leaseUntil <= :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':now': now, ':fp': fingerprint, ':running': 'in_progress' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!isAwsError(error, 'ConditionalCheckFailedException')) throw error;
      const held = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
      const existing = held ? unmarshall(held) : undefined;
      if (existing && existing.fingerprint !== fingerprint) throw reused();
      if (existing?.status === 'done')
        return { replay: JSON.parse(existing.response as string) as HttpResult };
      throw inProgress();
    }
    return { guard: new IdempotencyGuard(this.db, this.tableName, pk, fingerprint, leaseId, now) };
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
      sk: IDEMPOTENCY_SK,
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
  completeWith(response: HttpResult): AtomicWrite {
    return {
      atomicWrite: {
        Put: {
          TableName: this.tableName,
          Item: this.doneItem(response),
          ConditionExpression: 'leaseId = :lease',
          ExpressionAttributeValues: { ':lease': this.leaseId },
        },
      },
    };
  }

  /** Stores a response that changed nothing (a 4xx, or a command with nothing to change). */
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
        Key: { pk: this.pk, sk: IDEMPOTENCY_SK },
        ConditionExpression: 'leaseId = :lease',
        ExpressionAttributeValues: { ':lease': this.leaseId },
      }),
    );
  }
}
