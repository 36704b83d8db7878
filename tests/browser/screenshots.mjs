// Takes the screenshots in docs/screenshots/ (shown in the README) from the demo municipality
// at phone size: `TRIVSEL_BROWSER_DB=sqlite:///tmp/shots.db node screenshots.mjs [dir]`.
// Not a test: it only looks. Set SHOTS to a comma list of names to take only some.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser } from './harness.mjs';

const dir = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const only = process.env.SHOTS?.split(',');

// A main-menu entry; on a phone the menu is folded behind «Menu».
async function menu(p, label) {
  const toggle = p.locator('button.menu-toggle');
  if (await toggle.isVisible()) await toggle.click();
  await p.click(`nav >> text=${label}`);
}

// [file name, account, how to get there from the front page]
const SHOTS = [
  ['laerer-forside', 'laerer', async () => {}],
  ['fremmoede', 'laerer', async (p) => { await p.click('main a:has-text("Fremmøde")'); }],
  ['leder-forside', 'leder', async () => {}],
  ['advarsler', 'leder', async (p) => { await menu(p, 'Advarsler'); }],
  ['samraad-indkald', 'leder', async (p) => {
    await menu(p, 'Advarsler');
    await p.click('main a:has-text("Indkald til fraværssamråd")');
  }],
  ['barn-fravaer', 'leder', async (p) => {
    await menu(p, 'Advarsler');
    await p.click('section.alert h2 a');
  }],
  ['foraelder-forside', 'foraelder', async () => {}],
  ['foraelder-samtykker', 'foraelder', async (p) => { await p.click('main a:has-text("Samtykker")'); }],
  ['beskeder', 'ppr', async (p) => { await menu(p, 'Beskeder'); }],
  ['fravaersmelding', 'foraelder', async (p) => { await p.click('main a:has-text("Meld sygdom")'); }],
  ['kvartal-indberetning', 'leder', async (p) => { await p.click('main a:has-text("er ikke indberettet")'); }],
  ['indberetninger', 'sagsbehandler', async (p) => { await menu(p, 'Indberetninger'); }],
  ['foraeldrekontakt', 'laerer', async (p) => { await p.click('#kontakt-titel + p a'); }],
  ['underretninger', 'leder', async (p) => { await p.click('#underretning-titel + p a'); }],
  ['underretning-ny', 'laerer', async (p) => {
    await menu(p, 'Klasser');
    await p.click('main >> text=5.A');
    await p.click('tbody tr:nth-child(3) a');
    await p.click('main a:has-text("Underretninger")');
    await p.click('main a:has-text("Skriv en underretning")');
  }],
  ['mobning-ny', 'laerer', async (p) => {
    await menu(p, 'Klasser');
    await p.click('main >> text=5.A');
    await p.click('main a:has-text("Registrér mobning i klassen")');
  }],
  ['mobning-foraelder', 'foraelder', async (p) => { await p.click('main a:has-text("Fravær og oplysninger")'); }],
  ['overgangsskema-ny', 'sundhedsplejerske', async (p) => {
    await menu(p, 'Mine børn');
    await p.click('main li:has-text("Overgangsskema før start i dagtilbud") >> a >> nth=0');
    await p.click('main a:has-text("Se overgangsskemaet")');
    await p.click('main a:has-text("Udfyld et nyt overgangsskema")');
  }],
  ['overgangsskema-paedagog', 'paedagog', async (p) => {
    await menu(p, 'Stuer');
    await p.click('main >> text=Sommerfuglene');
    // The youngest child of the group, whose overgangsskema the demo has (fixed seed).
    await p.click('main a:has-text("Emil Kjær")');
    await p.click('main a:has-text("Se overgangsskemaet")');
  }],
  ['overlevering', 'leder', async (p) => {
    await menu(p, 'Klasser');
    await p.click('main >> text=9.A');
    await p.click('tbody tr:nth-child(2) a');
    await p.click('main a:has-text("Skriv en overlevering")');
  }],
  ['sociogram', 'trivsel', async (p) => {
    await menu(p, 'Klasser');
    await p.click('main >> text=5.A');
    await p.click('main a:has-text("Trivselsundersøgelser og sociogrammer")');
    await p.click('main a:has-text("Klassetrivsel i 5.A")');
  }],
  ['elev-undersoegelse', 'elev', async (p) => { await p.click('main a:has-text("Svar på «Klassetrivsel i 5.A»")'); }],
  ['trafiklys-klasse', 'laerer', async (p) => {
    await menu(p, 'Klasser');
    await p.click('main >> text=5.A');
    await p.click('main a:has-text("Trafiklys for alle børn")');
  }],
  ['trafiklys-barn', 'laerer', async (p) => {
    await menu(p, 'Klasser');
    await p.click('main >> text=5.A');
    await p.click('main a:has-text("Trafiklys for alle børn")');
    await p.click('main tbody tr:nth-child(9) a');
  }],
  ['trivselsmaaling', 'leder', async (p) => { await menu(p, 'Trivselsmåling'); }],
  ['udviklingshjul', 'paedagog', async (p) => {
    await menu(p, 'Læringsgrupper');
    await p.click('main a:has-text("Mælkebøtterne")');
  }],
  ['trivselshjul', 'leder', async (p) => { await menu(p, 'Trivselshjul'); }],
  ['forebyggelse', 'leder', async (p) => { await menu(p, 'Forebyggelse'); }],
  ['aargange', 'leder', async (p) => { await p.goto(p.url().replace(/\/$/, '/aargange')); }],
  ['kommune', 'kommune', async (p) => { await menu(p, 'Kommunen'); }],
  ['kommune-skabelon', 'kommune', async (p) => { await p.goto(p.url().replace(/\/$/, '/kommune/trivselshjul')); }],
  ['kommune-status', 'kommune', async (p) => { await p.goto(p.url().replace(/\/$/, '/kommune/status')); }],
  ['samraad', 'leder', async (p) => {
    await menu(p, 'Møder');
    await p.click('main a:has-text("Fraværssamråd")');
  }],
];

mkdirSync(dir, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const [name, user, go] of SHOTS) {
    if (only && !only.includes(name)) continue;
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
    const page = await context.newPage();
    await page.goto(`${server.base}/login`);
    await page.fill('#username', user);
    await page.fill('#password', 'demo');
    await page.press('#password', 'Enter');
    await page.waitForURL(`${server.base}/`);
    try {
      await go(page);
      await page.waitForLoadState('load');
      // At most about two phone screens, so the images stay small.
      const height = Math.min(await page.evaluate(() => document.documentElement.scrollHeight), 1700);
      await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true, clip: { x: 0, y: 0, width: 390, height } });
      console.log(`${name}: ${page.url().replace(server.base, '')}`);
    } catch (e) {
      console.log(`${name}: ${e.message.split('\n')[0]}`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}
