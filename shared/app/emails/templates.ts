/**
 * The emails of docs/rules.md, "Emails", one template per notice. Only what an outbox record carries reaches
 * them (ids, times, the session's title and currency, the outcome once settled): no submitted
 * number exists anywhere in their input. Money is formatted with `formatMoney` for the outcome
 * only.
 */
import { formatMoney } from '../../engine/currency';
import type { Notice, OutboxRecord } from '../outbox';
import { bonusRule, CALENDAR_HINT, formatDuration, formatTime, roleLabel, subjectLine } from './format';
import {
  type Block,
  type EmailContent,
  facts,
  heading,
  link,
  p,
  quote,
  renderHtml,
  renderText,
  steps,
} from './layout';
import { PROPOSAL_TEMPLATES } from './proposal-templates';

/** The rules of a session, shown to an invited party (docs/rules.md, "Match and deal amount": "shown this rule when it joins"). */
export interface SessionRules {
  bonusPercent: number;
  initialRoundSeconds: number;
  adjustmentSeconds: number;
  caseNumber: string | null;
}

export interface RenderContext {
  /** The web app's base URL, without a trailing slash. */
  appUrl: string;
  /** Invitations only: the link carrying the token, and the session's rules. */
  invitation?: { link: string; rules: SessionRules };
  /** Display names of the recipients and the inviter (docs/rules.md, "Profiles"), where set. */
  names?: ReadonlyMap<string, string>;
}

/** "Alice Park (alice@…)" when the person has a display name, else the address. */
const person = (email: string, context: RenderContext) => {
  const name = context.names?.get(email);
  return name ? `${name} (${email})` : email;
};

/**
 * "Hello Alice Park and bob@…," when at least one recipient has a display name; no greeting
 * otherwise (one message goes to every recipient of an event, docs/rules.md, "Emails").
 */
function greeting(to: string[], context: RenderContext): Block | null {
  const names = to.map((email) => context.names?.get(email));
  if (!names.some(Boolean)) return null;
  const called = to.map((email, i) => names[i] ?? email);
  const list = called.length === 1 ? called[0] : `${called.slice(0, -1).join(', ')} and ${called.at(-1)}`;
  return p(`Hello ${list},`);
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Template<T extends Notice['template']> = (
  record: OutboxRecord,
  notice: Extract<Notice, { template: T }>,
  context: RenderContext,
) => EmailContent;

const sessionLink = (record: OutboxRecord, context: RenderContext) =>
  link('Open the session', `${context.appUrl}/sessions/${encodeURIComponent(record.sessionId)}`);

const howItWorks = (rules: SessionRules): Block =>
  steps([
    'Terms. The sides agree on a terms text (a settlement agreement with the amount left blank), or ' +
      'agree to go "numbers first" without terms.',
    `Initial round (${formatDuration(rules.initialRoundSeconds)}). Each side enters, in secret, the number ` +
      'it would really settle for: the claimant the least it would accept, the respondent the most it ' +
      'would pay. Neither the other side nor the mediator ever sees it. If the two numbers meet or ' +
      'overlap there is a deal, at an amount drawn at random inside the overlap (never the midpoint); ' +
      'otherwise nothing is revealed but "no deal yet".',
    `Adjustment (${formatDuration(rules.adjustmentSeconds)}). If the initial round ends without a deal, ` +
      'each side may change its number, up or down, as often as it likes. Each change is evaluated at ' +
      'once; the first change that creates an overlap makes the deal.',
  ]);

const invitation: Template<'invitation'> = (record, notice, context) => {
  const invite = context.invitation;
  if (!invite) throw new Error('invitation email needs its link and the session rules');
  const { rules } = invite;
  const role = roleLabel(notice.role);
  const subject = `You are invited to a confidential negotiation: ${record.title}`;
  const roleNote =
    notice.role === 'mediator'
      ? 'As the mediator you never see either side’s number: you see whether each side has entered one, ' +
        'and the outcome.'
      : notice.role === 'claimant'
        ? 'As the claimant, your side enters a demand: the least it would accept.'
        : 'As the respondent, your side enters an offer: the most it would pay.';
  return {
    subject,
    blocks: [
      p(`${person(notice.invitedBy, context)} invites you to join “${record.title}” as the ${role}.`),
      facts([
        ['Session', record.title],
        ...(rules.caseNumber ? ([['Case number', rules.caseNumber]] as [string, string][]) : []),
        ['Your role', role],
        ['Currency', record.currency],
        ['Invitation valid until', formatTime(notice.validUntil)],
      ]),
      link('Accept the invitation', invite.link),
      p(
        `The link works once, only for ${notice.to[0] ?? 'the invited address'}, until ` +
          `${formatTime(notice.validUntil)}. Do not forward it.`,
      ),
      p(roleNote),
      heading('How it works'),
      howItWorks(rules),
      heading('The step-3 bonus rule'),
      p(bonusRule(rules.bonusPercent)),
    ],
  };
};

const initialRoundOpened: Template<'initial_round_opened'> = (record, notice, context) => ({
  subject: `Step 2 is open until ${formatTime(notice.endsAt)}: ${record.title}`,
  blocks: [
    p(`The initial round (step 2) of “${record.title}” is open.`),
    facts([['Step 2 closes', formatTime(notice.endsAt)]]),
    p(
      'Each side enters the number it would really settle for. A side may replace its number until the ' +
        'other side’s first number arrives. If the two numbers meet or overlap there is a deal; otherwise ' +
        'step 3 (adjustment) opens and nothing is revealed but "no deal yet".',
    ),
    p(bonusRule(notice.bonusPercent)),
    p(CALENDAR_HINT),
    sessionLink(record, context),
  ],
});

const initialRoundReminder: Template<'initial_round_reminder'> = (record, notice, context) => ({
  subject: `Reminder: step 2 closes at ${formatTime(notice.endsAt)}: ${record.title}`,
  blocks: [
    p(`Your side has not entered a number in “${record.title}” yet.`),
    facts([['Step 2 closes', formatTime(notice.endsAt)]]),
    p('Enter the number your side would really settle for before step 2 closes.'),
    p(CALENDAR_HINT),
    sessionLink(record, context),
  ],
});

const adjustmentOpened: Template<'adjustment_opened'> = (record, notice, context) => ({
  subject: `No deal yet: step 3 is open until ${formatTime(notice.endsAt)}: ${record.title}`,
  blocks: [
    p(
      `The initial round of “${record.title}” closed without a deal. Nothing about the numbers is ` +
        'revealed.',
    ),
    facts([['Step 3 ends', formatTime(notice.endsAt)]]),
    p(
      'Step 3 (adjustment) is open: each side may change its number, up or down, as often as it likes, ' +
        'and a side without a number may enter one. Each change is evaluated at once.',
    ),
    p(bonusRule(notice.bonusPercent)),
    p(CALENDAR_HINT),
    sessionLink(record, context),
  ],
});

const adjustmentReminder: Template<'adjustment_reminder'> = (record, notice, context) => ({
  subject: `Reminder: step 3 ends at ${formatTime(notice.endsAt)}: ${record.title}`,
  blocks: [
    p(`Step 3 (adjustment) of “${record.title}” ends soon without a deal so far.`),
    facts([['Step 3 ends', formatTime(notice.endsAt)]]),
    p('Until then each side may still change its number. After the end the session closes with no deal.'),
    p(CALENDAR_HINT),
    sessionLink(record, context),
  ],
});

const SIDE_NAMES: Record<string, string> = { claimant: 'the claimant', respondent: 'the respondent' };
const STEP_NAMES: Record<string, string> = {
  initial_round: 'step 2 (initial round)',
  adjustment: 'step 3 (adjustment)',
  proposal: 'a double-blind proposal (step 3)',
};

const settled: Template<'settled'> = (record, notice, context) => {
  const { outcome } = notice;
  const amount = formatMoney(BigInt(outcome.amount), record.currency);
  const base = formatMoney(BigInt(outcome.baseAmount), record.currency);
  const bonus = outcome.bonusSide
    ? `${SIDE_NAMES[outcome.bonusSide] ?? outcome.bonusSide} (step-3 bonus rule: its number was there first)`
    : 'none';
  return {
    subject: `Deal reached: ${record.title}`,
    blocks: [
      p(
        outcome.reachedIn === 'proposal'
          ? `Both sides accepted the proposal in “${record.title}”: there is a deal at its amount.`
          : `The numbers in “${record.title}” met: there is a deal.`,
      ),
      facts([
        ['Final amount', amount],
        ['Base amount', base],
        ['Bonus', bonus],
        ['Reached in', STEP_NAMES[outcome.reachedIn] ?? outcome.reachedIn],
        ['Settled at', formatTime(outcome.settledAt)],
      ]),
      heading('Terms'),
      notice.terms === null ? p('No terms: numbers first.') : quote(notice.terms),
      sessionLink(record, context),
    ],
  };
};

const noDeal: Template<'no_deal'> = (record, notice, context) => ({
  subject: `Ended with no deal: ${record.title}`,
  blocks: [
    p(
      `Step 3 of “${record.title}” ended at ${formatTime(notice.at)} without a deal. The numbers stay ` +
        'secret and have been deleted.',
    ),
    sessionLink(record, context),
  ],
});

const withdrawn: Template<'withdrawn'> = (record, notice, context) => ({
  subject: `Withdrawn: ${record.title}`,
  blocks: [
    p(
      `A side withdrew from “${record.title}” at ${formatTime(notice.at)}. The session has ended without ` +
        'a deal. The numbers stay secret and have been deleted.',
    ),
    sessionLink(record, context),
  ],
});

const TEMPLATES: { [T in Notice['template']]: Template<T> } = {
  invitation,
  initial_round_opened: initialRoundOpened,
  initial_round_reminder: initialRoundReminder,
  adjustment_opened: adjustmentOpened,
  adjustment_reminder: adjustmentReminder,
  settled,
  no_deal: noDeal,
  withdrawn,
  ...PROPOSAL_TEMPLATES,
};

/** Renders the notice of an outbox record as an email (plain text and HTML). */
export function renderNotice(record: OutboxRecord, notice: Notice, context: RenderContext): RenderedEmail {
  const template = TEMPLATES[notice.template] as Template<Notice['template']>;
  const content = template(record, notice, { ...context, appUrl: context.appUrl.replace(/\/+$/, '') });
  const subject = subjectLine(content.subject);
  const hello = greeting(notice.to, context);
  const blocks = hello ? [hello, ...content.blocks] : content.blocks;
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}
