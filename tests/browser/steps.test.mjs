// Journey: the statutory absence steps. A parent reports sickness and the teacher finds S
// proposed in the roll call and saves it; the leader warns the parents of a pupil over 10 %
// and submits the last quarter's 15 % list; the municipality's absence caseworker receives and
// acknowledges it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login } from './harness.mjs';

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

test('a parent reports sickness, the teacher sees it proposed and saves', async () => {
  const parent = await login(browser, server.base, 'foraelder');
  await parent.click('text=Meld sygdom eller søg om frihed');
  await parent.waitForSelector('form.stack');
  const child = (await parent.textContent('h1')).replace('Fraværsmelding – ', '').trim();
  assert.equal(await parent.isChecked('input[name=art][value=sygdom]'), true, 'sickness is the default');
  await parent.click('text=Send til skolen');
  await parent.waitForSelector('[role=status]');
  assert.match(await parent.textContent('[role=status]'), /sendt til skolen/);
  assert.match(await parent.textContent('main'), /Sygdom .*: meldt/);

  const teacher = await login(browser, server.base, 'laerer');
  await teacher.click('main >> text=Dagens fremmøde');
  await teacher.click('main a:has-text("Fremmøde")');
  await teacher.waitForSelector('form.roll-call');
  const row = teacher.locator('fieldset.pupil', { has: teacher.locator(`legend:text-is("${child}")`) });
  assert.match(await row.textContent(), /Sygdom, meldt/);
  assert.equal(await row.locator('input[value=S]').isChecked(), true, 'S proposed from the report');
  await teacher.click('form.roll-call button[type=submit]');
  await teacher.waitForSelector('[role=status]');
  assert.match(await teacher.textContent('[role=status]'), /Gemt/);
  await teacher.reload();
  const saved = teacher.locator('fieldset.pupil', { has: teacher.locator(`legend:text-is("${child}")`) });
  assert.equal(await saved.locator('input[value=S]').isChecked(), true, 'the saved code is S');
});

test('the leader warns at 10 % and submits the 15 % list; the caseworker receives it', async () => {
  const leader = await login(browser, server.base, 'leder');
  await leader.goto(`${server.base}/fravaer/varsling`);
  const cards = leader.locator('main section.card form');
  if (await cards.count()) {
    const card = leader.locator('main section.card', { has: leader.locator('form') }).first();
    const name = (await card.locator('h2 a').textContent()).trim();
    await card.locator('select[name=maade]').selectOption('telefon');
    await card.locator('button:has-text("Registrér varsling")').click();
    await leader.waitForSelector('[role=status]');
    assert.match(await leader.textContent('[role=status]'), new RegExp(`Varslingen af forældrene til ${name}`));
  } else {
    assert.match(await leader.textContent('main'), /Ingen elever har 10 %/);
  }

  await leader.goto(`${server.base}/`);
  await leader.click('text=er ikke indberettet til kommunen');
  const submit = leader.locator('button:has-text("Indberet listen til kommunen")');
  const pupils = Number((await submit.textContent()).match(/\((\d+) elev/)[1]);
  await submit.click();
  await leader.waitForSelector('text=Kommunen har ikke kvitteret');
  assert.match(await leader.textContent('#indberetning-titel + p'), /Indberettet .* med \d+ elev/);

  const caseworker = await login(browser, server.base, 'sagsbehandler');
  assert.match(await caseworker.textContent('main'), /venter på kvittering/);
  await caseworker.click('nav >> text=Indberetninger');
  await caseworker.click('main >> text=Nordskolen');
  await caseworker.waitForSelector('h1:has-text("Nordskolen")');
  assert.equal(await caseworker.locator('main section.card').count(), pupils, 'every pupil on the list');
  await caseworker.click('text=Kvittér for modtagelsen');
  await caseworker.waitForSelector('text=Modtaget af kommunen');

  await leader.reload();
  assert.match(await leader.textContent('main'), /Modtaget af kommunen/);
});

test('a U opens a same-day contact task; the teacher writes to the parents in the parent view', async () => {
  const parent = await login(browser, server.base, 'foraelder');
  await parent.click('text=Meld sygdom eller søg om frihed');
  const child = (await parent.textContent('h1')).replace('Fraværsmelding – ', '').trim();

  const teacher = await login(browser, server.base, 'laerer');
  await teacher.click('main >> text=Dagens fremmøde');
  await teacher.click('main a:has-text("Fremmøde")');
  await teacher.waitForSelector('form.roll-call');
  await teacher.selectOption('#modul', '2');
  await teacher.click('form.inline button:has-text("Vis")');
  await teacher.waitForSelector('form.roll-call');
  const row = teacher.locator('fieldset.pupil', { has: teacher.locator(`legend:text-is("${child}")`) });
  await row.locator('label.code:has(input[value=U])').click();
  await teacher.click('form.roll-call button[type=submit]');
  await teacher.waitForSelector('[role=status]');
  assert.match(await teacher.textContent('#kontakt-titel + p'), new RegExp(child), 'the roll call names the pupil');

  await teacher.goto(`${server.base}/`);
  assert.match(await teacher.textContent('main'), /Forældre der skal kontaktes/);
  await teacher.click('#kontakt-titel + p a');
  const card = teacher.locator('main section.card', { has: teacher.locator(`h3:has-text("${child}")`) }).first();
  await card.locator('select[name=maade]').selectOption('foraeldrevisning');
  const message = 'Vi savnede jeres barn i eftermiddag. Ring gerne til skolen.';
  await card.locator('textarea[name=note]').fill(message);
  await card.locator('button:has-text("Registrér kontakt")').click();
  await teacher.waitForSelector('[role=status]');
  assert.match(await teacher.textContent('[role=status]'), new RegExp(`Kontakten med forældrene til ${child}`));

  await parent.reload();
  assert.match(await parent.textContent('section[aria-labelledby=fra-skolen]'), new RegExp(message));
});
