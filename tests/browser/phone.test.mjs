// Phone reflow (WCAG 2.1 1.4.10): every demo account walks the pages it can reach from its
// menu and from those pages (two clicks deep) at 390 × 844, and no page may scroll sideways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.mjs';

const ACCOUNTS = [
  'leder', 'laerer', 'trivsel', 'ppr', 'socialraadgiver', 'sundhedsplejerske', 'ssp',
  'foraelder', 'elev', 'kommune', 'admin', 'dagleder', 'paedagog',
];
// Downloads, feeds and the way out are not pages to look at.
const SKIP = /\/logout|\/static\/|\.csv|\.ics|\/kalender|\/api\//;
const PER_ACCOUNT = 30;

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

async function phone(username) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', 'demo');
  await page.press('#password', 'Enter');
  await page.waitForURL(`${server.base}/`);
  return { context, page };
}

test('no page scrolls sideways on a phone, for any demo account', async () => {
  const failures = [];
  let visited = 0;
  for (const username of ACCOUNTS) {
    const { context, page } = await phone(username);
    const seen = new Set(['/']);
    let frontier = ['/'];
    for (let depth = 0; depth <= 2 && frontier.length > 0 && seen.size <= PER_ACCOUNT; depth++) {
      const next = [];
      for (const path of frontier) {
        const response = await page.goto(`${server.base}${path}`);
        if (!response || response.status() >= 400) continue;
        visited++;
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) failures.push(`${username} ${path}: ${overflow} px`);
        const links = await page.$$eval('nav a[href^="/"], main a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')));
        for (const href of links) {
          const target = href.split('#')[0];
          if (!target || SKIP.test(target) || seen.has(target) || seen.size > PER_ACCOUNT) continue;
          seen.add(target);
          next.push(target);
        }
      }
      frontier = next;
    }
    await context.close();
  }
  assert.ok(visited > 100, `only ${visited} pages visited`);
  assert.deepEqual(failures, [], `pages that scroll sideways at 390 px:\n${failures.join('\n')}`);
});
