/**
 * A tiny fetch-based client for the end-to-end tests: it talks to a running local runtime
 * (`npm start`) over HTTP only, exactly as a user or a web app would — the API routes of openapi.yaml
 * and the local-only dev routes of docs/dev-routes.md (`/dev/token`, `/dev/clock`, `/dev/emails`).
 *
 * The helpers at the bottom walk a session to the states most tests start from (both sides
 * joined, step 1 settled), checking every status on the way. Invitation tokens are read from the
 * invitation emails, as an invited person would.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { sessionSetup } from './session-setup';

/** A parsed JSON body: tests read it field by field. */
// biome-ignore lint/suspicious/noExplicitAny: a response body is whatever JSON the API sent.
export type Json = any;

export interface E2eResponse {
  status: number;
  /** The parsed JSON body; undefined when there is none (204) or it is not JSON. */
  body: Json;
  headers: Headers;
  /** The body exactly as received. */
  text: string;
}

export interface CallOptions {
  /** A bearer token (from `token(email)`); omitted: no Authorization header. */
  token?: string;
  /** An object is sent as JSON; a string is sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Email {
  to: string[];
  subject: string;
  text: string;
  html: string;
  sentAt: string;
}

/** ISO 8601 UTC to the second, as every time in a view (openapi.yaml). */
export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Addresses unique to one test run, under a domain that names the test (`<who>.<tag>@<domain>`). */
export function emailsFor(domain: string) {
  const tag = randomUUID().slice(0, 8);
  const at = (who: string) => `${who}.${tag}@${domain}`;
  return { at, claimant: at('claimant'), respondent: at('respondent'), mediator: at('mediator') };
}

export interface Person {
  email: string;
  token: string;
}

export interface PreparedSession {
  id: string;
  claimant: Person;
  respondent: Person;
  /** Present when the session was prepared with a mediator. */
  mediator?: Person;
  /** The view returned by the last preparation step (the last acceptance or terms accept). */
  view: Json;
}

export interface PrepareOptions {
  /** Every address of the session is `<who>.<random>@<domain>`. */
  domain: string;
  /** Invite and join a mediator too. */
  mediator?: boolean;
  /** Extra fields for `POST /sessions` (title, startsAt, bonusPercent…). */
  create?: Record<string, unknown>;
}

export class E2eClient {
  private readonly tokens = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  /** `POST /dev/token {email}` → a signed ID token for that verified address (cached). */
  async token(email: string): Promise<string> {
    const cached = this.tokens.get(email);
    if (cached) return cached;
    const res = await this.call('POST', '/dev/token', { body: { email } });
    if (res.status !== 200 || typeof res.body?.token !== 'string') {
      throw new Error(`POST /dev/token answered ${res.status}: ${res.text}`);
    }
    this.tokens.set(email, res.body.token);
    return res.body.token;
  }

  async person(email: string): Promise<Person> {
    return { email, token: await this.token(email) };
  }

  /** Several people at once, in the order given. */
  async people<T extends readonly string[]>(...emails: T): Promise<{ [K in keyof T]: Person }> {
    return (await Promise.all(emails.map((e) => this.person(e)))) as { [K in keyof T]: Person };
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<E2eResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: Json;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  }

  /**
   * `POST /dev/clock {advanceSeconds}`: moves the business clock and returns once every effect
   * now due (stream records, timers, emails) is processed. `clock(0)` just settles.
   */
  async clock(seconds: number): Promise<string> {
    const res = await this.call('POST', '/dev/clock', { body: { advanceSeconds: seconds } });
    if (res.status !== 200 || typeof res.body?.now !== 'string') {
      throw new Error(`POST /dev/clock answered ${res.status}: ${res.text}`);
    }
    return res.body.now;
  }

  /** `GET /dev/emails?to=` → the mail sent so far to that address, oldest first. */
  async emails(to: string): Promise<Email[]> {
    const res = await this.call('GET', `/dev/emails?to=${encodeURIComponent(to)}`);
    if (res.status !== 200 || !Array.isArray(res.body?.emails)) {
      throw new Error(`GET /dev/emails answered ${res.status}: ${res.text}`);
    }
    return res.body.emails as Email[];
  }

  /**
   * The token of the newest invitation email to `email` (the `token=` query parameter of its
   * link). Settles first, so the invitation's outbox record has been sent.
   */
  async tokenFromInvitation(email: string): Promise<string> {
    await this.clock(0);
    const invitations = (await this.emails(email)).filter((e) => /invited/i.test(e.subject));
    const newest = invitations.at(-1);
    if (!newest) throw new Error(`no invitation email to ${email}`);
    const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(newest.text)?.[1];
    if (!token) throw new Error(`no token= in the invitation email to ${email}:\n${newest.text}`);
    return token;
  }

  /** `GET /sessions/{id}` as that person, expecting 200. */
  async view(id: string, as: Person): Promise<Json> {
    const res = await this.call('GET', `/sessions/${id}`, { token: as.token });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  /** The shared session steps (test/support/session-setup.ts) over this client. */
  private setup() {
    return sessionSetup<Person>({
      send: async (as, method, path, body) => {
        const res = await this.call(method, path, { token: as.token, body });
        return { status: res.status, body: res.body };
      },
      // From the invitation email, as a person does it.
      invitationToken: (_sessionId, invitee) => this.tokenFromInvitation(invitee.email),
      emailOf: (person) => person.email,
    });
  }

  /** Accepts the newest invitation to that person, expecting 200; returns the view. */
  async acceptInvitation(as: Person): Promise<Json> {
    return this.setup().accept(as, '');
  }

  /** `PUT /sessions/{id}/number`, expecting 202 `{accepted: true}`. */
  async submit(id: string, as: Person, amount: number): Promise<Json> {
    const res = await this.call('PUT', `/sessions/${id}/number`, { token: as.token, body: { amount } });
    expect(res.status, res.text).toBe(202);
    expect(res.body.accepted).toBe(true);
    return res.body;
  }

  /** `POST /sessions/{id}/terms/accept {version}`, expecting 200; returns the view. */
  async acceptTerms(id: string, as: Person, version: number): Promise<Json> {
    const res = await this.call('POST', `/sessions/${id}/terms/accept`, {
      token: as.token,
      body: { version },
    });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  /**
   * The claimant creates a session inviting the respondent (and the mediator); each invited
   * person accepts with the token from their invitation email. Step 1 is still open.
   */
  async joinedSession(options: PrepareOptions): Promise<PreparedSession> {
    const addresses = emailsFor(options.domain);
    const [claimant, respondent, mediator] = await Promise.all([
      this.person(addresses.claimant),
      this.person(addresses.respondent),
      this.person(addresses.mediator),
    ]);
    const parties = { claimant, respondent, ...(options.mediator ? { mediator } : {}) };
    return this.setup().joined(parties, options.create);
  }

  /** Both sides joined and both on version 0 ("numbers first"): step 1 is settled. */
  async settledStep1(options: PrepareOptions): Promise<PreparedSession> {
    const session = await this.joinedSession(options);
    const view = await this.setup().settleStep1(session.id, session);
    return { ...session, view };
  }
}
