/**
 * `GET /sessions/{id}/calendar.ics` (openapi.yaml) through the real handlers against DynamoDB
 * Local: who may read it, that its events are the deadlines of the caller's view as the session
 * moves on (docs/rules.md, "Deadlines in a calendar"), and that no number is ever in it.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formsOf } from '../../support/amount-scan';
import { type ApiHarness, createApiHarness, freshEmail } from '../../support/api-harness';
import { parseCalendar } from '../../support/ics';
import { sessionFlows } from '../../support/session-flows';

let api: ApiHarness;
let flows: ReturnType<typeof sessionFlows>;

beforeAll(async () => {
  api = await createApiHarness();
  flows = sessionFlows(api);
});

afterEach(() => api.setClock(0));

const UNKNOWN_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** A side's number and a mediator's proposal, distinctive enough to be searched for. */
const CLAIMANT_NUMBER = 7_777_123_457;
const PROPOSED_AMOUNT = 6_543_219_871;

const calendarOf = (id: string, as: string | null) => api.call('GET', `/sessions/${id}/calendar.ics`, { as });
const viewOf = async (id: string, as: string) => (await api.call('GET', `/sessions/${id}`, { as })).body;

/** The events as [UID kind, start] pairs, UIDs checked to belong to the session. */
function eventsOf(id: string, text: string): [string, string][] {
  return parseCalendar(text).events.map((e) => {
    expect(e.uid.startsWith(`${id}-`) && e.uid.endsWith('@backchannel')).toBe(true);
    return [e.uid.slice(id.length + 1, -'@backchannel'.length), e.start];
  });
}

describe('GET /sessions/{id}/calendar.ics', () => {
  it('answers a member 200 with a text/calendar download whose events are the view’s deadlines', async () => {
    // Prepare
    const s = await flows.opened({ mediator: true, create: { title: 'Acme, Inc.; v. Widget 🚀' } });
    const view = await viewOf(s.id, s.claimant);

    // Act
    const res = await calendarOf(s.id, s.claimant);

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="backchannel-${s.id}.ics"`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(eventsOf(s.id, res.body)).toEqual([['initial-round', view.schedule.initialRoundEndsAt]]);
    const [event] = parseCalendar(res.body).events;
    expect(event!.summary).toBe('Step 2 closes — Acme, Inc.; v. Widget 🚀');
    expect(event!.utc).toBe(true);
    expect(res.body).toContain(`DTSTART:${view.schedule.initialRoundEndsAt.replace(/[-:]/g, '')}`);
  });

  it('answers the mediator and both sides the same events', async () => {
    // Prepare
    const s = await flows.opened({ mediator: true });

    // Act
    const answers = await Promise.all(
      [s.claimant, s.respondent, s.mediator].map((as) => calendarOf(s.id, as)),
    );

    // Assess
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const events = answers.map((r) => parseCalendar(r.body).events.map(({ dtstamp: _, ...e }) => e));
    expect(events[1]).toEqual(events[0]);
    expect(events[2]).toEqual(events[0]);
  });

  it('answers an outsider exactly as for an unknown id: 404, same body', async () => {
    // Prepare
    const s = await flows.opened();
    const outsider = freshEmail('outsider');

    // Act
    const existing = await calendarOf(s.id, outsider);
    const unknown = await calendarOf(UNKNOWN_ID, outsider);
    const unknownToMember = await calendarOf(UNKNOWN_ID, s.claimant);

    // Assess
    expect(existing.status).toBe(404);
    expect(existing.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(existing.headers['content-type']).toBe('application/json');
    for (const other of [unknown, unknownToMember]) {
      expect(other.status).toBe(404);
      expect(other.rawBody).toBe(existing.rawBody);
      expect(other.headers).toEqual(existing.headers);
    }
  });

  it('answers 401 without a token', async () => {
    // Prepare
    const s = await flows.opened();

    // Act
    const res = await calendarOf(s.id, null);

    // Assess
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('has no event before step 1 is settled: a valid, empty calendar', async () => {
    // Prepare
    const s = await flows.joined();

    // Act
    const res = await calendarOf(s.id, s.claimant);

    // Assess
    expect(res.status).toBe(200);
    expect(parseCalendar(res.body).events).toEqual([]);
  });

  it('adds events as the session moves on, matching the view each time, with stable UIDs', async () => {
    // Prepare: step 2 for a minute, then step 3; the claimant's number is in.
    const s = await flows.opened({
      mediator: true,
      create: { initialRoundSeconds: 60, adjustmentSeconds: 3600 },
    });
    const number = await api.call('PUT', `/sessions/${s.id}/number`, {
      as: s.claimant,
      body: { amount: CLAIMANT_NUMBER },
    });
    expect(number.status).toBe(202);

    // Act: step 2; step 3 (its deadline passed with one number); a mediator's proposal.
    const inStep2 = await calendarOf(s.id, s.respondent);
    const inStep2Again = await calendarOf(s.id, s.respondent);
    api.setClock(61_000);
    const inStep3 = await calendarOf(s.id, s.claimant);
    const step3View = await viewOf(s.id, s.claimant);
    const proposal = await api.call('POST', `/sessions/${s.id}/proposals`, {
      as: s.mediator,
      body: { kind: 'mediator', amount: PROPOSED_AMOUNT },
    });
    expect(proposal.status).toBe(201);
    const withProposal = await calendarOf(s.id, s.claimant);
    const proposalView = await viewOf(s.id, s.claimant);

    // Assess: each calendar is the view's schedule; UIDs do not change from one fetch to the next.
    expect(eventsOf(s.id, inStep2.body)).toEqual([['initial-round', step3View.schedule.initialRoundEndsAt]]);
    expect(parseCalendar(inStep2Again.body).events.map((e) => e.uid)).toEqual(
      parseCalendar(inStep2.body).events.map((e) => e.uid),
    );
    expect(step3View.phase).toBe('adjustment');
    expect(eventsOf(s.id, inStep3.body)).toEqual([
      ['initial-round', step3View.schedule.initialRoundEndsAt],
      ['adjustment', step3View.schedule.endsAt],
    ]);
    expect(proposalView.proposal).toMatchObject({ state: 'open', amount: PROPOSED_AMOUNT });
    expect(eventsOf(s.id, withProposal.body)).toEqual(
      [
        ['initial-round', proposalView.schedule.initialRoundEndsAt],
        ['adjustment', proposalView.schedule.endsAt],
        ['proposal-1', proposalView.proposal.respondBy],
      ].sort((a, b) => a[1].localeCompare(b[1])),
    );

    // Assess: no amount, in any form, folded or unfolded.
    for (const res of [inStep2, inStep3, withProposal]) {
      const unfolded = res.body.replace(/\r\n[ \t]/g, '');
      for (const amount of [CLAIMANT_NUMBER, PROPOSED_AMOUNT]) {
        const found = formsOf(amount).strings.filter(
          (form) => res.body.includes(form) || unfolded.includes(form),
        );
        expect(found).toEqual([]);
      }
    }
  });

  it('drops the proposal’s event once it is no longer open', async () => {
    // Prepare: a mediator's proposal in step 3, then step 3 ends (no deal).
    const s = await flows.opened({
      mediator: true,
      create: { initialRoundSeconds: 60, adjustmentSeconds: 120 },
    });
    api.setClock(61_000);
    const proposal = await api.call('POST', `/sessions/${s.id}/proposals`, {
      as: s.mediator,
      body: { kind: 'mediator', amount: PROPOSED_AMOUNT },
    });
    expect(proposal.status).toBe(201);
    api.setClock(200_000);

    // Act
    const res = await calendarOf(s.id, s.mediator);
    const view = await viewOf(s.id, s.mediator);

    // Assess: the ended session keeps its (past) step deadlines, as its view does.
    expect(view.phase).toBe('no_deal');
    expect(eventsOf(s.id, res.body)).toEqual([
      ['initial-round', view.schedule.initialRoundEndsAt],
      ['adjustment', view.schedule.endsAt],
    ]);
  });
});
