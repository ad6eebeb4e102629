/**
 * The whole asynchronous pipeline in-process, for integration tests: the real API handlers (test
 * harness), DynamoDB Local's real stream feeding the real match and notify handlers (stream
 * harness), the real phase-timer handler fired by local timers on the business clock, the real
 * reconciler handler, and the local SES endpoint whose mail is read back.
 *
 * Handlers read their environment when imported, so `createPipeline()` sets it first and imports
 * them afterwards. Vitest isolates modules per test file: call it once per file, in `beforeAll`.
 */
import { expect, inject } from 'vitest';
import { lambdaContext } from '../../../local/services/lambda-context';
import {
  type LocalEmail,
  type SesLocal,
  type SesStoreEmail,
  toLocalEmail,
} from '../../../local/services/ses-local';
import type { LocalTimer } from '../../../shared/adapters/local-timer';
import type { TimerInput } from '../../../shared/adapters/scheduler-timer';
import type { PhaseTimerResult } from '../../../shared/app/phase-timer-service';
import type { ReconcileReport } from '../../../shared/app/reconciler-service';
import { businessClock } from '../../../shared/runtime/clock';
import { type ApiHarness, createApiHarness } from '../../support/api-harness';
import { sessionFlows } from '../../support/session-flows';
import { createStreamHarness, type StreamHarness } from '../../support/stream-harness';

/** JSON read back from the table or the API, checked field by field in the tests. */
// biome-ignore lint/suspicious/noExplicitAny: test data of many shapes
export type Json = any;

export const APP_URL = 'https://app.backchannel.test';
export const SENDER = 'no-reply@backchannel.test';

export interface Pipeline {
  api: ApiHarness;
  flows: ReturnType<typeof sessionFlows>;
  stream: StreamHarness;
  timers: LocalTimer;
  /** Mail received by the local SES endpoint, optionally only that sent to `to`. */
  emails(to?: string): Promise<LocalEmail[]>;
  /** Delivers everything in the stream to match and notify (and what they write in turn). */
  settle(): Promise<void>;
  /** Moves the business clock forward, then fires every timer now due, in time order. */
  advance(seconds: number): Promise<PhaseTimerResult[]>;
  /** Moves the business clock forward without firing anything (a timer that is late). */
  shiftClock(seconds: number): void;
  /** Fires the timers due now, in time order (settling after each), until none is due. */
  fireDueTimers(): Promise<PhaseTimerResult[]>;
  phaseTimer(input: TimerInput): Promise<PhaseTimerResult>;
  reconcile(): Promise<ReconcileReport>;
  /** The stored session item (unmarshalled). */
  sessionItem(id: string): Promise<Record<string, Json>>;
  /** The session's audit entries, oldest first. */
  audit(id: string): Promise<Record<string, Json>[]>;
  view(id: string, as: string): Promise<Json>;
  submit(id: string, as: string, amount: number): Promise<{ status: number; body: Json }>;
  withdraw(id: string, as: string): Promise<{ status: number; body: Json }>;
  now(): number;
}

export async function createPipeline(options: { ses?: SesLocal } = {}): Promise<Pipeline> {
  const api = await createApiHarness();
  const sesEndpoint = options.ses?.endpoint ?? inject('sesEndpoint');
  process.env.SES_ENDPOINT = sesEndpoint;
  process.env.SENDER_EMAIL = SENDER;
  process.env.APP_URL = APP_URL;
  process.env.TIMER_MODE = 'local';

  const match = (await import('../../../functions/match/index')).handler;
  const notify = (await import('../../../functions/notify/index')).handler;
  const phaseTimer = (await import('../../../functions/phase-timer/index')).handler;
  const reconciler = (await import('../../../functions/reconciler/index')).handler;
  const { localTimer } = await import('../../../shared/runtime/dependencies');
  const timers = localTimer();

  const stream = createStreamHarness({
    endpoint: inject('dynamoEndpoint'),
    tableName: api.tableName,
    handlers: { match, notify },
  });
  const flows = sessionFlows(api);
  let offsetMs = 0;

  async function emails(to?: string): Promise<LocalEmail[]> {
    if (options.ses) return options.ses.readEmails(to);
    const response = await fetch(`${sesEndpoint}/store`);
    const all = ((await response.json()) as { emails: SesStoreEmail[] }).emails.map(toLocalEmail);
    const wanted = to?.toLowerCase();
    return wanted ? all.filter((e) => e.to.some((a) => a.toLowerCase() === wanted)) : all;
  }

  async function fireDueTimers(): Promise<PhaseTimerResult[]> {
    const results: PhaseTimerResult[] = [];
    await stream.drain();
    for (;;) {
      const [next] = await timers.due(businessClock());
      if (!next) return results;
      results.push(await phaseTimer(next.input, lambdaContext('phase-timer')));
      await timers.complete(next.name);
      await stream.drain();
    }
  }

  return {
    api,
    flows,
    stream,
    timers,
    emails,
    settle: () => stream.drain(),
    async advance(seconds) {
      offsetMs += seconds * 1000;
      api.setClock(offsetMs);
      return fireDueTimers();
    },
    shiftClock(seconds) {
      offsetMs += seconds * 1000;
      api.setClock(offsetMs);
    },
    fireDueTimers,
    phaseTimer: (input) => phaseTimer(input, lambdaContext('phase-timer')),
    reconcile: () => reconciler(undefined, lambdaContext('reconciler')),
    async sessionItem(id) {
      const items = await api.sessionItems(id);
      return items.find((i) => i.sk === 'SESSION') as Record<string, Json>;
    },
    async audit(id) {
      const items = await api.sessionItems(id);
      return items.filter((i) => i.type === 'audit').sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1));
    },
    async view(id, as) {
      const res = await api.call('GET', `/sessions/${id}`, { as });
      expect(res.status).toBe(200);
      return res.body;
    },
    async submit(id, as, amount) {
      const res = await api.call('PUT', `/sessions/${id}/number`, { as, body: { amount } });
      return { status: res.status, body: res.body };
    },
    async withdraw(id, as) {
      const res = await api.call('POST', `/sessions/${id}/withdraw`, { as, body: {} });
      return { status: res.status, body: res.body };
    },
    now: businessClock,
  };
}

/** Every way a submitted number could appear in an email: raw, with separators, in major units. */
export function numberForms(amount: number | bigint): string[] {
  const raw = BigInt(amount).toString();
  const grouped = raw.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const major = `${(BigInt(amount) / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${(
    BigInt(amount) % 100n
  )
    .toString()
    .padStart(2, '0')}`;
  const majorPlain = major.replaceAll(',', '');
  return [raw, grouped, major, majorPlain];
}

/** Asserts that no form of any of `amounts` appears anywhere in the emails. */
export function expectNoNumbers(emails: LocalEmail[], amounts: (number | bigint)[]): void {
  for (const email of emails) {
    const all = `${email.subject}\n${email.text}\n${email.html}`;
    for (const amount of amounts) {
      for (const form of numberForms(amount)) {
        expect(all.includes(form), `email "${email.subject}" contains ${form}`).toBe(false);
      }
    }
  }
}

/** Emails to `to` whose subject starts with `prefix`. */
export async function emailsTo(p: Pipeline, to: string, prefix: string): Promise<LocalEmail[]> {
  return (await p.emails(to)).filter((e) => e.subject.startsWith(prefix));
}
