// Journey: the class teacher reports bullying from the class page with two pupils' roles; the
// school leader finds it on the front page, starts temporary measures and makes the written
// action plan for the class within the 10 working days, and records that pupils and parents
// were informed; the demo pupil's parent sees the child's own role only.
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

const today = () => {
  const d = new Date();
  return `${String(d.getDate()).padStart(2, '0')}.${String(d.getMonth() + 1).padStart(2, '0')}.${d.getFullYear()}`;
};

test('laerer reports bullying, leder makes the plan in time, the parent sees only the own child', async () => {
  const stamp = Date.now().toString(36);
  const teacher = await login(browser, server.base, 'laerer');
  await teacher.click('nav >> text=Klasser');
  await teacher.click('main >> text=5.A');
  await teacher.getByRole('link', { name: 'Registrér mobning i klassen' }).click();
  assert.deepEqual(await duplicateIds(teacher), []);
  const rows = teacher.locator('table tbody tr');
  const exposed = (await rows.nth(6).locator('th').textContent()).trim();
  await rows.nth(6).locator('select').selectOption('udsat');
  await rows.nth(7).locator('select').selectOption('udoever');
  await teacher.getByLabel('Hvad er der sket?').fill(`Skubbet og kaldt øgenavne i omklædningsrummet (${stamp}).`);
  await Promise.all([
    teacher.waitForURL(/\/mobning\/\d+\?gemt=1$/),
    teacher.getByRole('button', { name: 'Registrér mobning' }).click(),
  ]);
  const url = teacher.url().replace('?gemt=1', '');
  assert.match(await teacher.textContent('[role=status]'), /skriftlig handlingsplan senest \d\d\.\d\d\.\d{4}/);
  assert.match(await teacher.textContent('main'), new RegExp(`${exposed} – Udsat`));

  const leader = await login(browser, server.base, 'leder');
  const section = leader.locator('section', { has: leader.locator('#mobning-titel') });
  assert.match(await section.textContent(), /2 mobningssager venter på en skriftlig handlingsplan/);
  await section.getByRole('link').click();
  assert.equal(await leader.locator('tbody tr').count(), 2);
  await leader.goto(url);
  await leader.getByLabel('Midlertidige tiltag (sættes i gang med det samme)').fill('En voksen er med i omklædningen.');
  await leader.getByRole('button', { name: 'Gem midlertidige tiltag' }).click();
  await leader.waitForSelector(`#tiltag-titel ~ p.meta:has-text("Sat i gang ${today()}")`);
  await leader.getByLabel('Klassen 5.A').check();
  await leader.getByLabel('Mål', { exact: true }).fill('Alle elever føler sig trygge i omklædningen.');
  await leader.getByLabel('Tiltag', { exact: true }).fill('Faste pladser og en voksen til stede i omklædningen.');
  await leader.getByRole('button', { name: 'Lav handlingsplanen' }).click();
  await leader.waitForSelector(`text=blev lavet ${today()}`);
  await leader.getByLabel('Hvordan (valgfrit)').fill('Samtaler med eleverne og telefonopkald til forældrene');
  await leader.getByRole('button', { name: 'Registrér orienteringen' }).click();
  await leader.waitForSelector(`text=orienteret om planens indhold ${today()}`);
  if (process.env.TRIVSEL_SCREENSHOTS) await leader.screenshot({ path: `${process.env.TRIVSEL_SCREENSHOTS}/mobning.png`, fullPage: true });
  await leader.click('#plan-titel + p a');
  assert.match(await leader.textContent('h1'), /Handlingsplan mod mobning – Klassen 5.A/);

  await leader.goto(`${server.base}/`);
  assert.match(await section.textContent(), /1 mobningssag venter/);

  // The demo pupil is a witness in the demo's report: the parent sees that, and no other child.
  const parent = await login(browser, server.base, 'foraelder');
  await parent.click('main a:has-text("Fravær og oplysninger")');
  const own = parent.locator('section', { has: parent.locator('#mobning-barn') });
  assert.match(await own.textContent(), /Dit barn er registreret som: vidne/);
  assert.doesNotMatch(await own.textContent(), /udsat|udøver/i);
  assert.equal(await own.locator('a').count(), 0, 'no link to the report');
});
