/**
 * Dispatches one outbox record (docs/rules.md, "Emails"; docs/deploy.md): creates the timers it asks for, cancels the ones it
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
import { SES_MAX_RECIPIENTS } from '../adapters/ses-mailer';
import type { Clock, DisplayNameSource, Mailer, OutboxKey, OutboxStore, SessionFacts, Timer } from '../ports';
import { outboxIdOf, sessionIdOf } from '../table/keys';
import { type RenderContext, renderNotice } from './emails';
import type { InvitationTokens } from './invitation-token';
import type { Notice, OutboxRecord } from './outbox';

export type DispatchResult =
  /** Email sent (if any) and timers handled. */
  | 'sent'
  /**
   * Nothing to send any more: an invitation no longer open, or a phase notice no longer true
   * ("step 2 is open" after the deal). Recorded as skipped.
   */
  | 'skipped'
  /** Sent or skipped before: a duplicate delivery. */
  | 'already_done'
  /** No such record. */
  | 'missing';

export interface OutboxDispatcherDeps {
  outbox: OutboxStore;
  mailer: Mailer;
  timer: Timer;
  /** Derives an invitation's link token (only invitation emails need it). */
  tokens: Pick<InvitationTokens, 'tokenFor'>;
  /** Base URL of the web app (links in emails). */
  appUrl: string;
  clock: Clock;
  /** Display names to greet recipients and name an inviter by (docs/rules.md, "Profiles"). */
  names?: DisplayNameSource;
}

/** The outbox record a stream record (or a work-index item) points at, from its keys. */
export function outboxKeyOf(keys: { pk?: unknown; sk?: unknown } | undefined): OutboxKey | null {
  const sessionId = sessionIdOf(keys?.pk);
  const id = outboxIdOf(keys?.sk);
  return sessionId && id ? { sessionId, id } : null;
}

/** Phase notices and the phases in which they are still true. */
const STILL_TRUE: Partial<Record<Notice['template'], string[]>> = {
  initial_round_opened: ['initial_round'],
  initial_round_reminder: ['initial_round'],
  adjustment_opened: ['adjustment'],
  adjustment_reminder: ['adjustment'],
  proposal_requested: ['adjustment'],
  proposal_opened: ['adjustment'],
  proposal_reminder: ['adjustment'],
};

/** Whether a notice no longer holds: its invitation is gone, or its phase is over. */
function isStale(notice: Notice, facts: SessionFacts | null): boolean {
  if (notice.template === 'invitation') return !facts?.invitationIds.has(notice.invitationId);
  const phases = STILL_TRUE[notice.template];
  if (!phases || !facts) return false;
  return facts.ended || !phases.includes(facts.phase);
}

export class OutboxDispatcher {
  constructor(private readonly deps: OutboxDispatcherDeps) {}

  async dispatch(key: OutboxKey): Promise<DispatchResult> {
    const stored = await this.deps.outbox.read(key);
    if (!stored) return 'missing';
    if (stored.status !== 'pending') return 'already_done';
    const { record } = stored;
    const facts = await this.deps.outbox.sessionFacts(key.sessionId);

    // Timers first: a session that has already ended needs none (its end cancelled them all, and
    // a record processed late must not bring one back).
    if (facts && !facts.ended) {
      for (const timer of record.timers) await this.deps.timer.ensure(timer);
    }
    if (record.cancelTimers.length > 0) await this.deps.timer.cancel(record.cancelTimers);

    const notice = record.notice;
    if (notice) {
      if (isStale(notice, facts)) return (await this.complete(key, 'skipped')) ? 'skipped' : 'already_done';
      await this.send(key, record, notice, facts, stored.sentChunks);
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
    if (this.deps.names) {
      const people = notice.template === 'invitation' ? [...notice.to, notice.invitedBy] : notice.to;
      context.names = await this.deps.names.displayNames([...new Set(people)]);
    }
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
      if (chunks.length > 1 && i < chunks.length - 1) await this.deps.outbox.recordChunks(key, i + 1);
    }
  }

  private complete(key: OutboxKey, status: 'sent' | 'skipped'): Promise<boolean> {
    return this.deps.outbox.complete(key, status, this.deps.clock());
  }
}
