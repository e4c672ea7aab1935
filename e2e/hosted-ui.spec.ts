/**
 * The hosted UI (the user pool's domain, https://localhost:20443) in Debian's
 * Chromium, trusting the local CA exactly as the README tells a person
 * (e2e/trusting-browser.ts). Certificate errors are not ignored: a CA that is
 * not trusted fails the navigation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { person, screenshot, signOut, signUp } from './helpers';
import { launchTrustingBrowser, type TrustingBrowser } from './trusting-browser';

const HOSTED_UI = 'https://localhost:20443';
const APP = 'http://localhost:5173/';
const clientId: string = JSON.parse(readFileSync('amplify_outputs.json', 'utf8')).auth.user_pool_client_id;

let trusting: TrustingBrowser;

test.beforeAll(async () => {
  trusting = await launchTrustingBrowser();
});

test.afterAll(async () => {
  await trusting?.close();
});

test('a person who signed up in the app signs in on the hosted UI and comes back with a code that becomes tokens', async ({ page }) => {
  const ada = person('hosted', Date.now().toString(36), 1);
  await signUp(page, ada);
  await signOut(page);

  const context = await trusting.browser.newContext();
  const browserPage = await context.newPage();
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = `${HOSTED_UI}/oauth2/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: APP,
    scope: 'openid email',
    state: 'e2e-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })}`;
  await browserPage.goto(authorize);
  await expect(browserPage.getByRole('heading', { name: 'Sign in with your username and password' })).toBeVisible();
  await screenshot(browserPage, 'hosted-ui-login');
  await browserPage.getByLabel('Username').fill(ada.email);
  await browserPage.getByLabel('Password').fill(ada.password);
  await Promise.all([browserPage.waitForURL((url) => url.origin === new URL(APP).origin && url.searchParams.has('code')), browserPage.getByRole('button', { name: 'Sign in' }).click()]);
  const back = new URL(browserPage.url());
  expect(back.searchParams.get('state')).toBe('e2e-state');

  // The app's origin redeems the code as aws-amplify does (a form post to /oauth2/token, CORS).
  const tokens = await browserPage.evaluate(
    async ({ url, form }) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    },
    { url: `${HOSTED_UI}/oauth2/token`, form: { grant_type: 'authorization_code', client_id: clientId, code: back.searchParams.get('code')!, redirect_uri: APP, code_verifier: verifier } },
  );
  expect(tokens.status).toBe(200);
  expect(tokens.body).toMatchObject({ token_type: 'Bearer', id_token: expect.any(String), access_token: expect.any(String), refresh_token: expect.any(String) });
  const idClaims = JSON.parse(Buffer.from(tokens.body.id_token.split('.')[1], 'base64url').toString('utf8'));
  expect(idClaims).toMatchObject({ email: ada.email, aud: clientId, token_use: 'id' });
  await context.close();
});

test('without the CA trusted, Chromium refuses the hosted UI (certificate checks stay on)', async () => {
  const emptyHome = join(trusting.home, 'untrusting');
  mkdirSync(emptyHome);
  const untrusting = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, env: { ...process.env, HOME: emptyHome } });
  try {
    const page = await untrusting.newPage();
    const failed = await page.goto(`${HOSTED_UI}/oauth2/authorize?client_id=${clientId}`).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/ERR_CERT/);
  } finally {
    await untrusting.close();
  }
});
