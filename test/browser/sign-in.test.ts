/**
 * Signing in as a person meets it: a reload keeps you signed in on the page you were on, and an
 * invitation link opened while signed out comes back to that invitation after sign-in.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, person, signIn } from './support/browser';
import { createSession, invitationPath } from './support/dev';

const api = inject('apiUrl');
const web = inject('webUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('sign-in in the browser', () => {
  it('survives a reload: the same page, still signed in, the token in sessionStorage only', async () => {
    // Prepare
    const tag = Date.now().toString(36);
    const carol = await person(browser, `carol-${tag}@claimant.example`);
    const id = await createSession(api, carol.email, 'Reload v. Sign-in', `dan-${tag}@respondent.example`);
    await carol.page.goto(`${web}/sessions/${id}`);
    await signIn(carol);
    await carol.page.getByRole('heading', { level: 1, name: 'Reload v. Sign-in' }).waitFor();

    // Act
    await carol.page.reload();
    await carol.page.getByRole('heading', { level: 1, name: 'Reload v. Sign-in' }).waitFor();
    const stored = await carol.page.evaluate(() => {
      const w = globalThis as unknown as {
        localStorage: { length: number };
        sessionStorage: { length: number };
      };
      return { local: w.localStorage.length, session: w.sessionStorage.length };
    });

    // Assess
    expect(new URL(carol.page.url()).pathname).toBe(`/sessions/${id}`);
    expect(await carol.page.getByRole('textbox', { name: 'Email', exact: true }).count()).toBe(0);
    expect(await carol.page.getByRole('status', { name: 'Terms' }).count()).toBe(1);
    expect(stored).toEqual({ local: 0, session: 1 });
  });

  it('returns to the invitation after signing in from its link, and sign-out forgets the token', async () => {
    // Prepare
    const tag = Date.now().toString(36);
    const erin = await person(browser, `erin-${tag}@respondent.example`);
    await createSession(api, `frank-${tag}@claimant.example`, 'Link v. Return', erin.email);
    const path = await invitationPath(api, erin.email);

    // Act
    await erin.page.goto(`${web}${path}`);
    await erin.page.getByRole('button', { name: 'Sign in' }).waitFor();
    const signInUrl = new URL(erin.page.url());
    await signIn(erin);
    await erin.page.getByRole('button', { name: 'Accept invitation' }).waitFor();
    const back = `${new URL(erin.page.url()).pathname}${new URL(erin.page.url()).search}`;
    await erin.page.getByRole('button', { name: 'Sign out' }).click();
    await erin.page.getByRole('textbox', { name: 'Email' }).waitFor();
    const afterSignOut = await erin.page.evaluate(
      () => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length,
    );

    // Assess
    expect(signInUrl.pathname).toBe('/sign-in');
    expect(back).toBe(path);
    expect(afterSignOut).toBe(0);
  });
});
