/**
 * Dispatches one outbox record (SPEC §4, §5): creates the timers it asks for, cancels the ones it
 * retires, renders and sends its email, then marks it sent by a conditional write
 * (`status = pending` → `sent`, leaving the reconciler's work index).
 *
 * The stream image only names the record: the record is read again (strongly consistent), so a
 * duplicate or stale delivery of a record already sent is skipped. Every step before the send is
 * idempotent (Timer.ensure/cancel by deterministic name); a failure anywhere throws, and the
 * stream (or the reconciler) delivers the record again. A duplicate email is therefore possible
 * only when we die between the send and the conditional write that records it.
 *
 * More than 50 recipients (SES's limit per message) are sent in chunks of 50; each chunk sent is
 * recorded (`sentChunks`), so a retry resumes after the last chunk recorded.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SES_MAX_RECIPIENTS } from '../adapters/ses-mailer';
import type { Clock, Mailer, Timer } from '../ports';
import { type RenderContext, renderNotice } from './emails';
import type { InvitationTokens } from './invitation-token';
import { type Notice, type OutboxRecord, outboxSk } from './outbox';
import { type Invitation, SESSION_SK, sessionPk } from './session-record';

export interface OutboxKey {
  sessionId: string;
  id: string;
}

export type DispatchResult =
  /** Email sent (if any) and timers handled. */
  | 'sent'
  /** Nothing to send any more (an invitation no longer open): recorded as skipped. */
  | 'skipped'
  /** Sent or skipped before: a duplicate delivery. */
  | 'already_done'
  /** No such record. */
  | 'missing';

export interface OutboxDispatcherDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  mailer: Mailer;
  timer: Timer;
  /** Derives an invitation's link token (only invitation emails need it). */
  tokens: Pick<InvitationTokens, 'tokenFor'>;
  /** Base URL of the web app (links in emails). */
  appUrl: string;
  clock: Clock;
}

const OUTBOX_SK = /^OUTBOX#(.+)$/;
const SESSION_PK = /^SESSION#(.+)$/;

/** The outbox record a stream record (or a work-index item) points at, from its keys. */
export function outboxKeyOf(keys: { pk?: unknown; sk?: unknown } | undefined): OutboxKey | null {
  const pk = typeof keys?.pk === 'string' ? keys.pk : undefined;
  const sk = typeof keys?.sk === 'string' ? keys.sk : undefined;
  const sessionId = pk ? SESSION_PK.exec(pk)?.[1] : undefined;
  const id = sk ? OUTBOX_SK.exec(sk)?.[1] : undefined;
  return sessionId && id ? { sessionId, id } : null;
}

/** What the dispatcher needs to know about the session (never a sealed number: projected out). */
interface SessionFacts {
  ended: boolean;
  bonusPercent: number;
  initialRoundSeconds: number;
  adjustmentSeconds: number;
  caseNumber: string | null;
  invitationIds: Set<string>;
}

export class OutboxDispatcher {
  constructor(private readonly deps: OutboxDispatcherDeps) {}

  async dispatch(key: OutboxKey): Promise<DispatchResult> {
    const item = await this.readRecord(key);
    if (!item) return 'missing';
    if (item.status !== 'pending') return 'already_done';
    const record = toOutboxRecord(item);
    const facts = await this.sessionFacts(key.sessionId);

    // Timers first: a session that has already ended needs none (its end cancelled them all, and
    // a record processed late must not bring one back).
    if (facts && !facts.ended) {
      for (const timer of record.timers) await this.deps.timer.ensure(timer);
    }
    if (record.cancelTimers.length > 0) await this.deps.timer.cancel(record.cancelTimers);

    const notice = record.notice;
    if (notice) {
      if (notice.template === 'invitation' && !facts?.invitationIds.has(notice.invitationId)) {
        // Revoked, replaced, used, or dead with the session: its link no longer works.
        return (await this.complete(key, 'skipped')) ? 'skipped' : 'already_done';
      }
      await this.send(key, record, notice, facts, Number(item.sentChunks ?? 0));
    }
    return (await this.complete(key, 'sent')) ? 'sent' : 'already_done';
  }

  private async send(
    key: OutboxKey,
    record: OutboxRecord,
    notice: Notice,
    facts: SessionFacts | null,
    chunksAlreadySent: number,
  ): Promise<void> {
    const context: RenderContext = { appUrl: this.deps.appUrl };
    if (notice.template === 'invitation') {
      const token = await this.deps.tokens.tokenFor(notice.invitationId);
      context.invitation = {
        link: `${this.deps.appUrl}/invite?token=${encodeURIComponent(token)}`,
        rules: {
          bonusPercent: facts?.bonusPercent ?? 0,
          initialRoundSeconds: facts?.initialRoundSeconds ?? 0,
          adjustmentSeconds: facts?.adjustmentSeconds ?? 0,
          caseNumber: facts?.caseNumber ?? null,
        },
      };
    }
    const email = renderNotice(record, notice, context);
    const recipients = [...new Set(notice.to.map((address) => address.trim().toLowerCase()))].filter(Boolean);
    const chunks: string[][] = [];
    for (let i = 0; i < recipients.length; i += SES_MAX_RECIPIENTS) {
      chunks.push(recipients.slice(i, i + SES_MAX_RECIPIENTS));
    }
    for (let i = chunksAlreadySent; i < chunks.length; i++) {
      await this.deps.mailer.send({ ...email, to: chunks[i]! });
      if (chunks.length > 1 && i < chunks.length - 1) await this.recordChunk(key, i + 1);
    }
  }

  private async readRecord(key: OutboxKey): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.deps.db.send(
      new GetCommand({
        TableName: this.deps.tableName,
        Key: { pk: sessionPk(key.sessionId), sk: outboxSk(key.id) },
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  private async sessionFacts(sessionId: string): Promise<SessionFacts | null> {
    const { Item } = await this.deps.db.send(
      new GetCommand({
        TableName: this.deps.tableName,
        Key: { pk: sessionPk(sessionId), sk: SESSION_SK },
        ConsistentRead: true,
        ProjectionExpression: '#outcome, #ended, #bonus, #initial, #adjustment, #case, #invitations',
        ExpressionAttributeNames: {
          '#outcome': 'outcome',
          '#ended': 'ended',
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
      bonusPercent: Number(Item.bonusPercent ?? 0),
      initialRoundSeconds: Number(Item.initialRoundSeconds ?? 0),
      adjustmentSeconds: Number(Item.adjustmentSeconds ?? 0),
      caseNumber: (Item.caseNumber as string | null | undefined) ?? null,
      invitationIds: new Set(((Item.invitations ?? []) as Invitation[]).map((i) => i.id)),
    };
  }

  private async recordChunk(key: OutboxKey, sentChunks: number): Promise<void> {
    await this.deps.db.send(
      new UpdateCommand({
        TableName: this.deps.tableName,
        Key: { pk: sessionPk(key.sessionId), sk: outboxSk(key.id) },
        UpdateExpression: 'SET sentChunks = :n',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':n': sentChunks, ':pending': 'pending' },
      }),
    );
  }

  /** pending → sent/skipped, out of the work index. False when someone else completed it first. */
  private async complete(key: OutboxKey, status: 'sent' | 'skipped'): Promise<boolean> {
    try {
      await this.deps.db.send(
        new UpdateCommand({
          TableName: this.deps.tableName,
          Key: { pk: sessionPk(key.sessionId), sk: outboxSk(key.id) },
          UpdateExpression: 'SET #status = :done, sentAt = :now REMOVE workPk, workSk',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':done': status, ':pending': 'pending', ':now': this.deps.clock() },
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error instanceof Error && error.name === 'ConditionalCheckFailedException')
      ) {
        return false;
      }
      throw error;
    }
  }
}

/** The OutboxRecord fields of a stored outbox item. */
export function toOutboxRecord(item: Record<string, unknown>): OutboxRecord {
  return {
    id: item.id as string,
    sessionId: item.sessionId as string,
    title: item.title as string,
    currency: item.currency as string,
    notice: (item.notice as Notice | null | undefined) ?? null,
    timers: (item.timers as OutboxRecord['timers'] | undefined) ?? [],
    cancelTimers: (item.cancelTimers as string[] | undefined) ?? [],
    createdAt: item.createdAt as number,
  };
}
