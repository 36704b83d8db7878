// Journey: the health visitor fills in an overgangsskema with the parents of a child starting
// at Børnehuset Mælkebøtten (a half-scored ADBB is named and nothing is stored), shares one of
// two answers and records the parents' confirmation; the pedagogue sees exactly the shared
// answer, and the daycare's leader has the task for the start conversation.
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

test('sundhedsplejerske fills in an overgangsskema, the daycare sees only the shared answer', async () => {
  const stamp = Date.now().toString(36);
  const shared = `Glad for at synge (${stamp}).`;
  const kept = `Familien flytter snart (${stamp}).`;
  const hv = await login(browser, server.base, 'sundhedsplejerske');
  await hv.click('nav >> text=Mine børn');
  await hv.click('main li:has-text("Overgangsskema før start i dagtilbud") >> a >> nth=0');
  const child = (await hv.textContent('h1')).trim();
  await hv.getByRole('link', { name: 'Se overgangsskemaet' }).click();
  await hv.getByRole('link', { name: 'Udfyld et nyt overgangsskema' }).click();
  assert.deepEqual(await duplicateIds(hv), []);

  await hv.getByLabel('Dagtilbud, barnet skal starte i').selectOption({ label: 'Børnehuset Mælkebøtten' });
  await hv.getByLabel('Barnet starter den').fill(isoDate(0));
  const trivsel = hv.getByRole('group', { name: /^Barnets trivsel/ });
  await trivsel.getByLabel('Svar (valgfrit)').fill(shared);
  await trivsel.getByLabel('Må deles med dagtilbuddet').check();
  await hv.getByRole('group', { name: /^Familiens situation/ }).getByLabel('Svar (valgfrit)').fill(kept);
  await hv.getByLabel('Øjenkontakt').selectOption('1');
  await hv.getByRole('button', { name: 'Gem overgangsskemaet' }).click();
  assert.match(await hv.textContent('.error-summary'), /Ansigtsudtryk: scor alle otte punkter 0–4/);
  assert.equal(await trivsel.getByLabel('Svar (valgfrit)').inputValue(), shared, 'the answers are kept');
  await hv.getByLabel('Øjenkontakt').selectOption('');
  await Promise.all([
    hv.waitForURL(/\/overgangsskema\?gemt=1$/),
    hv.getByRole('button', { name: 'Gem overgangsskemaet' }).click(),
  ]);
  assert.match(await hv.textContent('[role=status]'), /Overgangsskemaet er gemt/);
  const form = hv.locator(`article:has-text("${stamp}")`);
  assert.match(await form.textContent(), /Ikke bekræftet af forældrene/);
  await form.getByLabel('Forælder, der har bekræftet').selectOption({ index: 1 });
  await Promise.all([
    hv.waitForURL(/\?bekraeftet=1$/),
    form.getByRole('button', { name: 'Gem bekræftelsen' }).click(),
  ]);
  assert.match(await hv.locator(`article:has-text("${stamp}")`).textContent(), /Bekræftet af forældrene/);

  // The pedagogue of Sommerfuglene: the shared answer, not the one the parents kept.
  const pedagogue = await login(browser, server.base, 'paedagog');
  await pedagogue.click('nav >> text=Stuer');
  await pedagogue.click('main >> text=Sommerfuglene');
  await pedagogue.click(`main a:has-text("${child}")`);
  await pedagogue.getByRole('link', { name: 'Se overgangsskemaet' }).click();
  const seen = await pedagogue.textContent('main');
  assert.ok(seen.includes(shared), 'the shared answer');
  assert.ok(!seen.includes(kept), 'the answer the parents kept');
  assert.ok(!seen.includes('Samlet score'), 'the demo form\'s screening was not shared');
  if (process.env.TRIVSEL_SCREENSHOTS) await pedagogue.screenshot({ path: `${process.env.TRIVSEL_SCREENSHOTS}/overgangsskema-paedagog.png`, fullPage: true });

  const leader = await login(browser, server.base, 'dagleder');
  await leader.click('nav >> text=Opgaver');
  assert.match(await leader.textContent('main'), /Opstartssamtale efter overgangsskema/);
});
