/**
 * Social sign-in (issue 12) in Debian's Chromium, the local CA trusted as the
 * README tells a person (e2e/trusting-browser.ts): the Authenticator's buttons
 * go through Cognito's hosted UI (https://localhost:20443/oauth2/authorize with
 * identity_provider) to the emulated provider's page, where a person picks or
 * creates an account, back through /oauth2/idpresponse to the app.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { awsAs, expectAccessible, person, screenshot, section, signOut, signUp } from './helpers';
import { launchTrustingBrowser, type TrustingBrowser } from './trusting-browser';

const APP = 'http://localhost:5173';
const HOSTED_UI = 'https://localhost:20443';
const run = Date.now().toString(36);

let trusting: TrustingBrowser;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  trusting = await launchTrustingBrowser();
});

test.afterAll(async () => {
  for (const context of contexts) await context.close();
  await trusting?.close();
});

/** A page in the trusting browser, its navigations recorded (to see the way a sign-in went). */
async function newPage(): Promise<{ page: Page; visited: string[] }> {
  const context = await trusting.browser.newContext({ baseURL: APP });
  contexts.push(context);
  const page = await context.newPage();
  const visited: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest()) visited.push(request.url());
  });
  return { page, visited };
}

type Provider = 'Google' | 'Apple' | 'Amazon' | 'Facebook';

interface ProviderAccount {
  email: string;
  name: string;
  emailVerified: boolean;
}

/** Clicks "Sign In with <provider>" and waits for the emulated provider's page. */
async function openProviderPage(page: Page, provider: Provider): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: `Sign In with ${provider}` }).click();
  await page.waitForURL((url) => url.origin === HOSTED_UI && url.pathname.startsWith('/_providers/'));
}

/** On the provider's page: creates the account there and continues. */
async function createProviderAccount(page: Page, account: ProviderAccount): Promise<void> {
  const form = page.getByRole('group', { name: 'Create an account' });
  await form.getByLabel('Email', { exact: true }).fill(account.email);
  await form.getByLabel('Name', { exact: true }).fill(account.name);
  // Only providers that tell whether the email is verified (Google, Apple) ask it; the others' emails count as verified.
  const verified = form.getByRole('radio', { name: account.emailVerified ? 'Yes' : 'No' });
  if (!account.emailVerified || (await verified.count()) > 0) await verified.check();
  await form.getByRole('button', { name: 'Create and continue' }).click();
}

/** Signs a new person in with the provider: the app's button, the provider's page (a new account), back on their files. */
async function signInAsNewPerson(page: Page, provider: Provider, account: ProviderAccount): Promise<void> {
  await openProviderPage(page, provider);
  await createProviderAccount(page, account);
  await expect(page.getByRole('navigation', { name: 'Places' })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(APP);
}

async function uploadPrivate(page: Page, name: string, text: string): Promise<void> {
  const priv = section(page, 'My files');
  await priv.getByLabel('Upload files').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
  await expect(priv.getByText(`Uploaded ${name}.`)).toBeVisible();
  await expect(priv.getByRole('row', { name: new RegExp(name.replace(/\./g, '\\.')) })).toBeVisible();
}

const account = (who: string, emailVerified = true): ProviderAccount => ({
  email: `${who}+${run}@social.test`,
  name: `${who} ${run}`,
  emailVerified,
});

for (const provider of ['Google', 'Apple', 'Amazon', 'Facebook'] as const) {
  test(`${provider}: a new person signs in through the provider's page, keeps a private file, signs out through Cognito`, async () => {
    const { page, visited } = await newPage();
    const who = account(provider.toLowerCase());
    await signInAsNewPerson(page, provider, who);
    // The way there: Cognito's authorize with the provider, the provider's page, Cognito's idpresponse.
    const authorize = visited.map((u) => new URL(u)).find((u) => u.origin === HOSTED_UI && u.pathname === '/oauth2/authorize');
    expect(authorize?.searchParams.get('identity_provider')).toBeTruthy();
    expect(visited.some((u) => u.startsWith(`${HOSTED_UI}/oauth2/idpresponse`))).toBe(true);
    await expect(page.getByText(`Signed in as ${who.email}`)).toBeVisible();

    await uploadPrivate(page, `${provider.toLowerCase()}-${run}.txt`, `kept by ${who.name}`);
    await screenshot(page, `social-${provider.toLowerCase()}-files`);
    const { identityId } = await awsAs(page);
    expect(identityId).toMatch(/^us-east-1:/);

    // Sign-out goes through Cognito's /logout and back to the app's sign-in page.
    visited.length = 0;
    await signOut(page);
    expect(visited.some((u) => u.startsWith(`${HOSTED_UI}/logout?`))).toBe(true);
    expect(new URL(page.url()).origin).toBe(APP);
  });
}

test('a person who signed up by email and then uses Google with the same verified email sees the same files', async () => {
  const { page } = await newPage();
  const ada = person('ada', run, 1);
  await signUp(page, ada);
  await uploadPrivate(page, `ada-${run}.txt`, 'from the password account');
  const { identityId } = await awsAs(page);
  await signOut(page);

  await signInAsNewPerson(page, 'Google', { email: ada.email, name: 'Ada Lovelace', emailVerified: true });
  await expect(section(page, 'My files').getByRole('row', { name: new RegExp(`ada-${run}\\.txt`) })).toBeVisible();
  expect((await awsAs(page)).identityId, 'the same identity').toBe(identityId);
});

test('with an unverified Google email there is no link: a separate person, none of the first one’s files', async () => {
  const { page } = await newPage();
  const grace = person('grace', run, 2);
  await signUp(page, grace);
  await uploadPrivate(page, `grace-${run}.txt`, 'only for the password account');
  const { identityId } = await awsAs(page);
  await signOut(page);

  await signInAsNewPerson(page, 'Google', { email: grace.email, name: 'Not Grace', emailVerified: false });
  await expect(section(page, 'My files').getByText('No files here yet.')).toBeVisible();
  await expect(page.getByText(`grace-${run}.txt`)).toHaveCount(0);
  expect((await awsAs(page)).identityId, 'another identity').not.toBe(identityId);
});

test('cancelling on the provider page comes back to the sign-in page in plain words; dismiss, then try again', async () => {
  const { page } = await newPage();
  await openProviderPage(page, 'Google');
  await page.getByRole('button', { name: 'Cancel' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveText(/Signing in was cancelled\. Choose a way to sign in to try again\./);
  await expect(alert).not.toContainText('access_denied');
  expect(new URL(page.url()).search, 'the address bar carries no error codes').toBe('');
  await expectAccessible(page, 'sign-in after a cancelled social sign-in');
  await screenshot(page, 'social-cancelled');

  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.getByRole('button', { name: 'Sign In with Google' }).click();
  await page.waitForURL((url) => url.origin === HOSTED_UI && url.pathname.startsWith('/_providers/'));
});
