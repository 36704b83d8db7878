// Journey: the school leader opens the trivselshjul, sees the current period highlighted and
// ticks the period's activity off with a note; the activity shows as done with the note.
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

test('leder ticks off an activity of the trivselshjul', async () => {
  const stamp = Date.now().toString(36);
  const leader = await login(browser, server.base, 'leder');
  const toggle = leader.locator('button.menu-toggle');
  if (await toggle.isVisible()) await toggle.click();
  await leader.click('nav >> text=Trivselshjul');
  assert.deepEqual(await duplicateIds(leader), []);
  assert.equal(await leader.locator('svg.wheel').count(), 1);
  const activity = leader.locator('article.entry:has(button:has-text("Markér som udført"))').first();
  const title = (await activity.locator('h3').textContent()).trim();
  await activity.getByLabel(`Note om «${title}»`).fill(`Holdt på alle årgange (${stamp})`);
  await activity.getByRole('button', { name: 'Markér som udført' }).click();
  const done = leader.locator('article.entry', { has: leader.locator('h3', { hasText: title }) }).first();
  assert.match(await done.textContent(), new RegExp(`Udført.*${stamp}`, 's'));
  if (process.env.TRIVSEL_SCREENSHOTS) await leader.screenshot({ path: `${process.env.TRIVSEL_SCREENSHOTS}/trivselshjul.png`, fullPage: true });
});
