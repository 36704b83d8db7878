// Starts `trivsel demo` on a free loopback port against the database in TRIVSEL_BROWSER_DB
// (a fresh one per run, made by scripts/test.sh) and launches Debian's headless Chromium.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const bin = process.env.TRIVSEL_BIN ?? path.join(root, 'target/debug/trivsel');

function database() {
  const db = process.env.TRIVSEL_BROWSER_DB;
  if (!db) throw new Error('TRIVSEL_BROWSER_DB is not set; run the browser tests through scripts/test.sh');
  return db;
}

// Runs a `trivsel` command against the test database and returns its standard output.
export function trivsel(args, { input = '', env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--db', database(), ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`trivsel ${args.join(' ')}: ${err}`))));
    child.stdin.end(input);
  });
}

export { freePort };

export async function startServer() {
  const db = database();
  const port = await freePort();
  const child = spawn(bin, ['--db', db, 'demo', '--addr', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TRIVSEL_LOG: 'warn' },
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`trivsel demo exited: ${output}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, stop: () => child.kill('SIGTERM') };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`trivsel demo did not start within 60 s: ${output}`);
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

// Logs in with a demo account in a fresh browser context and returns the page.
export async function login(browser, base, username) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', 'demo');
  await page.press('#password', 'Enter');
  await page.waitForURL(`${base}/`);
  return page;
}

// The local date `days` from today as YYYY-MM-DD (the value of a date field).
export function isoDate(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// The ids on the page that occur more than once (a label pointing at the wrong field, for a
// screen reader); empty when every id is unique.
export function duplicateIds(page) {
  return page.evaluate(() => {
    const seen = new Map();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
}
