// Journey: single sign-on. A real OpenID provider (oidc-provider, with its development login
// pages) runs on loopback; the demo municipality is configured to use it; `leder` logs in
// through it with the authorization code flow and PKCE and lands on the front page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Provider from 'oidc-provider';
import { startServer, launchBrowser, freePort, trivsel } from './harness.mjs';

let server;
let browser;
let op;

before(async () => {
  server = await startServer();
  const opPort = await freePort();
  const issuer = `http://127.0.0.1:${opPort}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'trivsel',
      client_secret: 'en-lang-hemmelighed-til-test',
      redirect_uris: [`${server.base}/oidc/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    // Every login name is an account whose preferred_username is that name.
    findAccount: (ctx, id) => ({ accountId: id, claims: () => ({ sub: `sub-${id}`, preferred_username: id }) }),
    claims: { openid: ['sub'], profile: ['preferred_username'] },
    pkce: { required: () => true },
  });
  provider.on('server_error', (ctx, err) => console.error(err));
  op = provider.listen(opPort);
  await trivsel(['oidc', 'set', '999', '--issuer', issuer, '--client-id', 'trivsel', '--label', 'Eksempel-login'], {
    env: { TRIVSEL_OIDC_CLIENT_SECRET: 'en-lang-hemmelighed-til-test' },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
  op?.close();
});

async function signOn(page, login) {
  await page.goto(`${server.base}/login`);
  await page.click('text=Log ind med Eksempel-login');
  // The provider's development login page, then its consent page.
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'vilkårligt');
  await page.click('button[type=submit]');
  await page.click('button[type=submit]');
}

test('leder signs on through the municipality\'s OpenID provider', async () => {
  const page = await (await browser.newContext()).newPage();
  await signOn(page, 'leder');
  await page.waitForURL(`${server.base}/`);
  assert.equal(await page.textContent('h1'), 'Forside');
  assert.match(await page.textContent('main'), /logget ind som skoleleder/);
});

test('an account unknown to Trivsel is refused after signing on', async () => {
  const page = await (await browser.newContext()).newPage();
  await signOn(page, 'ukendt-person');
  await page.waitForURL(/\/oidc\/callback/);
  assert.equal(await page.textContent('h1'), 'Login mislykkedes');
  assert.match(await page.textContent('main'), /ingen konto i Trivsel/);
});
