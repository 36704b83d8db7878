// Journey: the municipality's analyst opens «Kommunen», filters one school, sees only that
// school's figures with small groups shown as «<5», and downloads the table as XLSX; the
// half-yearly status report for the school opens from the same figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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

test('kommune filters the overview by a school and downloads XLSX', async () => {
  const page = await login(browser, server.base, 'kommune');
  const toggle = page.locator('button.menu-toggle');
  if (await toggle.isVisible()) await toggle.click();
  await page.click('nav >> text=Kommunen');
  assert.equal((await page.textContent('h1')).trim(), 'Kommunens overblik');
  assert.deepEqual(await duplicateIds(page), []);
  assert.ok((await page.locator('#skoler tbody tr').count()) >= 5, 'every school and the municipality');
  assert.equal(await page.locator('svg[role=img]').count() >= 1, true, 'a trend chart');
  const alerts = (await page.locator('#advarsler tr.total td').first().textContent()).replace('.', '');
  assert.ok(Number(alerts) > 0, `the demo's open alerts are counted (${alerts})`);

  await page.getByLabel('Skole eller dagtilbud').selectOption({ label: 'Søndre Skole' });
  await Promise.all([page.waitForURL(/institution=\d+/), page.getByRole('button', { name: 'Vis' }).click()]);
  assert.match(await page.textContent('main > p'), /Søndre Skole/);
  const rows = await page.locator('#skoler tbody tr th').allTextContents();
  assert.deepEqual(rows.map((r) => r.trim()), ['Søndre Skole']);
  assert.equal(await page.locator('#dagtilbud').count(), 0, 'a school has no daycare table');
  const tables = (await page.locator('main table').allTextContents()).join(' ');
  assert.doesNotMatch(tables, /Nordskolen|Vestervang/, 'other schools are filtered out of the tables');

  const section = page.locator('section', { has: page.locator('#skoler') });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    section.getByRole('link', { name: 'Excel (XLSX)' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^skoler-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const bytes = await readFile(await download.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX file is a zip archive');
  assert.ok(bytes.includes(Buffer.from('xl/worksheets/sheet1.xml')), 'with a worksheet');

  await page.getByRole('link', { name: 'Den halvårlige status (til udskrift)' }).click();
  assert.match(await page.textContent('h1'), /Halvårlig status \d\. halvår \d{4} – Kommunen/);
  assert.ok(await page.getByLabel('Ledelsens tekst til «Sammenfatning»').isVisible(), 'the analyst writes the municipality\'s texts');
  if (process.env.TRIVSEL_SCREENSHOTS) await page.screenshot({ path: `${process.env.TRIVSEL_SCREENSHOTS}/kommune-status.png`, fullPage: true });
});
