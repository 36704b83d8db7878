// Journey: a school leader logs in with the keyboard only, sees the front page, and logs out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.mjs';

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

test('leder logs in by keyboard, sees the front page in Danish and logs out', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/`);
  assert.equal(new URL(page.url()).pathname, '/login', 'not logged in: sent to the login page');
  assert.equal(await page.getAttribute('html', 'lang'), 'da');
  assert.equal(await page.title(), 'Log ind – Trivsel');

  // Keyboard only: the skip link comes first and jumps to the content, then the fields in order.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Spring til indhold');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'username');
  await page.keyboard.type('leder');
  await page.keyboard.press('Tab');
  await page.keyboard.type('forkert');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[role=alert]');
  assert.equal(await page.textContent('[role=alert]'), 'Forkert brugernavn eller adgangskode.');
  assert.equal(await page.inputValue('#username'), 'leder', 'the user name is kept');

  await page.fill('#password', 'demo');
  await page.press('#password', 'Enter');
  await page.waitForURL(`${server.base}/`);
  assert.equal(await page.textContent('h1'), 'Forside');
  assert.match(await page.textContent('main'), /Du er logget ind som skoleleder i Eksempel Kommune/);
  assert.equal(await page.textContent('nav [aria-current=page]'), 'Forside');
  // The front page opens on the day's work: the school's open alerts, not municipal figures.
  assert.equal(await page.locator('h2#advarsler-titel').textContent(), 'Fravær at handle på');
  assert.ok(await page.locator('main a[href="/fravaer/advarsler"]').count() > 0);
  assert.equal(await page.locator('#inst-titel').count(), 0);
  if (process.env.TRIVSEL_SCREENSHOTS) await page.screenshot({ path: `${process.env.TRIVSEL_SCREENSHOTS}/forside.png`, fullPage: true });

  await page.click('text=Log ud');
  await page.waitForURL(`${server.base}/login`);
  await page.goto(`${server.base}/`);
  assert.equal(new URL(page.url()).pathname, '/login', 'logged out for good');
});
