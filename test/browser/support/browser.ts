/**
 * Chromium (Debian's, driven by playwright-core) for the browser tests: one browser per file,
 * a context per person, an accessibility check and a screenshot per screen, and everything a
 * page shows or keeps (DOM, storage, URL, console) for the confidentiality checks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

const resultsDir = fileURLToPath(new URL('../../../test-results/', import.meta.url));
const screenshotsDir = `${resultsDir}screenshots/`;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Runs in each page before its own scripts (a string: this file is compiled without the DOM's types). */
const DOM_HISTORY_SCRIPT = `
  const seen = (window.__domHistory = []);
  const record = (node) => { if (node.textContent) seen.push(node.textContent); };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'attributes') seen.push(String(m.target.getAttribute(m.attributeName)));
      else if (m.type === 'characterData') record(m.target);
      else m.addedNodes.forEach(record);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
`;

export interface Person {
  email: string;
  context: BrowserContext;
  page: Page;
  /** Every console message of the page so far. */
  console: string[];
  /** Every request the page made so far, as `METHOD path`. */
  requests: string[];
}

export async function person(
  browser: Browser,
  email: string,
  viewport = { width: 1280, height: 900 },
): Promise<Person> {
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  // Everything the DOM ever held, not only what it holds at the end: each text and attribute
  // value added or changed is kept (in the page's memory only) for `everythingOnPage`.
  await context.addInitScript({ content: DOM_HISTORY_SCRIPT });
  const page = await context.newPage();
  const console: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => console.push(message.text()));
  page.on('pageerror', (error) => console.push(error.message));
  page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
  return { email, context, page, console, requests };
}

/** Signs in on the sign-in page the app is showing. */
export async function signIn(who: Person): Promise<void> {
  await who.page.getByRole('textbox', { name: 'Email' }).fill(who.email);
  await who.page.getByRole('button', { name: 'Sign in' }).click();
}

export interface AxeRecord {
  screen: string;
  violations: { id: string; impact: string | null | undefined; nodes: number }[];
}
export const axeLog: AxeRecord[] = [];

/**
 * Runs axe on the page as it is and saves a screenshot; returns the serious and critical
 * violations (the caller asserts there are none). Every result is also written to
 * test-results/axe.json for the record.
 */
export async function checkScreen(page: Page, screen: string): Promise<string[]> {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: `${screenshotsDir}${screen}.png`, fullPage: true });
  // Legacy mode runs axe inside the page itself; the default opens a second page per check to
  // combine frames' results, which this app (no iframes) does not need and which costs seconds.
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  axeLog.push({
    screen,
    violations: results.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })),
  });
  writeFileSync(`${resultsDir}axe.json`, JSON.stringify(axeLog, null, 2));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Everything a page holds or has shown: its DOM, local and session storage, URL and console. */
export async function everythingOnPage(who: Person): Promise<Record<string, string>> {
  const { page } = who;
  const storage = await page.evaluate(() => {
    const dump = (s: { length: number; key(i: number): string | null; getItem(k: string): string | null }) =>
      Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i) ?? '')}`).join('\n');
    const w = globalThis as unknown as {
      localStorage: Parameters<typeof dump>[0];
      sessionStorage: Parameters<typeof dump>[0];
    };
    const history = (globalThis as unknown as { __domHistory?: string[] }).__domHistory ?? [];
    return { local: dump(w.localStorage), session: dump(w.sessionStorage), history: history.join('\n') };
  });
  return {
    dom: await page.content(),
    domHistory: storage.history,
    localStorage: storage.local,
    sessionStorage: storage.session,
    url: page.url(),
    console: who.console.join('\n'),
  };
}

/** The ways an amount in minor units could be written on a page: 12000091 → 12000091, 120000.91, 120,000.91. */
export function spellings(minor: bigint, digits = 2): string[] {
  const unit = 10n ** BigInt(digits);
  const whole = (minor / unit).toString();
  const fraction = (minor % unit).toString().padStart(digits, '0');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return [minor.toString(), `${whole}.${fraction}`, `${grouped}.${fraction}`];
}

/** Where on the page any spelling of the amount appears (empty when nowhere). */
export async function whereAmountAppears(who: Person, minor: bigint): Promise<string[]> {
  const places = await everythingOnPage(who);
  return Object.entries(places).flatMap(([place, text]) =>
    spellings(minor)
      .filter((spelling) => text.includes(spelling))
      .map((spelling) => `${who.email} ${place}: ${spelling}`),
  );
}
