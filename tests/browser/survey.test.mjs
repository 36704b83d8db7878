// Journey: the trivselsperson makes a class survey for 4.A; three pupils answer on a shared
// tablet with the class code (each name leaves the list once answered); the results show the
// sociograms, and a pupil nobody chose becomes a focus pupil in one step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, duplicateIds } from './harness.mjs';

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

test('three pupils answer with the class code, trivsel makes an isolated pupil a focus pupil', async () => {
  const stamp = Date.now().toString(36);
  const staff = await login(browser, server.base, 'trivsel');
  await staff.click('nav >> text=Klasser');
  await staff.click('main >> text=4.A');
  await staff.getByRole('link', { name: 'Trivselsundersøgelser og sociogrammer' }).click();
  await staff.getByRole('link', { name: 'Lav en ny undersøgelse' }).click();
  assert.deepEqual(await duplicateIds(staff), []);
  await staff.getByLabel('Titel').fill(`Klassetrivsel ${stamp}`);
  await Promise.all([
    staff.waitForURL(/\/trivselsundersoegelser\/\d+$/),
    staff.getByRole('button', { name: 'Opret undersøgelsen' }).click(),
  ]);
  const results = staff.url();
  const code = (await staff.textContent('strong.code')).trim();
  assert.match(code, /^[A-Z2-9]{6}$/);

  // The shared tablet: no login, the code typed in lower case.
  const tablet = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await tablet.goto(`${server.base}/svar`);
  await tablet.getByLabel('Klassekode').fill(code.toLowerCase());
  await tablet.getByRole('button', { name: 'Fortsæt' }).click();
  const names = (await tablet.locator('main ul.links a').allTextContents()).slice(0, 3);
  assert.equal(names.length, 3);
  const secret = (page) => page.getByRole('group', { name: 'Hvem kan du fortælle en hemmelighed?' });
  const answer = async (who, chooses) => {
    await tablet.getByRole('link', { name: who, exact: true }).click();
    assert.match(await tablet.textContent('main'), /Ingen af dine klassekammerater kan se, hvad du svarer/);
    await tablet.getByRole('group', { name: 'Jeg er glad for at gå i min klasse.' }).getByLabel('Enig', { exact: true }).check();
    for (const c of chooses) await secret(tablet).getByLabel(c, { exact: true }).check();
    await tablet.getByRole('button', { name: 'Send mine svar' }).click();
    assert.match(await tablet.textContent('[role=status]'), /Tak! Dine svar er gemt/);
    assert.equal(await tablet.getByRole('link', { name: who, exact: true }).count(), 0, `${who} has left the list`);
  };
  const [a, b, c] = names;
  await answer(a, [b]);
  await answer(b, [a]);
  await answer(c, [a, b]);

  await staff.goto(results);
  assert.match(await staff.textContent('main'), /3 af \d+ elever har svaret/);
  assert.equal(await staff.locator('svg.sociogram').count(), 2);
  // Nobody chose the third pupil.
  await staff.getByRole('button', { name: `Gør ${c} til fokuselev` }).first().click();
  await staff.waitForURL(results);
  assert.equal(await staff.getByRole('button', { name: `Gør ${c} til fokuselev` }).count(), 0);
  assert.match(await staff.locator('main li', { hasText: c }).first().textContent(), /Fokuselev/);
  if (process.env.TRIVSEL_SCREENSHOTS) await staff.screenshot({ path: `${process.env.TRIVSEL_SCREENSHOTS}/sociogram.png`, fullPage: true });
});
