// Journey: a teacher takes the roll call by keyboard on six school days; the first pupil is
// present on the first and sick on the five after, so the consecutive rule fires on the last
// day, and the leader sees the alert at once (no nightly batch).
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

/// Sets the first pupil's code by keyboard and saves with the keyboard; returns the notice.
async function registerFirstPupil(page, key) {
  await page.focus('fieldset.pupil input:checked');
  await page.keyboard.press(key);
  // The letter moved focus on to the next pupil; arrow up comes back to check it.
  await page.keyboard.press('ArrowUp');
  const value = await page.evaluate(() => document.activeElement.dataset.key);
  assert.equal(value, key, 'the focused pupil has the code just typed');
  await page.focus('form.roll-call button[type=submit]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[role=status]');
  const focused = await page.evaluate(() => document.activeElement.getAttribute('role'));
  assert.equal(focused, 'status', 'after saving, focus is on the notice');
  return page.textContent('[role=status]');
}

test('roll call by keyboard raises a consecutive-absence alert', async () => {
  const teacher = await login(browser, server.base, 'laerer');
  await teacher.click('nav >> text=Klasser');
  await teacher.click('main >> text=Fremmøde');
  await teacher.waitForSelector('form.roll-call');
  const base = teacher.url().split('?')[0];
  while (await teacher.locator('#ikke-skoledag').count()) {
    await teacher.click('text=← Forrige skoledag');
  }
  const days = [];
  for (let i = 0; i < 6; i++) {
    days.push(await teacher.inputValue('input[name=dato]'));
    await teacher.click('text=← Forrige skoledag');
  }
  days.reverse();
  const pupil = (await teacher.textContent('fieldset.pupil legend')).trim();

  const started = Date.now();
  for (const [i, day] of days.entries()) {
    for (const slot of [1, 2]) {
      await teacher.goto(`${base}?dato=${day}&modul=${slot}`);
      const notice = await registerFirstPupil(teacher, i === 0 ? 'T' : 'S');
      assert.match(notice, /Gemt/);
    }
  }
  // Saving the same roll call again changes nothing.
  await teacher.goto(`${base}?dato=${days[5]}&modul=2`);
  assert.match(await registerFirstPupil(teacher, 'S'), /Gemt\. 0 registreringer/);
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds < 60, `twelve roll calls took ${seconds} s`);

  const leader = await login(browser, server.base, 'leder');
  await leader.click('nav >> text=Advarsler');
  await leader.selectOption('#regel', 'consecutive');
  await Promise.all([leader.waitForURL(/regel=consecutive/), leader.click('text=Filtrér')]);
  const [y, m, d] = days[5].split('-');
  const alert = leader.locator('section.alert', { hasText: pupil }).filter({ hasText: `${d}.${m}.${y}` });
  assert.equal(await alert.count(), 1, `a consecutive alert for ${pupil} on ${days[5]}`);
  if (process.env.TRIVSEL_SCREENSHOTS) {
    await teacher.goto(`${base}?dato=${days[5]}&modul=1`);
    await teacher.screenshot({ path: `${process.env.TRIVSEL_SCREENSHOTS}/fremmoede.png`, fullPage: true });
    await leader.screenshot({ path: `${process.env.TRIVSEL_SCREENSHOTS}/advarsler.png`, fullPage: true });
  }
});

test('re-opening the roll call shows the saved codes, and Enter on a code does not save', async (t) => {
  const teacher = await login(browser, server.base, 'laerer');
  await teacher.click('nav >> text=Klasser');
  await teacher.click('main >> text=Fremmøde');
  await teacher.waitForSelector('form.roll-call');
  while (await teacher.locator('#ikke-skoledag').count()) {
    await teacher.click('text=← Forrige skoledag');
  }
  const url = teacher.url();
  const second = teacher.locator('fieldset.pupil').nth(1);
  const name = (await second.locator('legend').textContent()).trim();
  // Enter on a code leaves the page as it was: nothing sent, nothing stored.
  await second.locator('input[data-key=U]').check();
  await second.locator('input[data-key=U]').press('Enter');
  await teacher.waitForTimeout(300);
  assert.equal(teacher.url(), url, 'Enter did not send the form');
  assert.equal(await teacher.locator('[role=status]').count(), 0);
  await teacher.click('form.roll-call button[type=submit]');
  await teacher.waitForSelector('[role=status]');
  // Klasser → Fremmøde again opens the same registration with the code just saved.
  await teacher.click('nav >> text=Klasser');
  await teacher.click('main >> text=Fremmøde');
  await teacher.waitForSelector('form.roll-call');
  while (await teacher.locator('#ikke-skoledag').count()) {
    await teacher.click('text=← Forrige skoledag');
  }
  const again = teacher.locator('fieldset.pupil', { hasText: name });
  assert.ok(await again.locator('input[data-key=U]').isChecked(), `${name} is shown as «Ulovligt fravær»`);
  assert.match(await teacher.textContent('main'), /gemt for \d+ af \d+ elever/);

  // On a phone a pupil is one compact row, and the save button stays on screen.
  await teacher.setViewportSize({ width: 390, height: 844 });
  const height = await again.evaluate((row) => row.getBoundingClientRect().height);
  t.diagnostic(`a pupil takes ${height} px on a phone`);
  assert.ok(height < 100, `a pupil takes ${height} px on a phone`);
  // (Polled: the sticky bar settles after the resize.)
  await teacher.waitForFunction(() => {
    const r = document.querySelector('form.roll-call button[type=submit]').getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  }, null, { timeout: 5000 });
});
