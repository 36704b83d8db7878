// Journey: a teacher sees only the own class; opening a pupil of another class by URL gives a
// Danish 403 page and is audited; the school leader then sees the refused attempt in the
// child's access log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login as loginAs } from './harness.mjs';

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

const login = (username) => loginAs(browser, server.base, username);

test('laerer is refused another class, and leder sees the refusal', async () => {
  // The leader finds a pupil of 6.A (the teacher teaches 5.A).
  const leader = await login('leder');
  await leader.click('nav >> text=Klasser');
  await leader.click('main >> text=6.A');
  const href = await leader.getAttribute('tbody tr:first-child a', 'href');
  assert.match(href, /^\/boern\/\d+$/);

  const teacher = await login('laerer');
  await teacher.click('nav >> text=Klasser');
  const classes = await teacher.locator('main ul.links li > a:first-child').allTextContents();
  assert.deepEqual(classes, ['5.A'], 'only the own class');

  const response = await teacher.goto(`${server.base}${href}`);
  assert.equal(response.status(), 403);
  assert.equal(await teacher.textContent('h1'), 'Adgang nægtet');
  assert.match(await teacher.textContent('main'), /Forsøget er registreret/);

  await leader.goto(`${server.base}${href}/adgangslog`);
  assert.equal(await leader.textContent('h1'), 'Adgangslog');
  const refused = leader.locator('tbody tr', { hasText: 'Afvist' });
  assert.equal(await refused.count(), 1, 'exactly one refused attempt');
  assert.match(await refused.textContent(), /laerer.*Lærer\/pædagog.*Stamdata vist/s);
  if (process.env.TRIVSEL_SCREENSHOTS) await leader.screenshot({ path: `${process.env.TRIVSEL_SCREENSHOTS}/adgangslog.png`, fullPage: true });
});
