/**
 * The emails of a double-blind proposal (docs/rules.md, "Double-blind proposals"). Their input is
 * an outbox record: the proposal's amount once it is open (not a submitted number), times, the
 * side that asked, the session's gap percent. Never a submitted number, never how anyone answered.
 */
import { formatMoney } from '../../engine/currency';
import type { OutboxRecord } from '../outbox';
import type { ProposalNotice } from '../proposal-outbox';
import { CALENDAR_HINT, formatTime } from './format';
import { type EmailContent, facts, link, p } from './layout';
import type { RenderContext } from './templates';

type Template<T extends ProposalNotice['template']> = (
  record: OutboxRecord,
  notice: Extract<ProposalNotice, { template: T }>,
  context: RenderContext,
) => EmailContent;

const sessionLink = (record: OutboxRecord, context: RenderContext) =>
  link('Open the session', `${context.appUrl}/sessions/${encodeURIComponent(record.sessionId)}`);

/** What a computed proposal discloses, shown before anyone asks for one or consents to it. */
export const computedDisclosure = (gapPercent: number) =>
  'What a computed proposal discloses: its amount lies somewhere between the two standing numbers ' +
  '(drawn at random and rounded, never the midpoint), and a refusal says that the two numbers are ' +
  `more than ${gapPercent}% of the claimant's demand apart.`;

const SECRET_ANSWERS =
  'Each side answers yes or no, once, in secret: nobody — not the other side, not the mediator — ' +
  'learns whether or how a side answered. There is a deal only if both sides say yes. Numbers keep ' +
  'working meanwhile.';

const requested: Template<'proposal_requested'> = (record, notice, context) => ({
  subject: `The ${notice.requestedBy} asks for a computed proposal: ${record.title}`,
  blocks: [
    p(
      `The ${notice.requestedBy} side of “${record.title}” asks for a computed proposal. It needs your ` +
        'side’s consent, because its amount is computed from both sides’ standing numbers.',
    ),
    p(computedDisclosure(notice.gapPercent)),
    p('Consent or decline in the session.'),
    sessionLink(record, context),
  ],
});

const opened: Template<'proposal_opened'> = (record, notice, context) => ({
  subject: `A proposal is open until ${formatTime(notice.respondBy)}: ${record.title}`,
  blocks: [
    p(
      notice.kind === 'mediator'
        ? `The mediator of “${record.title}” proposes an amount.`
        : `The computed proposal of “${record.title}” is open.`,
    ),
    facts([
      ['Proposed amount', formatMoney(BigInt(notice.amount), record.currency)],
      ['Answer by', formatTime(notice.respondBy)],
    ]),
    p(SECRET_ANSWERS),
    p(CALENDAR_HINT),
    sessionLink(record, context),
  ],
});

const refused: Template<'proposal_refused'> = (record, notice, context) => ({
  subject: `Computed proposal refused: too far apart: ${record.title}`,
  blocks: [
    p(
      `The computed proposal of “${record.title}” was refused: the two standing numbers are more than ` +
        `${notice.gapPercent}% of the claimant's demand apart. Nothing else about them is revealed.`,
    ),
    sessionLink(record, context),
  ],
});

const declined: Template<'proposal_declined'> = (record, _notice, context) => ({
  subject: `Computed proposal declined: ${record.title}`,
  blocks: [
    p(`A side of “${record.title}” declined to consent to a computed proposal. Nothing was computed.`),
    sessionLink(record, context),
  ],
});

const notAccepted: Template<'proposal_not_accepted'> = (record, notice, context) => ({
  subject: `Proposal not accepted: ${record.title}`,
  blocks: [
    p(
      `The proposal of ${formatMoney(BigInt(notice.amount), record.currency)} in “${record.title}” was ` +
        'not accepted. Nobody learns whether a side said no or did not answer. The negotiation goes on.',
    ),
    sessionLink(record, context),
  ],
});

const reminder: Template<'proposal_reminder'> = (record, notice, context) => ({
  subject: `Reminder: answer the proposal by ${formatTime(notice.respondBy)}: ${record.title}`,
  blocks: [
    p(`Your side has not answered the proposal in “${record.title}” yet.`),
    facts([
      ['Proposed amount', formatMoney(BigInt(notice.amount), record.currency)],
      ['Answer by', formatTime(notice.respondBy)],
    ]),
    p(SECRET_ANSWERS),
    p(CALENDAR_HINT),
    sessionLink(record, context),
  ],
});

export const PROPOSAL_TEMPLATES: { [T in ProposalNotice['template']]: Template<T> } = {
  proposal_requested: requested,
  proposal_opened: opened,
  proposal_refused: refused,
  proposal_declined: declined,
  proposal_not_accepted: notAccepted,
  proposal_reminder: reminder,
};
