// Journey: the trivselsperson records a concern about a pupil, creates a preventive plan for the
// pupil's class and one for the pupil, records an evaluation of the pupil's plan, and finds all
// of it in the pupil's chronology (filterable by kind). Fields are found by their labels.
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

test('trivsel records a concern, plans for class and child, evaluates, and sees the chronology', async () => {
  const page = await login(browser, server.base, 'trivsel');
  const stamp = Date.now().toString(36);
  const concernText = `Trækker sig fra legen i frikvartererne (${stamp}).`;
  const classPlan = `Klassens fællesskab ${stamp}`;
  const childPlan = `Leg og venskaber ${stamp}`;

  // The class: a preventive plan for the learning community.
  await page.click('nav >> text=Klasser');
  await page.click('main ul.links li > a:first-child');
  const classUrl = page.url();
  await page.getByRole('link', { name: 'Mål- og indsatsplaner' }).click();
  await page.getByLabel('Titel', { exact: true }).fill(classPlan);
  await page.getByLabel('Forebyggende', { exact: true }).check();
  await page.getByLabel('Mål', { exact: true }).fill('Alle elever har nogen at være sammen med i frikvarteret.');
  await page.getByLabel('Evalueringsdato 1', { exact: true }).fill(isoDate(30));
  await Promise.all([page.waitForURL(/\/planer\/\d+$/), page.getByRole('button', { name: 'Opret planen' }).click()]);
  assert.equal(await page.textContent('h1'), classPlan);
  assert.match(await page.textContent('main'), /Forebyggende/);

  // A pupil of the class: a concern.
  await page.goto(classUrl);
  await page.click('tbody tr:first-child a');
  const childUrl = page.url();
  assert.match(childUrl, /\/boern\/\d+$/);
  await page.getByRole('link', { name: 'Bekymringer' }).click();
  await page.getByLabel('Social', { exact: true }).check();
  await page.getByLabel('Emotionel', { exact: true }).check();
  await page.getByLabel('Beskrivelse', { exact: true }).fill(concernText);
  await page.getByLabel('Middel', { exact: true }).check();
  await page.getByRole('button', { name: 'Registrér bekymring' }).click();
  await page.waitForSelector(`article.entry:has-text("${stamp}")`);
  assert.match(await page.textContent('article.entry'), /Social, Emotionel/);

  // A preventive plan for the pupil, with one action.
  await page.goto(`${childUrl}/planer`);
  await page.getByLabel('Titel', { exact: true }).fill(childPlan);
  await page.getByLabel('Forebyggende', { exact: true }).check();
  await page.getByLabel('Mål', { exact: true }).fill('Deltager i leg med mindst to klassekammerater.');
  await page.getByLabel('Barnets stemme (barnets eget perspektiv)').fill('Jeg vil gerne være med, men ved ikke hvordan.');
  const action = page.getByRole('group', { name: 'Tiltag 1' });
  await action.getByLabel('Hvad', { exact: true }).fill('Legegrupper i frikvarteret');
  await action.getByLabel('Ansvarlig (navn)').fill('Klasseteamet');
  await action.getByLabel('Fra', { exact: true }).fill(isoDate(0));
  await action.getByLabel('Til', { exact: true }).fill(isoDate(28));
  await page.getByLabel('Evalueringsdato 1', { exact: true }).fill(isoDate(28));
  await Promise.all([page.waitForURL(/\/planer\/\d+$/), page.getByRole('button', { name: 'Opret planen' }).click()]);
  assert.equal(await page.textContent('h1'), childPlan);

  // An evaluation, by keyboard-reachable fields.
  await page.getByLabel('Delvist opnået', { exact: true }).check();
  await page.getByLabel('Evaluering', { exact: true }).fill('Leger med to kammerater de fleste dage.');
  await page.getByLabel('Næste skridt', { exact: true }).fill('Fortsæt legegrupperne en måned.');
  await page.getByRole('button', { name: 'Registrér evaluering' }).click();
  await page.waitForSelector('ul.evaluations li');
  assert.match(await page.textContent('ul.evaluations'), /Delvist opnået/);

  // The chronology shows the concern, the plan and the evaluation, newest first.
  await page.goto(childUrl);
  await page.getByRole('link', { name: 'Kronologi' }).click();
  assert.match(await page.textContent('h1'), /^Kronologi/);
  const entries = await page.locator('ol.chronology > li').allTextContents();
  const find = (re) => entries.findIndex((e) => re.test(e));
  const concern = find(new RegExp(stamp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '\\)\\.'));
  const plan = find(new RegExp(`Mål- og indsatsplan oprettet: ${childPlan}`));
  const evaluation = find(new RegExp(`Evaluering af «${childPlan}»: Delvist opnået`));
  assert.ok(concern >= 0, `the concern in ${entries.join('\n')}`);
  assert.ok(plan >= 0, 'the plan');
  assert.ok(evaluation >= 0, 'the evaluation');
  assert.ok(evaluation < plan && plan < concern, 'newest first');

  // Filtered by kind: only evaluations.
  await page.getByLabel('Art', { exact: true }).selectOption('evaluering');
  await Promise.all([page.waitForURL(/art=evaluering/), page.getByRole('button', { name: 'Filtrér' }).click()]);
  const evaluations = await page.locator('ol.chronology > li').allTextContents();
  assert.ok(evaluations.length >= 1 && evaluations.every((e) => /Evaluering/.test(e)), evaluations.join('\n'));

  if (process.env.TRIVSEL_SCREENSHOTS) {
    await page.goto(childUrl + '/kronologi');
    await page.screenshot({ path: `${process.env.TRIVSEL_SCREENSHOTS}/kronologi.png`, fullPage: true });
  }
});
