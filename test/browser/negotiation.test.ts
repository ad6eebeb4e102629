/**
 * A whole negotiation in a real browser, as three people would do it: the claimant creates a
 * session and invites the respondent and a mediator; each opens the emailed link, signs in
 * (and comes back to the invitation), accepts; both sides skip terms and enter numbers; all
 * three see the deal. Along the way: bad input is refused in words and sends nothing, the
 * mediator never gets a number input, no page ever holds the other side's number, and every
 * screen passes axe without a serious or critical violation.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  checkScreen,
  launchBrowser,
  type Person,
  person,
  signIn,
  whereAmountAppears,
} from './support/browser';
import { invitationPath } from './support/dev';

const api = inject('apiUrl');
const web = inject('webUrl');
// Distinctive numbers: not multiples of 1,000, so the rounded deal amount can never equal one.
const DEMAND = 10000037n; // $100,000.37, the claimant's
const OFFER = 12000091n; // $120,000.91, the respondent's

let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const numberPuts = (who: Person) =>
  who.requests.filter((r) => /^PUT \/sessions\/[^/]+\/number$/.test(r)).length;

async function joinByEmailLink(who: Person, screen: string) {
  const path = await invitationPath(api, who.email);
  await who.page.goto(`${web}${path}`);
  await who.page.getByRole('button', { name: 'Sign in' }).waitFor();
  await signIn(who);
  await who.page.getByRole('button', { name: 'Accept invitation' }).waitFor();
  const backAtInvitation = new URL(who.page.url());
  const shown = await who.page.getByRole('main').innerText();
  problems.push(...(await checkScreen(who.page, screen)));
  await who.page.getByRole('button', { name: 'Accept invitation' }).click();
  await who.page.getByRole('heading', { level: 1, name: 'Acme v. Widget' }).waitFor();
  return { backAtInvitation, shown };
}

async function enterNumber(who: Person, typed: string) {
  await who.page.getByRole('textbox', { name: 'Your number' }).fill(typed);
  await who.page.getByRole('button', { name: 'Submit number' }).click();
  await who.page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  // The dialog closes once the API has accepted the number (the number form itself may be gone
  // by then: a number that makes the deal ends the round).
  await who.page.getByRole('dialog').waitFor({ state: 'hidden' });
}

describe('a negotiation in the browser', () => {
  it('takes claimant, respondent and mediator from invitation to deal, keeping each number on its own side', async () => {
    // Prepare: three people, each in a browser of their own (the claimant on a phone-sized screen).
    const tag = Date.now().toString(36);
    const alice = await person(browser, `alice-${tag}@claimant.example`, { width: 375, height: 812 });
    const bob = await person(browser, `bob-${tag}@respondent.example`);
    const mia = await person(browser, `mia-${tag}@mediator.example`);

    // Act 1: the claimant signs in and creates the session with two invitations.
    await alice.page.goto(web);
    await alice.page.getByRole('textbox', { name: 'Email' }).waitFor();
    problems.push(...(await checkScreen(alice.page, 'sign-in')));
    await signIn(alice);
    await alice.page.getByRole('link', { name: 'New session' }).click();
    await alice.page.getByRole('textbox', { name: 'Title' }).fill('Acme v. Widget');
    await alice.page.getByRole('textbox', { name: 'Case number' }).fill('2026-CV-0042');
    await alice.page.getByRole('combobox', { name: 'Currency' }).selectOption({ label: 'USD' });
    await alice.page.getByRole('combobox', { name: 'My role' }).selectOption({ label: 'Claimant' });
    await alice.page.getByRole('textbox', { name: 'Invite respondent' }).fill(bob.email);
    await alice.page.getByRole('textbox', { name: 'Invite mediator' }).fill(mia.email);
    problems.push(...(await checkScreen(alice.page, 'new-session')));
    await alice.page.getByRole('button', { name: 'Create session' }).click();
    await alice.page.getByRole('heading', { level: 1, name: 'Acme v. Widget' }).waitFor();
    const sessionUrl = alice.page.url();
    problems.push(...(await checkScreen(alice.page, 'session-terms')));

    // Act 2: the respondent and the mediator open their emailed links, sign in, come back, accept.
    const bobBack = await joinByEmailLink(bob, 'invitation-respondent');
    const miaBack = await joinByEmailLink(mia, 'invitation-mediator');

    // Act 3: both sides skip terms; the first round opens.
    await bob.page.getByRole('button', { name: 'Skip terms' }).click();
    await alice.page.getByRole('button', { name: 'Skip terms' }).click();
    await alice.page.getByRole('status', { name: 'First round' }).waitFor();
    await bob.page.getByRole('status', { name: 'First round' }).waitFor({ timeout: 15_000 });
    problems.push(...(await checkScreen(alice.page, 'session-first-round')));

    // Act 4: bad input is refused in words, and nothing is sent.
    const refusals: string[] = [];
    const putsBefore = numberPuts(alice);
    for (const typed of ['12abc', '-100', '100.001']) {
      await alice.page.getByRole('textbox', { name: 'Your number' }).fill(typed);
      await alice.page.getByRole('button', { name: 'Submit number' }).click();
      refusals.push(await alice.page.getByRole('alert').innerText());
    }
    const putsAfterBadInput = numberPuts(alice);

    // Act 5: the claimant's number, confirmed in the dialog; the mediator learns only that it exists.
    await alice.page.getByRole('textbox', { name: 'Your number' }).fill('100,000.37');
    await alice.page.getByRole('button', { name: 'Submit number' }).click();
    await alice.page.getByRole('dialog').waitFor();
    problems.push(...(await checkScreen(alice.page, 'number-confirmation')));
    await alice.page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await alice.page.getByText('Your number was submitted.').waitFor();
    await mia.page.getByText('Has entered a number.').waitFor({ timeout: 15_000 });
    problems.push(...(await checkScreen(mia.page, 'session-mediator')));
    const mediatorInputs = await mia.page.getByRole('textbox', { name: 'Your number' }).count();

    // Act 6: the respondent's number makes the deal; every page shows it.
    await enterNumber(bob, '120,000.91');
    const deals: string[] = [];
    for (const who of [alice, bob, mia]) {
      const deal = who.page.getByRole('region', { name: 'Deal' });
      await deal.waitFor({ timeout: 20_000 });
      deals.push(await deal.innerText());
    }
    problems.push(...(await checkScreen(alice.page, 'session-deal')));
    await alice.page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await alice.page.getByRole('link', { name: 'Acme v. Widget' }).waitFor();
    problems.push(...(await checkScreen(alice.page, 'sessions-list')));
    await alice.page.getByRole('link', { name: 'Profile' }).click();
    await alice.page.getByRole('button', { name: 'Sign out' }).first().waitFor();
    problems.push(...(await checkScreen(alice.page, 'profile')));

    const leaks = [
      ...(await whereAmountAppears(alice, OFFER)),
      ...(await whereAmountAppears(bob, DEMAND)),
      ...(await whereAmountAppears(mia, DEMAND)),
      ...(await whereAmountAppears(mia, OFFER)),
    ];

    // Assess
    expect(new URL(sessionUrl).pathname).toMatch(/^\/sessions\/[A-Za-z0-9_-]{22,}$/);
    for (const { backAtInvitation } of [bobBack, miaBack]) {
      expect(backAtInvitation.pathname).toBe('/invite');
      expect(backAtInvitation.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    for (const [{ shown }, role] of [
      [bobBack, 'Respondent'],
      [miaBack, 'Mediator'],
    ] as const) {
      expect(shown).toContain('Invitation: Acme v. Widget');
      expect(shown).toContain(`Your role\n${role}`);
      expect(shown).toContain(`Invited by\n${alice.email}`);
      expect(shown).toContain('Bonus: 5%');
    }
    expect(refusals).toEqual([
      'Use digits only, with an optional decimal point, e.g. 100,000.50.',
      'Enter a positive amount, without a minus sign.',
      'USD amounts take up to 2 decimal places.',
    ]);
    expect(putsAfterBadInput).toBe(putsBefore);
    expect(numberPuts(alice)).toBe(putsBefore + 1);
    expect(mediatorInputs).toBe(0);
    const amounts = deals.map((d) => /\$([\d,]+)\.(\d\d)/.exec(d)?.slice(1).join('').replaceAll(',', ''));
    expect(new Set(amounts).size).toBe(1);
    const amount = BigInt(amounts[0] ?? '0');
    expect(amount >= DEMAND && amount <= OFFER).toBe(true);
    expect(problems).toEqual([]);
    expect(leaks).toEqual([]);
  });
});
