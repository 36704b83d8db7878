// Journey: the class teacher writes an underretning about a pupil with the guided form (a
// missing answer is named and nothing is stored), prints it (the print shows the text, not the
// forms), and gets a follow-up task; the school leader sees the demo's overdue one on the front
// page and records the municipality's receipt of the new one, which closes the teacher's task.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, duplicateIds, isoDate } from './harness.mjs';

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

test('laerer writes an underretning, leder records the receipt', async () => {
  const stamp = Date.now().toString(36);
  const teacher = await login(browser, server.base, 'laerer');
  await teacher.click('nav >> text=Klasser');
  await teacher.click('main >> text=5.A');
  await teacher.click('tbody tr:nth-child(4) a');
  const child = (await teacher.textContent('h1')).trim();
  await teacher.getByRole('link', { name: 'Underretninger' }).click();
  await teacher.getByRole('link', { name: 'Skriv en underretning' }).click();
  assert.deepEqual(await duplicateIds(teacher), []);
  assert.equal(await teacher.getByLabel('Modtagerkommune (barnets bopælskommune)').inputValue(), 'Eksempel Kommune');

  await teacher.getByLabel('Hvad giver anledning til bekymring?').fill(`Græder ofte og vil ikke hjem (${stamp}).`);
  await teacher.getByLabel('Hvad er forsøgt?').fill('Samtaler med eleven.');
  await teacher.getByRole('button', { name: 'Gem underretningen' }).click();
  assert.match(await teacher.textContent('.error-summary'), /Er forældrene orienteret: vælg ja eller nej/);
  assert.equal(await teacher.getByLabel('Hvad giver anledning til bekymring?').inputValue(), `Græder ofte og vil ikke hjem (${stamp}).`);

  await teacher.getByRole('group', { name: 'Er forældrene orienteret om underretningen?' }).getByLabel('Ja').check();
  await Promise.all([
    teacher.waitForURL(/\/underretninger\/\d+\?gemt=1$/),
    teacher.getByRole('button', { name: 'Gem underretningen' }).click(),
  ]);
  const url = teacher.url().replace('?gemt=1', '');
  assert.match(await teacher.textContent('[role=status]'), /Underretningen er gemt/);
  assert.equal(await teacher.textContent('h1'), `Underretning om ${child}`);
  assert.match(await teacher.textContent('main'), /Afventer, frist \d\d\.\d\d\.\d{4}/);

  // The print shows the underretning without the forms.
  await teacher.emulateMedia({ media: 'print' });
  assert.equal(await teacher.locator('form[action$="/kvittering"]').isVisible(), false);
  assert.equal(await teacher.locator(`text=${stamp}`).isVisible(), true);
  await teacher.emulateMedia({ media: 'screen' });
  if (process.env.TRIVSEL_SCREENSHOTS) await teacher.screenshot({ path: `${process.env.TRIVSEL_SCREENSHOTS}/underretning.png`, fullPage: true });

  // A follow-up task for the receipt, beside the one for the demo's overdue underretning.
  const receiptTasks = () => teacher.locator('main tr:has-text("Følg op: kommunens kvittering for underretning"):has(form)').count();
  await teacher.click('nav >> text=Opgaver');
  assert.equal(await receiptTasks(), 2);

  const leader = await login(browser, server.base, 'leder');
  const section = leader.locator('section', { has: leader.locator('#underretning-titel') });
  assert.match(await section.textContent(), /2 underretninger afventer kommunens kvittering, 1 efter fristen/);
  await section.getByRole('link').click();
  assert.match(await leader.locator('tbody tr').first().textContent(), /Overskredet/);
  await leader.goto(url);
  await leader.getByLabel('Kvittering modtaget den').fill(isoDate(0));
  await leader.getByRole('button', { name: 'Registrér kvittering' }).click();
  await leader.waitForSelector('#kvittering-titel + p:has-text("Modtaget")');

  await teacher.reload();
  assert.equal(await receiptTasks(), 1, 'the task of the received one is done');
});
