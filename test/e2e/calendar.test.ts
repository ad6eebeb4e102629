/**
 * The deadlines calendar over real HTTP against the running local runtime (docs/rules.md,
 * "Deadlines in a calendar"): the download as a browser on the web app's origin receives it, and
 * the "step 2 opened" email pointing to the session page.
 */
import { describe, expect, inject, it } from 'vitest';
import { CALENDAR_HINT } from '../../shared/app/emails/format';
import { E2eClient } from '../support/e2e-client';
import { parseCalendar } from '../support/ics';
import { spellings, withSubject } from './expected';

const api = new E2eClient(inject('apiUrl'));
const webUrl = inject('webUrl');
const NUMBER = 7_777_123_457;

describe('the deadlines calendar', () => {
  it('downloads over HTTP as text/calendar with step 2’s deadline, readable by the web app, with no number', async () => {
    // Prepare
    const s = await api.settledStep1({ domain: 'calendar.e2e.example', mediator: true });
    await api.submit(s.id, s.claimant, NUMBER);
    await api.clock(0);
    const view = await api.view(s.id, s.claimant);

    // Act
    const res = await api.call('GET', `/sessions/${s.id}/calendar.ics`, {
      token: s.claimant.token,
      headers: { origin: webUrl },
    });

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="backchannel-${s.id}.ics"`);
    expect(res.headers.get('access-control-allow-origin')).toBe(webUrl);
    expect(res.headers.get('access-control-expose-headers')).toContain('content-disposition');
    const { events } = parseCalendar(res.text);
    expect(events.map((e) => [e.uid, e.start])).toEqual([
      [`${s.id}-initial-round@backchannel`, view.schedule.initialRoundEndsAt],
    ]);
    const unfolded = res.text.replace(/\r\n[ \t]/g, '');
    for (const spelling of spellings(NUMBER)) expect(unfolded).not.toContain(spelling);
  });

  it('the "step 2 opened" email points to the session page to add the deadlines', async () => {
    // Prepare
    const s = await api.settledStep1({ domain: 'calendar-email.e2e.example' });

    // Act
    await api.clock(0);
    const [email] = withSubject(await api.emails(s.respondent.email), 'Step 2 is open');

    // Assess
    expect(email!.text).toContain(CALENDAR_HINT);
    expect(email!.text).toContain(`/sessions/${s.id}`);
  });
});
