/**
 * A small HTTP client for the local runtime (openapi.yaml routes and the local dev routes of docs/dev-routes.md), timing every
 * request by route. Used in-process by the latency benchmarks and in a child process by the
 * throughput load clients (bench/load-client.ts).
 */
import { randomUUID } from 'node:crypto';
import { sleep } from './stats';

export interface Person {
  email: string;
  token: string;
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: whatever JSON the API sent
  body: any;
  ms: number;
}

export type TimingSink = (route: string, ms: number, status: number) => void;

export class BenchClient {
  constructor(
    readonly baseUrl: string,
    private readonly onTiming: TimingSink = () => undefined,
  ) {}

  async request(
    method: string,
    path: string,
    route: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const started = performance.now();
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    const ms = performance.now() - started;
    this.onTiming(route, ms, res.status);
    return { status: res.status, body: text ? JSON.parse(text) : undefined, ms };
  }

  private async expect(answer: Promise<Answer>, status: number, what: string): Promise<Answer> {
    const a = await answer;
    if (a.status !== status)
      throw new Error(`${what}: expected ${status}, got ${a.status} ${JSON.stringify(a.body)}`);
    return a;
  }

  async person(email: string): Promise<Person> {
    const a = await this.expect(
      this.request('POST', '/dev/token', 'POST /dev/token', { body: { email } }),
      200,
      'POST /dev/token',
    );
    return { email, token: a.body.token as string };
  }

  /** The `token=` of the invitation emails to `email`, oldest first. */
  async invitationTokens(email: string): Promise<string[]> {
    const a = await this.expect(
      this.request('GET', `/dev/emails?to=${encodeURIComponent(email)}`, 'GET /dev/emails'),
      200,
      'GET /dev/emails',
    );
    const tokens: string[] = [];
    for (const mail of a.body.emails as { subject: string; text: string }[]) {
      if (!/invited/i.test(mail.subject)) continue;
      const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
      if (token) tokens.push(token);
    }
    return tokens;
  }

  /** Polls `GET /dev/emails` until an invitation to `email` is there (notify runs off the stream). */
  async waitForInvitation(email: string, { pollMs = 20, timeoutMs = 30_000 } = {}): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const token = (await this.invitationTokens(email)).at(-1);
      if (token) return token;
      if (performance.now() > deadline)
        throw new Error(`no invitation email to ${email} within ${timeoutMs} ms`);
      await sleep(pollMs);
    }
  }

  async createSession(creator: Person, respondentEmail: string): Promise<string> {
    const a = await this.expect(
      this.request('POST', '/sessions', 'POST /sessions', {
        token: creator.token,
        body: {
          title: 'Bench v. Mark',
          currency: 'USD',
          myRole: 'claimant',
          invite: { respondent: respondentEmail },
        },
      }),
      201,
      'POST /sessions',
    );
    return a.body.id as string;
  }

  async acceptInvitation(as: Person, token: string): Promise<void> {
    await this.expect(
      this.request('POST', '/invitations/accept', 'POST /invitations/accept', {
        token: as.token,
        body: { token },
      }),
      200,
      'POST /invitations/accept',
    );
  }

  async acceptTerms(id: string, as: Person): Promise<void> {
    await this.expect(
      this.request('POST', `/sessions/${id}/terms/accept`, 'POST /sessions/{id}/terms/accept', {
        token: as.token,
        body: { version: 0 },
      }),
      200,
      'POST /sessions/{id}/terms/accept',
    );
  }

  async submit(id: string, as: Person, amount: number, idempotencyKey?: string): Promise<Answer> {
    return this.expect(
      this.request('PUT', `/sessions/${id}/number`, 'PUT /sessions/{id}/number', {
        token: as.token,
        body: { amount },
        ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
      }),
      202,
      'PUT /sessions/{id}/number',
    );
  }

  async view(id: string, as: Person): Promise<Answer> {
    return this.expect(
      this.request('GET', `/sessions/${id}`, 'GET /sessions/{id}', { token: as.token }),
      200,
      'GET /sessions/{id}',
    );
  }

  /** Polls `GET /sessions/{id}` every `pollMs` (from one request's start to the next) until `phase`. */
  async waitForPhase(id: string, as: Person, phase: string, { pollMs = 5, timeoutMs = 30_000 } = {}) {
    const deadline = performance.now() + timeoutMs;
    let polls = 0;
    for (;;) {
      const started = performance.now();
      const a = await this.view(id, as);
      polls++;
      if (a.body.phase === phase) return { at: performance.now(), polls };
      if (started > deadline) throw new Error(`session ${id} not ${phase} within ${timeoutMs} ms`);
      const wait = pollMs - (performance.now() - started);
      if (wait > 0) await sleep(wait);
    }
  }
}

/** Fresh, unique addresses for one negotiation. */
export function benchAddresses(tag: string) {
  const id = randomUUID().slice(0, 8);
  return {
    claimant: `claimant.${tag}.${id}@bench.example`,
    respondent: `respondent.${tag}.${id}@bench.example`,
  };
}

/** Two numbers that overlap (demand ≤ offer): a deal in step 2. */
export const DEMAND = 10_000_000;
export const OFFER = 12_000_000;
