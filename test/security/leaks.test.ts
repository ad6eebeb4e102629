/**
 * Nothing leaks (docs/rules.md, "Who learns what"). Complete negotiations run through the real handlers with amounts
 * whose digits appear nowhere else, and everything is captured: every HTTP response to every
 * party, all log output (DEBUG), a full scan of the table, every stream record, every email and
 * the files of the data folder. No submitted number may appear in any of it, in any usual
 * formatting, except in a side's own `GET /number`, and (exact match only) as the outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  amountForms,
  type Caller,
  type CapturedRuntime,
  contextOf,
  findAmounts,
  type RecordedResponse,
  startCapturedRuntime,
  toJson,
} from '../support/capture';
import {
  accept,
  expectStatus,
  freshEmail,
  joinedSession,
  openStep2,
  parties,
  type Session,
  sessionItem,
  submit,
  untilPhase,
  view,
} from './helpers';

type Side = 'claimant' | 'respondent';

/** Distinctive amounts (USD cents): long, no repeated pattern, none a part of another. */
const A = {
  claimantFirst: 6257093814n,
  claimantReplaced: 7391846250193n,
  respondent: 5829174603n,
  claimantMove: 8314067925n,
  respondentDeal: 9472615083n,
};
const B = { claimant: 4718293065n, respondent: 3926185047n, respondentMove: 4190357268n };
const C = { claimant: 6602918437n, respondent: 2857306194n, claimantMove: 5138264907n };
const EXACT = 9183726450817n;
/** A session that goes through proposals: two numbers 3.4% apart (a computed proposal opens). */
const P = { claimant: 6148203957n, respondent: 5937281406n };
const ALL = [...Object.values(A), ...Object.values(B), ...Object.values(C), ...Object.values(P), EXACT];

let rt: CapturedRuntime;
/** Who is on which side of which session: a side's own GET /number may show that side's numbers. */
const sides = new Map<string, Map<string, Side>>();
/** The numbers each side of each session submitted. */
const submitted = new Map<string, Record<Side, bigint[]>>();

function register(s: Session, extra: { claimant?: Caller[] } = {}) {
  sides.set(
    s.id,
    new Map<string, Side>([
      [s.claimant.email!, 'claimant'],
      [s.respondent.email!, 'respondent'],
      ...(extra.claimant ?? []).map((c) => [c.email!, 'claimant'] as [string, Side]),
    ]),
  );
  submitted.set(s.id, { claimant: [], respondent: [] });
}

async function put(who: Caller, s: Session, side: Side, amount: bigint) {
  submitted.get(s.id)![side].push(amount);
  return submit(rt, who, s.id, amount);
}

const NUMBER_PATH = /^\/sessions\/([^/]+)\/number$/;

/** The amounts a response may contain: a side's own numbers in its own GET /number, else none. */
function allowedIn(res: RecordedResponse): bigint[] {
  const id = NUMBER_PATH.exec(res.path)?.[1];
  if (res.method !== 'GET' || !id || res.status !== 200 || !res.caller.email) return [];
  const side = sides.get(id)?.get(res.caller.email);
  return side ? (submitted.get(id)?.[side] ?? []) : [];
}

interface Corpus {
  logs: string;
  table: string;
  stream: string;
  emails: string;
  files: { path: string; text: string }[];
}

async function corpus(): Promise<Corpus> {
  await rt.settle();
  return {
    logs: rt.output.text(),
    table: toJson(await rt.items()),
    stream: toJson(await rt.streamRecords()),
    emails: toJson(await rt.emails()),
    files: rt.dataFiles().map((f) => ({ path: f.path, text: f.bytes.toString('latin1') })),
  };
}

/** Every place an amount of `amounts` shows up where it must not, described. */
async function leaksOf(amounts: bigint[], options: { exceptOutcome?: boolean } = {}): Promise<string[]> {
  const c = await corpus();
  const found: string[] = [];
  for (const res of rt.responses) {
    const allowed = new Set(allowedIn(res));
    const forbidden = amounts.filter((a) => !allowed.has(a));
    const body = options.exceptOutcome ? toJson(withoutOutcome(res.json ?? res.text)) : res.text;
    for (const hit of findAmounts(`${body}\n${toJson(res.headers)}`, forbidden)) {
      found.push(`response to ${res.caller.label} ${res.method} ${res.path} (${res.status}): ${hit}`);
    }
  }
  const channels: [string, string][] = [
    ['log output', c.logs],
    ['table scan', options.exceptOutcome ? toJson(withoutOutcome(JSON.parse(c.table) as unknown)) : c.table],
    [
      'stream records',
      options.exceptOutcome ? toJson(withoutOutcome(JSON.parse(c.stream) as unknown)) : c.stream,
    ],
    [
      'emails',
      options.exceptOutcome
        ? toJson(
            (JSON.parse(c.emails) as { subject: string }[]).filter(
              (e) => !e.subject.startsWith('Deal reached'),
            ),
          )
        : c.emails,
    ],
    // The raw database file still holds the outcome (stored in plain by design).
    ...c.files
      .filter(() => !options.exceptOutcome)
      .map((f): [string, string] => [`data file ${f.path}`, f.text]),
  ];
  for (const [name, text] of channels) {
    for (const hit of findAmounts(text, amounts)) {
      found.push(`${name}: ${hit} … ${JSON.stringify(contextOf(text, BigInt(hit.split(' ')[0]!)))}`);
    }
  }
  return found;
}

/** A deep copy without any `outcome` member (views, items, stream images: `outcome: {M: …}`). */
function withoutOutcome(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOutcome);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => k !== 'outcome')
        .map(([k, v]) => [k, withoutOutcome(v)]),
    );
  }
  return value;
}

/** Every party looks at everything it can reach; outsiders try too. */
async function lookAround(s: Session, others: { members?: Caller[]; outsider: Caller; stranger: Caller }) {
  const members = [s.claimant, s.respondent, ...(s.mediator ? [s.mediator] : []), ...(others.members ?? [])];
  for (const who of members) {
    await rt.send(who, 'GET', `/sessions/${s.id}`);
    await rt.send(who, 'GET', '/sessions');
    await rt.send(who, 'GET', `/sessions/${s.id}/number`);
    await rt.send(who, 'GET', `/sessions/${s.id}/calendar.ics`);
  }
  for (const who of [others.outsider, others.stranger]) {
    expectStatus(await rt.send(who, 'GET', `/sessions/${s.id}`), 404);
    expectStatus(await rt.send(who, 'GET', `/sessions/${s.id}/calendar.ics`), 404);
    expectStatus(await rt.send(who, 'GET', `/sessions/${s.id}/number`), 404);
    expectStatus(await rt.send(who, 'PUT', `/sessions/${s.id}/number`, { body: { amount: 1000 } }), 404);
    await rt.send(who, 'GET', '/sessions');
  }
  if (s.mediator) expectStatus(await rt.send(s.mediator, 'GET', `/sessions/${s.id}/number`), 403);
}

/** The answers each side gave, by session and proposal number: only that side may ever see one. */
const answersGiven = new Map<string, Map<number, Partial<Record<Side, boolean>>>>();

/** Every view of a proposal in every response: `myAnswer` is null but for the caller's own side's answer. */
function answerLeaksInResponses(): { leaks: string[]; ownAnswersShown: number } {
  const found: string[] = [];
  let ownAnswersShown = 0;
  for (const res of rt.responses) {
    const views = Array.isArray(res.json?.sessions)
      ? res.json.sessions
      : res.json?.proposal
        ? [res.json]
        : [];
    for (const view of views as {
      id: string;
      proposal?: { myAnswer: boolean | null; history: unknown[] };
    }[]) {
      const shown = view.proposal?.myAnswer ?? null;
      if (shown === null) continue;
      const side = res.caller.email ? sides.get(view.id)?.get(res.caller.email) : undefined;
      const given = side
        ? answersGiven.get(view.id)?.get(view.proposal!.history.length + 1)?.[side]
        : undefined;
      if (shown !== given) {
        found.push(`response to ${res.caller.label} ${res.method} ${res.path}: myAnswer ${shown}`);
      } else {
        ownAnswersShown++;
      }
    }
  }
  return { leaks: found, ownAnswersShown };
}

async function ownNumber(who: Caller, s: Session) {
  return rt.send(who, 'GET', `/sessions/${s.id}/number`);
}

describe('nothing leaks', () => {
  let outsider: Caller;
  let stranger: Caller;

  beforeAll(async () => {
    rt = await startCapturedRuntime();
    outsider = await rt.user(freshEmail('outsider'), 'outsider');
    // A member of another session (the one created here), never of the sessions under test.
    stranger = await rt.user(freshEmail('stranger'), 'member of another session');
    const other = await rt.send(stranger, 'POST', '/sessions', {
      body: { title: 'Elsewhere', currency: 'USD', myRole: 'respondent', invite: {} },
    });
    expectStatus(other, 201);
  });

  afterAll(async () => {
    await rt?.stop();
  });

  it('the distinctive amounts appear nowhere before they are submitted', async () => {
    // Prepare: sessions exist, people joined, emails went out, logs were written.
    const s = await joinedSession(rt, await parties(rt, { mediator: true }));
    await openStep2(rt, s);

    // Act
    const c = await corpus();

    // Assess: the candidates are distinctive, and the capture did see output.
    expect(rt.output.size()).toBeGreaterThan(1000);
    expect(c.stream.length).toBeGreaterThan(1000);
    const everything = [c.logs, c.table, c.stream, c.emails, ...rt.responses.map((r) => r.text)].join('\n');
    expect(findAmounts(everything, ALL)).toEqual([]);
    for (const a of ALL) for (const b of ALL) if (a !== b) expect(b.toString()).not.toContain(a.toString());
  });

  it('a negotiation that ends in a deal in step 3: no number anywhere but its own side’s reads', async () => {
    // Prepare: claimant creator, claimant co-counsel, respondent, mediator; terms proposed by
    // the mediator and accepted by both sides.
    const p = await parties(rt, { mediator: true });
    const s = await joinedSession(rt, p, { title: 'Leak test: deal', caseNumber: 'CV-A' });
    const coCounsel = await rt.user(freshEmail('cocounsel'), 'claimant co-counsel');
    expectStatus(
      await rt.send(s.claimant, 'POST', `/sessions/${s.id}/invitations`, {
        body: { email: coCounsel.email, role: 'claimant' },
      }),
      201,
    );
    await accept(rt, coCounsel, s.id);
    register(s, { claimant: [coCounsel] });
    const proposed = await rt.send(s.mediator!, 'PUT', `/sessions/${s.id}/terms`, {
      body: { text: 'Mutual release; no admission of liability; confidentiality.' },
    });
    expectStatus(proposed, 200);
    for (const side of [s.claimant, s.respondent]) {
      expectStatus(
        await rt.send(side, 'POST', `/sessions/${s.id}/terms/accept`, { body: { version: 1 } }),
        200,
      );
    }
    const look = () => lookAround(s, { members: [coCounsel], outsider, stranger });
    await look();

    // Act: step 2 — the claimant enters a number, its co-counsel replaces it, the respondent's
    // completes the pair without overlap; step 3 — a claimant move, then the respondent's move
    // that creates the overlap.
    await put(s.claimant, s, 'claimant', A.claimantFirst);
    await look();
    expect((await ownNumber(coCounsel, s)).json).toMatchObject({ amount: Number(A.claimantFirst) });
    expectStatus(await ownNumber(s.respondent, s), 404, 'no_number');
    await put(coCounsel, s, 'claimant', A.claimantReplaced);
    await look();
    expect((await ownNumber(s.claimant, s)).json).toMatchObject({ amount: Number(A.claimantReplaced) });
    await put(s.respondent, s, 'respondent', A.respondent);
    await untilPhase(rt, s.mediator!, s.id, 'adjustment');
    await look();
    expect((await ownNumber(s.respondent, s)).json).toMatchObject({ amount: Number(A.respondent) });
    await put(s.claimant, s, 'claimant', A.claimantMove);
    await rt.settle();
    expect((await view(rt, s.mediator!, s.id)).phase).toBe('adjustment');
    await look();
    await put(s.respondent, s, 'respondent', A.respondentDeal);
    const settled = await untilPhase(rt, s.mediator!, s.id, 'settled');
    await look();

    // Assess: the deal is what the rules give (claimant's number was waiting: its bonus) …
    const { outcome } = settled;
    expect(outcome).toMatchObject({ reachedIn: 'adjustment', bonusSide: 'claimant' });
    expect(BigInt(outcome.baseAmount)).toBeGreaterThanOrEqual(A.claimantMove);
    expect(BigInt(outcome.baseAmount)).toBeLessThanOrEqual(A.respondentDeal);
    expect(BigInt(outcome.amount)).toBe((BigInt(outcome.baseAmount) * 105n + 50n) / 100n);
    // … by construction it cannot equal a submitted number (the base is rounded to ≥ 3 zeros) …
    expect(BigInt(outcome.baseAmount) % 1000n).toBe(0n);
    // … numbers are gone with the session, and the own-number route says so …
    expect(await sessionItem(rt, s.id)).toMatchObject({ sealed: {} });
    expectStatus(await ownNumber(s.claimant, s), 409, 'session_ended');
    // … every party got the deal email once, with the outcome and no number.
    const deals = (await rt.emails()).filter((e) => e.subject === 'Deal reached: Leak test: deal');
    expect(deals).toHaveLength(1);
    expect(deals[0]!.to.sort()).toEqual(
      [s.claimant.email, s.respondent.email, s.mediator!.email, coCounsel.email].sort(),
    );
    // … the capture saw the handlers' logs, the sealed numbers in the stream and the database file …
    const c = await corpus();
    for (const fn of ['api', 'submit-number', 'own-number', 'match', 'notify']) {
      expect(c.logs).toContain(`"service":"${fn}"`);
    }
    expect(c.stream).toMatch(/"sealed":\{"M":\{"\d+":\{"B":"[A-Za-z0-9+/=]{40,}"/);
    expect(c.files.some((f) => f.text.includes(s.id))).toBe(true);
    // … and nowhere else did any number show up.
    expect(await leaksOf(ALL)).toEqual([]);
    // No response ever carried a validator or a time that moves with the other side's writes.
    for (const res of rt.responses) {
      expect(res.headers).not.toHaveProperty('etag');
      expect(res.headers).not.toHaveProperty('last-modified');
      expect(res.text).not.toMatch(/"(updatedAt|seq|evaluatedSeq|rev|sealed|latest)"/);
    }
  });

  it('a withdrawal in step 3: no number anywhere but its own side’s reads, and none kept', async () => {
    // Prepare
    const s = await joinedSession(rt, await parties(rt, { mediator: true }), {
      title: 'Leak test: withdrawal',
    });
    register(s);
    await openStep2(rt, s);
    const look = () => lookAround(s, { outsider, stranger });

    // Act
    await put(s.claimant, s, 'claimant', C.claimant);
    await look();
    await put(s.respondent, s, 'respondent', C.respondent);
    await untilPhase(rt, s.claimant, s.id, 'adjustment');
    await put(s.claimant, s, 'claimant', C.claimantMove);
    await look();
    expect((await ownNumber(s.claimant, s)).json).toMatchObject({ amount: Number(C.claimantMove) });
    const withdrawn = await rt.send(s.respondent, 'POST', `/sessions/${s.id}/withdraw`, { body: {} });
    const again = await rt.send(s.respondent, 'POST', `/sessions/${s.id}/withdraw`, { body: {} });
    await rt.settle();
    await look();

    // Assess
    expectStatus(withdrawn, 200);
    expect(withdrawn.json).toMatchObject({ phase: 'withdrawn', outcome: null });
    expectStatus(again, 200);
    expect(await sessionItem(rt, s.id)).toMatchObject({ sealed: {} });
    expectStatus(await ownNumber(s.claimant, s), 409, 'session_ended');
    expect((await rt.emails()).filter((e) => e.subject === 'Withdrawn: Leak test: withdrawal')).toHaveLength(
      1,
    );
    expect(await leaksOf(ALL)).toEqual([]);
  });

  it('an exact match: before the deal the number is nowhere; after it, only as the outcome', async () => {
    // Prepare
    const s = await joinedSession(rt, await parties(rt, { mediator: true }), { title: 'Leak test: exact' });
    register(s);
    await openStep2(rt, s);
    await put(s.claimant, s, 'claimant', EXACT);
    await lookAround(s, { outsider, stranger });
    const before = await leaksOf([EXACT]);

    // Act
    await put(s.respondent, s, 'respondent', EXACT);
    const settled = await untilPhase(rt, s.mediator!, s.id, 'settled');
    await lookAround(s, { outsider, stranger });

    // Assess: the outcome IS the number (allowed: docs/rules.md, "Match and deal amount"), and it is the only place it is.
    expect(before).toEqual([]);
    expect(settled.outcome).toMatchObject({
      amount: Number(EXACT),
      baseAmount: Number(EXACT),
      bonusSide: null,
      reachedIn: 'initial_round',
    });
    expect(await sessionItem(rt, s.id)).toMatchObject({ sealed: {} });
    expect(await leaksOf([EXACT], { exceptOutcome: true })).toEqual([]);
    const deal = (await rt.emails()).find((e) => e.subject === 'Deal reached: Leak test: exact');
    expect(deal?.text).toContain(amountForms(EXACT).find((f) => f.includes(',') && f.includes('.'))!);
  });

  it('proposals, computed and a mediator’s: no number, and nobody’s answer, anywhere but that side’s own view', async () => {
    // Prepare: step 3 with two numbers 3.4% apart.
    const s = await joinedSession(rt, await parties(rt, { mediator: true }), {
      title: 'Leak test: proposals',
    });
    register(s);
    answersGiven.set(s.id, new Map());
    await openStep2(rt, s);
    await put(s.claimant, s, 'claimant', P.claimant);
    await put(s.respondent, s, 'respondent', P.respondent);
    await untilPhase(rt, s.claimant, s.id, 'adjustment');
    const look = () => lookAround(s, { outsider, stranger });
    const proposals = `/sessions/${s.id}/proposals`;
    const answer = async (who: Caller, side: Side, proposal: number, accept: boolean) => {
      const given = answersGiven.get(s.id)!;
      given.set(proposal, { ...given.get(proposal), [side]: accept });
      expectStatus(await rt.send(who, 'POST', `${proposals}/current/answer`, { body: { accept } }), 200);
    };

    // Act: a computed proposal (yes, no: not accepted), then a mediator’s (yes, yes: a deal).
    expectStatus(await rt.send(s.respondent, 'POST', proposals, { body: { kind: 'computed' } }), 201);
    await look();
    expectStatus(
      await rt.send(s.claimant, 'POST', `${proposals}/current/consent`, { body: { consent: true } }),
      200,
    );
    await rt.settle();
    await look();
    await answer(s.claimant, 'claimant', 1, true);
    await look();
    await answer(s.respondent, 'respondent', 1, false);
    await rt.settle();
    await look();
    const closed = await view(rt, s.mediator!, s.id);
    expectStatus(
      await rt.send(s.mediator!, 'POST', proposals, { body: { kind: 'mediator', amount: 6_000_000_000 } }),
      201,
    );
    await answer(s.respondent, 'respondent', 2, true);
    await look();
    await answer(s.claimant, 'claimant', 2, true);
    const settled = await untilPhase(rt, s.mediator!, s.id, 'settled');
    await look();

    // Assess: the computed amount lay between the numbers; the deal is the mediator’s amount …
    expect(closed.proposal).toMatchObject({ kind: 'computed', state: 'not_accepted', myAnswer: null });
    expect(settled.outcome).toMatchObject({ amount: 6_000_000_000, reachedIn: 'proposal', bonusSide: null });
    expect(settled.proposal).toMatchObject({
      state: 'accepted',
      history: [{ kind: 'computed', state: 'not_accepted' }],
    });
    // … answers are gone with the session, and no number is kept …
    const item = await sessionItem(rt, s.id);
    expect(item).toMatchObject({ sealed: {} });
    expect(item.answers).toBeUndefined();
    // … no response showed an answer to anyone but its own side …
    const shown = answerLeaksInResponses();
    expect(shown.leaks).toEqual([]);
    expect(shown.ownAnswersShown).toBeGreaterThan(4);
    // … no log line, item, stream record or email holds an answer or the body that carried it …
    const c = await corpus();
    for (const [name, text] of [
      ['log output', c.logs],
      ['table scan', c.table],
      ['stream records', c.stream],
      ['emails', c.emails],
    ]) {
      expect(text, name).not.toMatch(/"accept"|\\?"myAnswer\\?":(true|false)/);
      expect(text, name).not.toMatch(/(claimant|respondent)( side)? (said|answered|accepted|rejected)/i);
    }
    // … the stored answers were ciphertext of one width …
    const widths = new Set<number>();
    for (const record of await rt.streamRecords()) {
      for (const image of [record.dynamodb?.NewImage, record.dynamodb?.OldImage]) {
        for (const value of Object.values(image?.answers?.M?.sealed?.M ?? {})) {
          widths.add(Buffer.from(value.B as unknown as string, 'base64').length);
        }
      }
    }
    expect([...widths]).toEqual([36]);
    // … and no number showed up anywhere it must not.
    expect(await leaksOf(ALL.filter((a) => a !== EXACT))).toEqual([]);
  });

  it('an idempotency fingerprint is no oracle: nobody can make the service compute a matching one', async () => {
    // Prepare: the claimant's client sends its number with an Idempotency-Key, so the table
    // keeps an HMAC fingerprint of the body for 24 h. The attacker has table read access (an
    // operator, a stolen backup) and an ordinary account.
    const s = await joinedSession(rt, await parties(rt), { title: 'Leak test: fingerprints' });
    register(s);
    await openStep2(rt, s);
    const secret = 4_250_000n;
    submitted.get(s.id)!.claimant.push(secret);
    const before = new Set((await rt.items()).filter((i) => i.type === 'idempotency').map((i) => i.pk));
    expectStatus(
      await rt.send(s.claimant, 'PUT', `/sessions/${s.id}/number`, {
        body: `{"amount":${secret}}`,
        headers: { 'idempotency-key': 'claimant-retry-key' },
      }),
      202,
    );
    const victim = (await rt.items()).find((i) => i.type === 'idempotency' && !before.has(i.pk))!;
    const attacker = await rt.user(freshEmail('attacker'), 'attacker');

    // Act: the attacker has the service fingerprint its guesses: PUTs to a session it is not
    // in (404), each with a key of its own; even 4xx answers are kept with their fingerprint.
    const guesses = [4_000_000n, 4_250_000n, 4_500_000n];
    for (const [i, guess] of guesses.entries()) {
      expectStatus(
        await rt.send(attacker, 'PUT', `/sessions/${s.id}/number`, {
          body: `{"amount":${guess}}`,
          headers: { 'idempotency-key': `guess-${i}` },
        }),
        404,
      );
    }
    const records = (await rt.items()).filter((i) => i.type === 'idempotency' && i.pk !== victim.pk);

    // Assess: no fingerprint the attacker obtained equals the victim's.
    expect(victim.fingerprint).toEqual(expect.any(String));
    expect(records.filter((r) => r.fingerprint === victim.fingerprint)).toEqual([]);
  });

  it('a negotiation that ends with no deal at the deadline: nothing leaks, views ignore the other side', async () => {
    // Prepare
    const s = await joinedSession(rt, await parties(rt, { mediator: true }), {
      title: 'Leak test: no deal',
      adjustmentSeconds: 7 * 24 * 3600,
    });
    register(s);
    await openStep2(rt, s);
    const look = () => lookAround(s, { outsider, stranger });

    // Act: step 2 without overlap, then a respondent move that still does not overlap; the
    // claimant's reads are taken just before and just after that move.
    await put(s.claimant, s, 'claimant', B.claimant);
    await put(s.respondent, s, 'respondent', B.respondent);
    await untilPhase(rt, s.claimant, s.id, 'adjustment');
    await look();
    const claimantBefore = [
      await rt.send(s.claimant, 'GET', `/sessions/${s.id}`),
      await ownNumber(s.claimant, s),
      await rt.send(s.mediator!, 'GET', `/sessions/${s.id}`),
    ];
    await put(s.respondent, s, 'respondent', B.respondentMove);
    await rt.settle();
    const claimantAfter = [
      await rt.send(s.claimant, 'GET', `/sessions/${s.id}`),
      await ownNumber(s.claimant, s),
      await rt.send(s.mediator!, 'GET', `/sessions/${s.id}`),
    ];
    await rt.advance(4 * 24 * 3600 + 60); // the 3-day reminder
    await look();
    await rt.advance(3 * 24 * 3600 + 60); // the end
    const ended = await untilPhase(rt, s.claimant, s.id, 'no_deal');
    await look();

    // Assess: the other side's move changed nothing the claimant or the mediator can see …
    expect(claimantAfter.map((r) => [r.status, r.text])).toEqual(
      claimantBefore.map((r) => [r.status, r.text]),
    );
    // … the session ended with no deal and its numbers are gone …
    expect(ended.outcome).toBeNull();
    expect(await sessionItem(rt, s.id)).toMatchObject({ sealed: {} });
    const mail = (await rt.emails()).filter((e) => e.subject.endsWith('Leak test: no deal'));
    expect(mail.filter((e) => e.subject.startsWith('Reminder: step 3 ends'))).toHaveLength(1);
    expect(mail.filter((e) => e.subject.startsWith('Ended with no deal'))).toHaveLength(1);
    // … and across all four negotiations, nothing ever showed a number where it must not.
    expect(await leaksOf(ALL.filter((a) => a !== EXACT))).toEqual([]);
    expect(rt.responses.length).toBeGreaterThan(200);
  });
});
