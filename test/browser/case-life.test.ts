/**
 * The life of a case in a real browser: the claimant names herself on the profile page; a
 * session ends without a deal (both numbers in, then the respondent withdraws); the claimant
 * downloads its deadlines ("Add to calendar") and presses "Negotiate again"; the new session of
 * the same matter opens with the terms carried over, the respondent joins it through the emailed
 * invitation and sees the claimant by name, with a link back to the previous session. Neither
 * page ever holds the other side's number, and the new screens pass axe.
 */
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkScreen, launchBrowser, person, signIn, whereAmountAppears } from './support/browser';
import { devToken, invitationPath, settle } from './support/dev';

const api = inject('apiUrl');
const web = inject('webUrl');
const DEMAND = 98765437n; // $987,654.37, the claimant's
const OFFER = 12345679n; // $123,456.79, the respondent's: far below, no deal

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: a view is whatever JSON the API sent.
async function call(email: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await devToken(api, email)}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}`);
  return response.status === 204 ? null : response.json();
}

describe('the life of a case in the browser', () => {
  it('names, a calendar, and negotiating again after a withdrawal', async () => {
    // Prepare: a session in step 2 with both numbers in, then withdrawn by the respondent.
    const tag = Date.now().toString(36);
    const alice = await person(browser, `alice-${tag}@claimant.example`);
    const bob = await person(browser, `bob-${tag}@respondent.example`);
    const old = await call(alice.email, 'POST', '/sessions', {
      title: 'Matter v. Again',
      currency: 'USD',
      myRole: 'claimant',
      invite: { respondent: bob.email },
    });
    const token = new URLSearchParams((await invitationPath(api, bob.email)).split('?')[1]).get('token');
    await call(bob.email, 'POST', '/invitations/accept', { token });
    await call(alice.email, 'PUT', `/sessions/${old.id}/terms`, { text: `Mutual release ${tag}.` });
    await call(bob.email, 'POST', `/sessions/${old.id}/terms/accept`, { version: 1 });
    await call(alice.email, 'PUT', `/sessions/${old.id}/number`, { amount: Number(DEMAND) });
    await call(bob.email, 'PUT', `/sessions/${old.id}/number`, { amount: Number(OFFER) });
    await settle(api);
    await call(bob.email, 'POST', `/sessions/${old.id}/withdraw`, {});
    const oldView = await call(alice.email, 'GET', `/sessions/${old.id}`);

    // Act 1: the claimant names herself on the profile page.
    await alice.page.goto(`${web}/profile`);
    await signIn(alice);
    await alice.page.getByRole('textbox', { name: 'Display name' }).fill(`Alice Vale ${tag}`);
    await alice.page.getByRole('textbox', { name: 'Organization' }).fill('Vale & Co');
    await alice.page.getByRole('button', { name: 'Save' }).click();
    await alice.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const problems = await checkScreen(alice.page, 'profile');

    // Act 2: on the withdrawn session, the deadlines go into a calendar file.
    await alice.page.goto(`${web}/sessions/${old.id}`);
    await alice.page.getByRole('status').filter({ hasText: 'Withdrawn' }).first().waitFor();
    const [download] = await Promise.all([
      alice.page.waitForEvent('download'),
      alice.page.getByRole('button', { name: 'Add to calendar' }).click(),
    ]);
    const ics = readFileSync((await download.path())!, 'utf8');
    problems.push(...(await checkScreen(alice.page, 'session-ended')));

    // Act 3: "Negotiate again" opens the new session's page.
    await alice.page.getByRole('button', { name: 'Negotiate again' }).click();
    await alice.page.waitForURL(
      (url) => /\/sessions\/[A-Za-z0-9_-]{22}$/.test(url.pathname) && !url.pathname.endsWith(old.id),
    );
    const newId = new URL(alice.page.url()).pathname.split('/').at(-1)!;
    await alice.page.getByRole('heading', { level: 1, name: 'Matter v. Again' }).waitFor();
    await alice.page.getByRole('status').filter({ hasText: 'Terms' }).first().waitFor();
    const termsText = await alice.page
      .getByRole('textbox', { name: 'Terms text' })
      .inputValue()
      .catch(() => '');
    const aliceMain = await alice.page.getByRole('main').innerText();

    // Act 4: the respondent joins through the emailed invitation and sees her name.
    await bob.page.goto(`${web}${await invitationPath(api, bob.email)}`);
    await signIn(bob);
    await bob.page.getByRole('button', { name: 'Accept invitation' }).click();
    await bob.page.getByRole('heading', { level: 1, name: 'Matter v. Again' }).waitFor();
    await bob.page.getByText(`Alice Vale ${tag}`).first().waitFor();
    const matter = bob.page.getByRole('region', { name: 'Matter' });
    await matter.getByRole('link', { name: 'Previous session' }).waitFor();
    problems.push(...(await checkScreen(bob.page, 'session-again')));

    // Assess
    expect(problems).toEqual([]);
    expect(new URL(bob.page.url()).pathname).toBe(`/sessions/${newId}`);
    const next = await call(bob.email, 'GET', `/sessions/${newId}`);
    expect(next).toMatchObject({
      matterId: oldView.matterId,
      previousSessionId: old.id,
      myRole: 'respondent',
    });
    expect(next.terms).toMatchObject({ version: 1, text: `Mutual release ${tag}.` });
    expect(next.sides.claimant.members).toEqual([
      { email: alice.email, displayName: `Alice Vale ${tag}`, status: 'joined' },
    ]);
    expect(`${termsText}\n${aliceMain}`).toContain(`Mutual release ${tag}.`);
    // The calendar holds step 2's deadline as the view states it, and no amount.
    const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent');
    const starts = events.map((e) => e.getFirstPropertyValue('dtstart')?.toString());
    expect(starts).toContain(oldView.schedule.initialRoundEndsAt);
    for (const amount of [DEMAND, OFFER]) expect(ics).not.toContain(amount.toString());
    expect(await whereAmountAppears(bob, DEMAND)).toEqual([]);
    expect(await whereAmountAppears(alice, OFFER)).toEqual([]);
  });
});
