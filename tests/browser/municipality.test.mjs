// Journeys of a real municipality's people: the school leader assigns the PPR psychologist to
// a pupil, who then finds the pupil under «Mine børn»; the teacher makes a plan, the pupil
// writes «Min stemme» in it and the teacher reads it; a parent gives a consent and revokes it
// after a confirmation; the daycare leader opens a group and sees no school words, on a phone
// without sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, isoDate } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('the leader assigns ppr to a pupil and ppr finds the pupil under «Mine børn»', async () => {
  const leader = await login(browser, server.base, 'leder');
  await leader.click('nav >> text=Klasser');
  await leader.click('main ul.links a:text-is("5.A")');
  const pupil = leader.locator('tbody tr:nth-child(2) a');
  const name = (await pupil.textContent()).trim();
  await pupil.click();
  await leader.getByRole('link', { name: 'Rådgivere' }).click();
  const option = await leader.$$eval('#raadgiver option', (os) => os.find((o) => o.textContent.includes('PPR-psykolog')).value);
  await leader.getByLabel('Rådgiver', { exact: true }).selectOption(option);
  await leader.getByLabel('Årsag', { exact: true }).fill('Henvist til PPR for skolevægring');
  await leader.getByRole('button', { name: 'Tilknyt' }).click();
  await leader.waitForSelector('text=Afslut tilknytningen');

  const ppr = await login(browser, server.base, 'ppr');
  await Promise.all([ppr.waitForURL(/\/mine-boern$/), ppr.click('nav >> text=Mine børn')]);
  const main = await ppr.textContent('main');
  assert.match(main, new RegExp(name));
  assert.match(main, /Henvist til PPR for skolevægring/);
  await ppr.getByRole('link', { name }).click();
  assert.equal((await ppr.textContent('h1')).trim(), name);
});

test('the pupil writes «Min stemme» in a plan and the teacher reads it', async () => {
  const stamp = Date.now().toString(36);
  const title = `Mit frikvarter ${stamp}`;
  const words = `Jeg vil gerne spille fodbold med de andre (${stamp}).`;
  const teacher = await login(browser, server.base, 'laerer');
  await teacher.click('nav >> text=Klasser');
  await teacher.click('main ul.links a:text-is("5.A")');
  await teacher.click('tbody tr:first-child a');
  await teacher.getByRole('link', { name: 'Mål- og indsatsplaner' }).click();
  await teacher.getByLabel('Titel', { exact: true }).fill(title);
  await teacher.getByLabel('Forebyggende', { exact: true }).check();
  await teacher.getByLabel('Mål', { exact: true }).fill('Er med i legen i frikvarteret.');
  await teacher.getByLabel('Barnets stemme (barnets eget perspektiv)').fill('Fortalt til læreren: vil gerne være med.');
  await teacher.getByLabel('Evalueringsdato 1', { exact: true }).fill(isoDate(30));
  await Promise.all([teacher.waitForURL(/\/planer\/\d+$/), teacher.getByRole('button', { name: 'Opret planen' }).click()]);
  const planUrl = teacher.url();

  const pupil = await login(browser, server.base, 'elev');
  await pupil.click('nav >> text=Min stemme');
  const section = pupil.locator('section', { has: pupil.getByRole('heading', { name: title }) });
  assert.match(await section.textContent(), /Fortalt til læreren/);
  await section.getByLabel('Det vil jeg gerne sige').fill(words);
  await section.getByRole('button', { name: 'Gem det, jeg har skrevet' }).click();
  await pupil.waitForSelector('text=Gemt.');
  assert.doesNotMatch(await pupil.textContent('main'), /Er med i legen/, 'the pupil sees no goals');

  await teacher.goto(planUrl);
  const plan = await teacher.textContent('main');
  assert.match(plan, /Elevens egne ord/);
  assert.ok(plan.includes(words));
});

test('a parent revokes a consent only after confirming it', async () => {
  const parent = await login(browser, server.base, 'foraelder');
  await Promise.all([parent.waitForURL(/\/boern$/), parent.click('nav >> text=Mine børn')]);
  await parent.click('main ul.links a');
  await parent.getByRole('link', { name: 'Samtykker' }).click();
  const scope = await parent.$$eval('#omfang option', (os) => os.find((o) => o.value !== '').value);
  await parent.getByLabel('Hvad gælder samtykket?').selectOption(scope);
  await Promise.all([parent.waitForURL(/givet=\d+/), parent.getByRole('button', { name: 'Giv samtykke' }).click()]);
  assert.match(await parent.textContent('[role=status]'), /Samtykket er registreret/);
  const id = new URL(parent.url()).searchParams.get('givet');
  const row = parent.locator(`#samtykke-${id}`);
  assert.match(await row.textContent(), /Gælder/);
  await row.getByRole('button', { name: 'Træk samtykket tilbage' }).click();
  assert.equal((await parent.textContent('h1')).trim(), 'Træk samtykket tilbage?');
  await parent.getByRole('link', { name: 'Nej, behold samtykket' }).click();
  assert.doesNotMatch(await parent.locator(`#samtykke-${id}`).textContent(), /Gælder ikke/, 'kept');
  await parent.locator(`#samtykke-${id}`).getByRole('button', { name: 'Træk samtykket tilbage' }).click();
  await parent.getByRole('button', { name: 'Ja, træk samtykket tilbage' }).click();
  await parent.waitForURL(/tilbagekaldt=/);
  assert.match(await parent.textContent('[role=status]'), /Samtykket er trukket tilbage/);
  assert.match(await parent.locator(`#samtykke-${id}`).textContent(), /Gælder ikke/);
});

test('the daycare leader opens a group and sees no school words, also on a phone', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.fill('#username', 'dagleder');
  await page.fill('#password', 'demo');
  await page.press('#password', 'Enter');
  await page.waitForURL(`${server.base}/`);
  const nav = await page.textContent('nav');
  assert.match(nav, /Stuer/);
  assert.doesNotMatch(nav, /Klasser|Fravær|Advarsler|Kvartal/);
  // On a phone the menu is folded behind «Menu» until opened.
  const toggle = page.locator('button.menu-toggle');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('nav >> text=Stuer').isVisible(), false);
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await page.click('nav >> text=Stuer');
  assert.equal((await page.textContent('h1')).trim(), 'Stuer');
  await page.click('main ul.links li > a:first-child');
  const main = await page.textContent('main');
  for (const word of ['elever', 'Fremmøde', 'Fravær', 'Klassekonference', 'Klassefællesskabet']) {
    assert.ok(!main.includes(word), `«${word}» on a daycare group`);
  }
  assert.match(main, /børn/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `scrolls sideways by ${overflow} px`);
  await context.close();
});
