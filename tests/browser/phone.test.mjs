// The phone crawl: every demo account walks the pages it can reach from its menu and from those
// pages (two clicks deep) at 390 × 844. No page may scroll sideways (WCAG 2.1 1.4.10 Reflow),
// have a touch target under 44 × 44 px in the main content, or fail axe-core's WCAG 2.1 A/AA
// rules; and no page text may show a format that is not Danish.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startServer, launchBrowser } from './harness.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Interactive elements of the main content smaller than 44 × 44 px. A radio or checkbox counts
// by its label (the label is the target); a link inside a sentence is exempt, as in WCAG 2.5.8.
function smallTargets() {
  const small = [];
  for (const el of document.querySelectorAll('main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary')) {
    if (el.closest('[hidden]') || el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    let target = el;
    if (el.matches('input[type=radio], input[type=checkbox]') && el.closest('label')) target = el.closest('label');
    const r = target.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (el.tagName === 'A') {
      const block = el.parentElement.closest('p, li, dd, td, th, h1, h2, h3, div, span') ?? el.parentElement;
      if (block.textContent.trim().length > el.textContent.trim().length + 2) continue;
    }
    if (r.width < 44 || r.height < 44) {
      const name = (target.textContent || target.getAttribute('aria-label') || target.getAttribute('name') || target.tagName).trim().slice(0, 40);
      small.push(`${target.tagName.toLowerCase()} «${name}» ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return small;
}

// Formats that are not Danish: a decimal point in a percentage, an ISO date, «UTC», «1 nye».
const NOT_DANISH = [
  [/\d\.\d+\s?%/, 'decimal point in a percentage'],
  [/\b\d{4}-\d{2}-\d{2}\b/, 'ISO date'],
  [/\bUTC\b/, 'UTC'],
  [/(^|[^\d.,])1 nye\b/, '«1 nye»'],
];

const ACCOUNTS = [
  'leder', 'laerer', 'trivsel', 'ppr', 'socialraadgiver', 'sundhedsplejerske', 'ssp',
  'foraelder', 'elev', 'kommune', 'sagsbehandler', 'admin', 'dagleder', 'paedagog',
];
// Downloads, feeds and the way out are not pages to look at.
const SKIP = /\/logout|\/static\/|\.csv|\.ics|\/kalender|\/api\//;
const PER_ACCOUNT = 30;
// Pages deeper than the crawl reaches from the front page, by the demo's fixed ids; a seed the
// demo no longer has answers 404 and is skipped.
const SEEDS = {
  trivsel: ['/trivselsundersoegelser/1', '/trivselshjul'],
  laerer: ['/svar'],
  elev: ['/trivselsundersoegelser/1/svar'],
  paedagog: ['/laeringsgrupper/1'],
  sundhedsplejerske: ['/mine-boern'],
  kommune: ['/kommune', '/kommune/status', '/kommune?maaned=2026-09'],
};

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
  // bypassCSP lets axe-core be injected; the pages' own policy is tested elsewhere.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', 'demo');
  await page.press('#password', 'Enter');
  await page.waitForURL(`${server.base}/`);
  return { context, page };
}

test('every page fits a phone, has 44 px targets, passes axe-core and speaks Danish formats', async (t) => {
  const failures = [];
  let visited = 0;
  for (const username of ACCOUNTS) {
    const { context, page } = await phone(username);
    let frontier = ['/', ...(SEEDS[username] ?? [])];
    const seen = new Set(frontier);
    for (let depth = 0; depth <= 2 && frontier.length > 0 && seen.size <= PER_ACCOUNT; depth++) {
      const next = [];
      for (const path of frontier) {
        const response = await page.goto(`${server.base}${path}`);
        if (!response || response.status() >= 400) continue;
        visited++;
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) failures.push(`${username} ${path}: scrolls ${overflow} px sideways`);
        for (const small of await page.evaluate(smallTargets)) failures.push(`${username} ${path}: small target ${small}`);
        const text = await page.evaluate(() => document.body.innerText);
        for (const [pattern, what] of NOT_DANISH) {
          const m = text.match(pattern);
          if (m) failures.push(`${username} ${path}: ${what} «${m[0]}»`);
        }
        await page.addScriptTag({ path: axePath });
        const axe = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
        for (const v of axe.violations) {
          failures.push(`${username} ${path}: axe ${v.id} (${v.nodes.length}×) ${v.nodes[0]?.target.join(' ')}`);
        }
        const links = await page.$$eval('nav a[href^="/"]:not([download]), main a[href^="/"]:not([download])', (as) => as.map((a) => a.getAttribute('href')));
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
  t.diagnostic(`${visited} pages visited by ${ACCOUNTS.length} accounts at 390 × 844`);
  assert.ok(visited > 100, `only ${visited} pages visited`);
  assert.deepEqual(failures, [], `${failures.length} problems at 390 px:\n${failures.join('\n')}`);
});
