import { describe, expect, it } from 'vitest';
import { escapeHtml, renderNotice } from '../../../../shared/app/emails';
import {
  bonusRule,
  CALENDAR_HINT,
  formatDuration,
  formatTime,
  subjectLine,
} from '../../../../shared/app/emails/format';
import { ENDS_AT, NOTICES, record, SESSION_ID, TITLE } from '../../../support/fixtures/outbox-records';

const CONTEXT = {
  appUrl: 'https://app.example.com/',
  invitation: {
    link: 'https://app.example.com/invite?token=abc_DEF-123',
    rules: {
      bonusPercent: 5,
      initialRoundSeconds: 172_800,
      adjustmentSeconds: 2_419_200,
      caseNumber: '1:25-cv-<01>',
    },
  },
};

const render = (i: number) => renderNotice(record(NOTICES[i]!), NOTICES[i]!, CONTEXT);

describe('email templates', () => {
  it.each(NOTICES.map((n, i) => [n.template, i] as const))(
    '%s: text and HTML, user text escaped in HTML',
    (_, i) => {
      const email = render(i);
      expect(email.subject).toContain(TITLE);
      expect(email.subject).not.toMatch(/[\r\n]/);
      expect(email.text).toContain(TITLE);
      expect(email.html).toContain(escapeHtml(TITLE));
      expect(email.html).not.toContain('<img');
      expect(email.html).not.toContain('<script');
      expect(email.html).toContain(`<title>${escapeHtml(email.subject)}</title>`);
      expect(email.html.startsWith('<!doctype html>')).toBe(true);
    },
  );

  it('the invitation carries the link, the role, the durations and the bonus rule', () => {
    const email = render(0);
    expect(email.subject).toBe(`You are invited to a confidential negotiation: ${TITLE}`);
    expect(email.text).toContain('https://app.example.com/invite?token=abc_DEF-123');
    expect(email.html).toContain('href="https://app.example.com/invite?token=abc_DEF-123"');
    expect(email.text).toContain('as the respondent');
    expect(email.text).toContain('the most it would pay');
    expect(email.text).toContain('Initial round (48 hours)');
    expect(email.text).toContain('Adjustment (28 days)');
    expect(email.text).toContain('gets a 5% bonus');
    expect(email.text).toContain('Every party is shown this rule when it joins.');
    expect(email.text).toContain('Case number: 1:25-cv-<01>');
    expect(email.html).toContain('1:25-cv-&lt;01&gt;');
    expect(email.html).toContain('alice+&lt;b&gt;@example.com');
    expect(email.text).toContain(`until ${formatTime(ENDS_AT)}`);
  });

  it('an invitation cannot be rendered without its link', () => {
    expect(() => renderNotice(record(NOTICES[0]!), NOTICES[0]!, { appUrl: 'https://x' })).toThrow();
  });

  it('deadlines are shown in UTC to the minute, with a link to the session', () => {
    for (const i of [1, 2, 3, 4]) {
      const email = render(i);
      expect(email.subject).toContain('2026-03-04 17:00 UTC');
      expect(email.text).toContain(`https://app.example.com/sessions/${SESSION_ID}`);
    }
  });

  it('deadline emails, and only they, point to the session page to add the deadlines to a calendar', () => {
    // Prepare
    const deadlines = [
      'initial_round_opened',
      'initial_round_reminder',
      'adjustment_opened',
      'adjustment_reminder',
      'proposal_opened',
      'proposal_reminder',
    ];
    const sessionUrl = `https://app.example.com/sessions/${SESSION_ID}`;

    // Act
    const emails = NOTICES.map((notice, i) => ({ template: notice.template, email: render(i) }));

    // Assess: the hint, then the link to the session page (where "Add to calendar" is).
    for (const { template, email } of emails) {
      const hinted = email.text.indexOf(CALENDAR_HINT);
      if (!deadlines.includes(template)) {
        expect(hinted, template).toBe(-1);
        continue;
      }
      expect(hinted, template).toBeGreaterThan(-1);
      expect(email.text.indexOf(sessionUrl, hinted), template).toBeGreaterThan(hinted);
      expect(email.html).toContain(escapeHtml(CALENDAR_HINT));
    }
    expect(emails.filter(({ email }) => email.text.includes(CALENDAR_HINT))).toHaveLength(deadlines.length);
  });

  it('the deal email shows the outcome in the currency, the bonus side and the terms', () => {
    const email = render(5);
    expect(email.subject).toBe(`Deal reached: ${TITLE}`);
    expect(email.text).toContain('Final amount: USD 95,000.00');
    expect(email.text).toContain('Base amount: USD 100,000.00');
    expect(email.text).toContain('Bonus: the respondent');
    expect(email.text).toContain('Reached in: step 3 (adjustment)');
    expect(email.text).toContain('Clause 1 </blockquote><script>x()</script>\nClause 2 & more');
    expect(email.html).toContain(
      'Clause 1 &lt;/blockquote&gt;&lt;script&gt;x()&lt;/script&gt;\nClause 2 &amp; more',
    );
    const noTerms = { ...NOTICES[5]!, terms: null } as (typeof NOTICES)[number];
    expect(renderNotice(record(noTerms), noTerms, CONTEXT).text).toContain('No terms: numbers first.');
    const jpy = renderNotice(record(NOTICES[5]!, { currency: 'JPY' }), NOTICES[5]!, CONTEXT);
    expect(jpy.text).toContain('Final amount: JPY 9,500,000');
  });

  it('renders only what the record carries: no other digits sneak in', () => {
    // Every digit group in the text comes from a time, a duration, a percent, the session id or the outcome.
    for (let i = 0; i < NOTICES.length; i++) {
      const text = render(i)
        .text.replaceAll(`https://app.example.com/sessions/${SESSION_ID}`, '')
        .replaceAll(CONTEXT.invitation.link, '')
        .replaceAll(formatTime(ENDS_AT), '');
      const numbers = text.match(/\d+(?:[,.]\d+)*/g) ?? [];
      for (const n of numbers) {
        // step numbers, 5%, 48 hours, 28 days, the case number 1:25-cv-<01>, the outcome, and
        // a proposal's gap percent (30%) and amount (not a submitted number: everyone sees it)
        expect([
          '1',
          '2',
          '3',
          '5',
          '48',
          '28',
          '25',
          '01',
          '95,000.00',
          '100,000.00',
          '30',
          '412,000.00',
        ]).toContain(n);
      }
    }
  });

  it('the bonus rule with 0% says there is none', () => {
    expect(bonusRule(0)).toContain('none in this session');
    expect(bonusRule(0)).toContain('Every party is shown this rule when it joins.');
    expect(bonusRule(20)).toContain('20% below the base amount');
  });

  it('formats durations, times and subjects', () => {
    expect(formatDuration(172_800)).toBe('48 hours');
    expect(formatDuration(86_400)).toBe('24 hours');
    expect(formatDuration(259_200)).toBe('3 days');
    expect(formatDuration(3600)).toBe('1 hour');
    expect(formatDuration(90)).toBe('90 seconds');
    expect(formatDuration(120)).toBe('2 minutes');
    expect(formatTime(Date.parse('2026-01-02T03:04:59.999Z'))).toBe('2026-01-02 03:04 UTC');
    expect(subjectLine('a\r\nBcc: x@y\tz')).toBe('a Bcc: x@y z');
    expect(subjectLine('x'.repeat(300))).toHaveLength(200);
  });
});

describe('greetings by display name (docs/rules.md, "Profiles")', () => {
  it('greets the recipients by name where they have one and names the inviter', () => {
    // Prepare
    const notice = NOTICES[0]!;
    if (notice.template !== 'invitation') throw new Error('fixture 0 is an invitation');
    const names = new Map([
      [notice.to[0]!, 'Robin <Qx> Vale'],
      [notice.invitedBy, 'Alice Park'],
    ]);

    // Act
    const email = renderNotice(record(notice), notice, { ...CONTEXT, names });

    // Assess
    expect(email.text.startsWith('Hello Robin <Qx> Vale,')).toBe(true);
    expect(email.html).toContain('Hello Robin &lt;Qx&gt; Vale,');
    expect(email.text).toContain(`Alice Park (${notice.invitedBy}) invites you`);
  });

  it('lists several recipients, the unnamed by address, and greets nobody when no one has a name', () => {
    // Prepare
    const notice = { ...NOTICES[1]!, to: ['ann@example.com', 'bo@example.com', 'cy@example.com'] };
    const names = new Map([['bo@example.com', 'Bo Lind']]);

    // Act
    const named = renderNotice(record(notice), notice, { ...CONTEXT, names });
    const plain = renderNotice(record(notice), notice, { ...CONTEXT, names: new Map() });

    // Assess
    expect(named.text.startsWith('Hello ann@example.com, Bo Lind and cy@example.com,')).toBe(true);
    expect(plain.text).not.toContain('Hello');
  });
});
