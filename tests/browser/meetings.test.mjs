// Journey: the school leader convenes a fraværssamråd from an absence alert about a child of
// the demo guardian, adds the participants, records the three interview rounds and two actions
// with owners, is refused closing without a follow-up date, sets one and closes the meeting;
// the guardian then finds the action plan through «Beskeder». Fields are found by their labels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, isoDate, duplicateIds } from './harness.mjs';

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

// Chooses the option of the select labelled `label` whose text matches `pattern`.
async function choose(page, label, pattern) {
  const select = page.getByLabel(label, { exact: true });
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  const found = options.find(([, text]) => pattern.test(text));
  assert.ok(found, `no option ${pattern} in «${label}»: ${options.map(([, t]) => t).join(', ')}`);
  await select.selectOption(found[0]);
}

test('leder convenes a fraværssamråd from an alert, records and closes it; foraelder sees the action plan', async () => {
  // The guardian's children, to find an alert about one of them.
  const parent = await login(browser, server.base, 'foraelder');
  await Promise.all([parent.waitForURL(/\/boern$/), parent.click('nav >> text=Mine børn')]);
  const own = await parent.locator('main ul.links a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(own.length > 0, 'the demo guardian has children');

  const page = await login(browser, server.base, 'leder');
  await page.click('nav >> text=Advarsler');
  const links = page.locator('main a[href^="/moeder/ny?type=fravaerssamraad"]');
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => own.some((child) => h.includes(`barn=${child.split('/').pop()}&`)));
  assert.ok(href, `an open alert about the guardian's child (${own.join(', ')})`);
  const child = new URL(href, server.base).searchParams.get('barn');
  await page.click(`main a[href="${href}"]`);

  // The convening form shows the 7-working-day deadline and comes with the known participants.
  assert.match(await page.textContent('#frist'), /7 arbejdsdage/);
  assert.deepEqual(await duplicateIds(page), []);
  const ticked = await page.locator('input[name=deltager]:checked').evaluateAll((is) => is.map((i) => i.parentElement.textContent.trim()));
  for (const who of [/\(forælder/, /\(Skoleleder\)/, /\(elev\)|\(Elev\)/]) {
    assert.ok(ticked.some((t) => who.test(t)), `${who} ticked on the form: ${ticked.join(', ')}`);
  }
  const convene = {
    url: page.url(),
    form: Object.fromEntries(await page.locator('form[action="/moeder"] :is(input, select)').evaluateAll((els) =>
      els.filter((e) => e.name && e.name !== 'deltager' && (e.type !== 'checkbox' || e.checked)).map((e) => [e.name, e.value]))),
  };
  await page.getByLabel('Sted (uden personoplysninger)', { exact: true }).fill('Mødelokalet ved kontoret');
  await Promise.all([page.waitForURL(/\/moeder\/\d+$/), page.getByRole('button', { name: 'Indkald' }).click()]);
  const meetingUrl = page.url();
  assert.match(await page.textContent('#frist'), /Senest/);
  assert.equal(await page.locator('#deltagerliste li').count(), ticked.length, 'the ticked participants are invited');

  // The same alert cannot be convened twice: the form sent again is refused, the alert and the
  // convening link lead to the samråd there is.
  const again = await page.request.post(`${server.base}/moeder`, { form: convene.form, headers: { Origin: server.base }, maxRedirects: 0 });
  assert.equal(again.status(), 409);
  await page.goto(convene.url);
  assert.match(await page.textContent('h1'), /allerede indkaldt/);
  await page.click('nav >> text=Advarsler');
  const meetingPath = new URL(meetingUrl).pathname;
  assert.equal(await page.locator(`section.alert a[href="${meetingPath}"]`).count(), 1, 'the alert links to its samråd');
  await page.goto(meetingUrl);

  // The remaining fixed participants: the teacher, PPR and the social worker, when not there.
  let count = ticked.length;
  for (const who of [/\(Lærer/, /\(PPR-psykolog\)/, /\(Socialrådgiver\)/]) {
    // Not offered when already invited.
    const offered = await page.getByLabel('Person med adgang til Trivsel', { exact: true }).locator('option').allTextContents();
    if (!offered.some((t) => who.test(t))) continue;
    await choose(page, 'Person med adgang til Trivsel', who);
    await Promise.all([page.waitForURL(/besked=deltager/), page.getByRole('button', { name: 'Tilføj deltager' }).click()]);
    count++;
  }
  assert.equal(await page.locator('#deltagerliste li').count(), count);

  // The three rounds.
  await page.getByLabel('Mødet blev holdt den', { exact: true }).fill(isoDate(0));
  await page.getByLabel('Runde 1: Hvad håber hver deltager, at mødet fører til?', { exact: true })
    .fill('Mor: At hun kommer i skole hver dag\nKlasselærer: En rolig start på dagen');
  await page.getByLabel('Runde 2: Hvad forhindrer eleven i at komme i skole?', { exact: true })
    .fill('Eleven: Ondt i maven om morgenen');
  await page.getByLabel('Runde 2: Hvad hjælper eleven til at komme i skole?', { exact: true })
    .fill('Mor: Når en veninde henter hende');
  await page.getByLabel('Runde 3: Hvad kan hver deltager bidrage med?', { exact: true })
    .fill('PPR: Samtaler hver uge\nSkoleleder: En fast voksen ved ankomsten');
  await Promise.all([page.waitForURL(/besked=referat/), page.getByRole('button', { name: 'Gem referat' }).click()]);
  assert.match(await page.textContent('#status'), /Afholdt/);

  // Two actions with owners.
  const stamp = Date.now().toString(36);
  for (const [action, owner] of [[`Ugentlige samtaler ${stamp}`, /\(PPR-psykolog\)/], [`Fast voksen ved ankomst ${stamp}`, /\(Lærer/]]) {
    await page.getByLabel('Handling', { exact: true }).fill(action);
    await choose(page, 'Ansvarlig', owner);
    await page.getByLabel('Frist', { exact: true }).fill(isoDate(14));
    await Promise.all([page.waitForURL(/besked=handling/), page.getByRole('button', { name: 'Tilføj handling' }).click()]);
  }
  assert.equal(await page.locator('#handlinger tbody tr').count(), 2);
  assert.deepEqual(await duplicateIds(page), [], 'every id on the meeting page is unique');

  // Closing without a follow-up date is refused; with one it closes.
  await page.getByLabel('Dato for opfølgningsmøde (skal udfyldes)', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Afslut møde og send handleplan' }).click();
  await page.waitForSelector('.error-summary');
  assert.match(await page.textContent('.error-summary'), /uden en dato for opfølgningsmødet/);
  await page.getByLabel('Dato for opfølgningsmøde (skal udfyldes)', { exact: true }).fill(isoDate(21));
  await Promise.all([page.waitForURL(/besked=afsluttet/), page.getByRole('button', { name: 'Afslut møde og send handleplan' }).click()]);
  assert.match(await page.textContent('#status'), /Afsluttet/);
  assert.ok(page.url().startsWith(meetingUrl));

  // The guardian: a message leads to the action plan in the parent view.
  await parent.click('nav >> text=Beskeder');
  // The newest message is this meeting's action plan; opening it marks it read.
  await Promise.all([
    parent.waitForURL(new RegExp(`/boern/${child}/moeder`)),
    parent.locator('#beskeder a:has-text("Se handleplanen")').first().click(),
  ]);
  const plan = await parent.textContent('main');
  assert.match(plan, new RegExp(`Ugentlige samtaler ${stamp}`));
  assert.match(plan, new RegExp(`Fast voksen ved ankomst ${stamp}`));
  assert.match(plan, /Opfølgningsmøde/);
  assert.doesNotMatch(plan, /Ondt i maven/, 'the minutes stay with the staff');
});

test('leder finds the upcoming Trivselsforum with its agenda, and the share held in time', async () => {
  const page = await login(browser, server.base, 'leder');
  await page.click('nav >> text=Møder');
  assert.match(await page.textContent('#andel-rettidig'), /\d+ %/);
  await page.click('main table a:text-matches("^Trivselsforum")');
  await page.waitForSelector('#dagsorden');
  assert.ok(await page.locator('section[aria-labelledby="dagsorden"] ol > li').count() >= 4, 'the demo agenda');
  assert.match(await page.textContent('#deltagerliste'), /Trivselsperson/);
  assert.deepEqual(await duplicateIds(page), [], 'every id on the forum page is unique');
  // Keyboard: the first agenda item's plan field is reachable by its label.
  await page.getByLabel('Aftale: hvem gør hvad').first().focus();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
});
