/**
 * The rooms in a real browser, as four people use them: the claimant's team (attorney and
 * co-counsel) confer in their side's room while the respondent's page never shows a word of it;
 * the mediator and the respondent talk in their caucus, which the claimant's team never sees.
 * The session is prepared over HTTP; everything in the rooms is done on the pages. Every page is
 * checked for the other rooms' texts in everything it ever held (DOM history, storage, URL,
 * console), and the rooms screen passes axe without a serious or critical violation.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkScreen, everythingOnPage, launchBrowser, type Person, person, signIn } from './support/browser';
import { devToken, invitationPath } from './support/dev';

const api = inject('apiUrl');
const web = inject('webUrl');

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function call(email: string, method: string, path: string, body: unknown) {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await devToken(api, email)}` },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}`);
  return (await response.json()) as { id: string };
}

async function join(email: string) {
  const token = new URLSearchParams((await invitationPath(api, email)).split('?')[1]).get('token');
  await call(email, 'POST', '/invitations/accept', { token });
}

/** Opens the session page signed in, on the rooms region, in the tab named `room`. */
async function openRoom(who: Person, sessionId: string, room: string) {
  await who.page.goto(`${web}/sessions/${sessionId}`);
  await signIn(who);
  const region = who.page.getByRole('region', { name: 'Rooms' });
  await region.getByRole('tab', { name: new RegExp(`^${room}`) }).click();
  return region;
}

async function write(who: Person, text: string) {
  const region = who.page.getByRole('region', { name: 'Rooms' });
  await region.getByRole('textbox', { name: 'Message' }).fill(text);
  await region.getByRole('button', { name: 'Send' }).click();
  await region.getByText(text).waitFor();
}

async function whereTextAppears(who: Person, texts: string[]): Promise<string[]> {
  const places = await everythingOnPage(who);
  return Object.entries(places).flatMap(([place, held]) =>
    texts.filter((t) => held.includes(t)).map((t) => `${who.email} ${place}: ${t}`),
  );
}

describe('rooms in the browser', () => {
  it('keeps the claimant team’s room from the respondent, and the respondent’s caucus from the claimant team', async () => {
    // Prepare: a session with a claimant, a co-counsel, a respondent and a mediator, all joined.
    const tag = Date.now().toString(36);
    const [alice, carol, bob, mia] = await Promise.all(
      [
        `alice-${tag}@claimant.example`,
        `carol-${tag}@claimant.example`,
        `bob-${tag}@respondent.example`,
        `mia-${tag}@mediator.example`,
      ].map((email) => person(browser, email)),
    );
    const { id } = await call(alice!.email, 'POST', '/sessions', {
      title: 'Rooms v. Walls',
      currency: 'USD',
      myRole: 'claimant',
      invite: { respondent: bob!.email, mediator: mia!.email },
    });
    await call(alice!.email, 'POST', `/sessions/${id}/invitations`, {
      email: carol!.email,
      role: 'claimant',
    });
    for (const who of [bob!, mia!, carol!]) await join(who.email);
    const team = [`Our floor stays at ninety ${tag}.`, `Agreed; I will call the client ${tag}.`];
    const caucus = [`Is there room to move ${tag}?`, `Some, if they show theirs ${tag}.`];

    // Act 1: the claimant team confers in its room.
    const aliceRooms = await openRoom(alice!, id, 'Claimant side');
    const carolRooms = await openRoom(carol!, id, 'Claimant side');
    await openRoom(bob!, id, 'Respondent side');
    await write(alice!, team[0]!);
    await carolRooms.getByText(team[0]!).waitFor({ timeout: 15_000 });
    await write(carol!, team[1]!);
    await aliceRooms.getByText(team[1]!).waitFor({ timeout: 15_000 });
    const problems = await checkScreen(alice!.page, 'rooms-claimant');

    // Act 2: the mediator and the respondent talk in their caucus.
    const miaRooms = await openRoom(mia!, id, 'Caucus: mediator and respondent');
    const bobRooms = bob!.page.getByRole('region', { name: 'Rooms' });
    await bobRooms.getByRole('tab', { name: /^Caucus: mediator and respondent/ }).click();
    await write(mia!, caucus[0]!);
    await bobRooms.getByText(caucus[0]!).waitFor({ timeout: 15_000 });
    await write(bob!, caucus[1]!);
    await miaRooms.getByText(caucus[1]!).waitFor({ timeout: 15_000 });
    problems.push(...(await checkScreen(bob!.page, 'rooms-caucus')));

    // Act 3: everyone looks at every tab it has, long enough for a refresh.
    for (const who of [alice!, carol!, bob!, mia!]) {
      const tabs = who.page.getByRole('region', { name: 'Rooms' }).getByRole('tab');
      for (let i = 0; i < (await tabs.count()); i++) await tabs.nth(i).click();
    }
    const bobTabs = await bob!.page.getByRole('region', { name: 'Rooms' }).getByRole('tab').allInnerTexts();
    const aliceTabs = await alice!.page
      .getByRole('region', { name: 'Rooms' })
      .getByRole('tab')
      .allInnerTexts();

    // Assess
    expect(problems).toEqual([]);
    expect(bobTabs.map((t) => t.replace(/\s*\d+ new$/, ''))).toEqual([
      'Respondent side',
      'Caucus: mediator and respondent',
      'Joint room',
    ]);
    expect(aliceTabs.map((t) => t.replace(/\s*\d+ new$/, ''))).toEqual([
      'Claimant side',
      'Caucus: mediator and claimant',
      'Joint room',
    ]);
    const leaks = [
      ...(await whereTextAppears(bob!, team)),
      ...(await whereTextAppears(mia!, team)),
      ...(await whereTextAppears(alice!, caucus)),
      ...(await whereTextAppears(carol!, caucus)),
    ];
    expect(leaks).toEqual([]);
    // The pages did hold their own rooms' texts (the search above is not vacuous).
    expect(await whereTextAppears(bob!, caucus)).not.toEqual([]);
    expect(await whereTextAppears(carol!, team)).not.toEqual([]);
  });
});
