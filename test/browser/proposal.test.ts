/**
 * A double-blind proposal in a real browser (docs/rules.md, "Double-blind proposals"): step 3 is
 * reached over HTTP, then the mediator proposes an amount in the Proposal region, both sides
 * accept it in their own pages (each after an in-page confirmation), and all three see the deal.
 * No page ever holds the other side's number, and the proposal screens pass axe.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { E2eClient } from '../support/e2e-client';
import {
  checkScreen,
  launchBrowser,
  type Person,
  person,
  signIn,
  whereAmountAppears,
} from './support/browser';

const api = new E2eClient(inject('apiUrl'));
const web = inject('webUrl');
// Distinctive numbers, 3.3% apart: step 2 ends without a deal.
const DEMAND = 41234567n; // $412,345.67, the claimant's
const OFFER = 39876543n; // $398,765.43, the respondent's

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openSession(who: Person, id: string) {
  await who.page.goto(`${web}/sessions/${id}`);
  await signIn(who);
  await who.page.getByRole('status', { name: 'Adjustment' }).waitFor();
}

async function accept(who: Person) {
  const region = who.page.getByRole('region', { name: 'Proposal' });
  await region.getByRole('button', { name: 'Accept proposal' }).click({ timeout: 15_000 });
  await who.page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await who.page.getByRole('dialog').waitFor({ state: 'hidden' });
}

describe('a proposal in the browser', () => {
  it('the mediator proposes, both sides accept in their pages, all three see the deal', async () => {
    // Prepare: step 3 over HTTP, then each person signed in on the session page.
    const s = await api.settledStep1({ domain: 'proposal.browser.example', mediator: true });
    await api.submit(s.id, s.claimant, Number(DEMAND));
    await api.submit(s.id, s.respondent, Number(OFFER));
    await api.clock(0);
    const [alice, bob, mia] = [
      await person(browser, s.claimant.email),
      await person(browser, s.respondent.email),
      await person(browser, s.mediator!.email),
    ];
    for (const who of [alice, bob, mia]) await openSession(who, s.id);
    const problems: string[] = [];

    // Act 1: the mediator names an amount.
    await mia.page.getByRole('textbox', { name: 'Proposal amount' }).fill('405,000.00');
    problems.push(...(await checkScreen(mia.page, 'proposal-mediator')));
    await mia.page.getByRole('button', { name: 'Propose' }).click();
    await mia.page.getByRole('region', { name: 'Proposal' }).getByText('$405,000.00').waitFor();

    // Act 2: both sides accept, each in its own page, after the confirmation dialog.
    await alice.page
      .getByRole('region', { name: 'Proposal' })
      .getByText('$405,000.00')
      .waitFor({ timeout: 15_000 });
    problems.push(...(await checkScreen(alice.page, 'proposal-open')));
    await alice.page
      .getByRole('region', { name: 'Proposal' })
      .getByRole('button', { name: 'Accept proposal' })
      .click();
    await alice.page.getByRole('dialog').waitFor();
    problems.push(...(await checkScreen(alice.page, 'proposal-confirmation')));
    await alice.page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await alice.page.getByText('Your side answered yes. Only your side sees this.').waitFor();
    await accept(bob);

    // Act 3: every page shows the deal.
    const deals: string[] = [];
    for (const who of [alice, bob, mia]) {
      const deal = who.page.getByRole('region', { name: 'Deal' });
      await deal.waitFor({ timeout: 20_000 });
      deals.push(await deal.innerText());
    }
    problems.push(...(await checkScreen(bob.page, 'proposal-deal')));
    const leaks = [
      ...(await whereAmountAppears(alice, OFFER)),
      ...(await whereAmountAppears(bob, DEMAND)),
      ...(await whereAmountAppears(mia, DEMAND)),
      ...(await whereAmountAppears(mia, OFFER)),
    ];

    // Assess
    for (const deal of deals) {
      expect(deal).toContain('$405,000.00');
    }
    const proposal = await mia.page.getByRole('region', { name: 'Proposal' }).innerText();
    expect(proposal).toContain('Accepted by both sides: this is the deal');
    expect(proposal).not.toMatch(/answered (yes|no)/);
    expect(problems).toEqual([]);
    expect(leaks).toEqual([]);
  });
});
