/**
 * Every page of the app, at a desktop size and at a phone's 390×844 (issue 13): axe (WCAG 2.1 A/AA,
 * no serious or critical violation), nothing wider than the screen, no word broken mid-word outside
 * identifiers (file names, emails), row actions in a menu on the phone; a screenshot of each page
 * (e2e/artifacts/screens/layout/<size>-<page>.png). The hosted UI and the emulated providers'
 * pages, which the app's social buttons open, are checked in a browser trusting the local CA.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { codeFor, expectAccessible, fillSignUp, LOCAL_CLOUD, person, SCREENS, signIn, signUp, type Person } from './helpers';
import { E2E_STATE_DIR } from './stack';
import { launchTrustingBrowser } from './trusting-browser';

const SIZES = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
} as const;
type Size = keyof typeof SIZES;

const HOSTED_UI = 'https://localhost:20443';
const run = Date.now().toString(36);
/** An administrator (made with `npm run admin -- add`) and a plain member, signed up once for all sizes. */
const boss: Person = person('layoutadmin', run, 4);
const member: Person = person('layoutmember', run, 5);
const LONG_FILE_NAME = `a-rather-long-file-name-that-does-not-fit-on-a-phone-${run}.txt`;
const SHORT_FILE_NAME = 'notes.txt';

test.describe.configure({ mode: 'default' });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  const page = await (await browser.newContext()).newPage();
  await signUp(page, boss);
  await page.getByLabel(/^Upload files/).setInputFiles({
    name: LONG_FILE_NAME,
    mimeType: 'text/plain',
    buffer: Buffer.from('hello'),
  });
  await expect(page.getByText(/^Uploaded /).first()).toBeVisible();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await signUp(page, member);
  // A short name beside a row's full set of actions: it must stay whole (the name column once shrank to a letter).
  await page.getByLabel(/^Upload files/).setInputFiles({ name: SHORT_FILE_NAME, mimeType: 'text/plain', buffer: Buffer.from('hi') });
  await expect(page.getByText(/^Uploaded /).first()).toBeVisible();
  await page.context().close();
  const admin = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'add', boss.email], {
    encoding: 'utf8',
    env: { ...process.env, LOCALCLOUD_STATE: E2E_STATE_DIR },
  });
  expect(admin.status, admin.stderr).toBe(0);
});

async function newPage(browser: Browser, size: Size): Promise<Page> {
  const context = await browser.newContext({ ...SIZES[size], baseURL: 'http://localhost:5173' });
  return context.newPage();
}

/**
 * Words whose letters land on two lines, outside elements that hold identifiers (names, emails, keys);
 * in a file list's name column, only words longer than its least width holds (9 characters, `notes.txt`) may break;
 * in the admin's user column an email wraps at its `@`, and only parts longer than 24 characters may break.
 */
async function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const IDENTIFIER = '.name, .identifier, code, .who, [data-identifier]';
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      const shortIdentifier = parent?.closest('td.name, td.user');
      if (!parent || (parent.closest(IDENTIFIER) && !shortIdentifier)) continue;
      const box = parent.getBoundingClientRect();
      if (box.width <= 2 || box.height <= 2 || !parent.checkVisibility()) continue; // visually hidden text
      const text = node.textContent ?? '';
      // A line may end after a hyphen, a slash or a dash: only breaks inside a run of letters count.
      for (const match of text.matchAll(shortIdentifier ? /[^\s\-‐/–—@]+/g : /[^\s\-‐/–—]+/g)) {
        if (shortIdentifier && match[0].length > (parent?.closest('td.user') ? 24 : 9)) continue;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
        if (lines.size > 1) found.push(`${match[0]} (in <${parent.tagName.toLowerCase()} class="${parent.className}">)`);
      }
    }
    return found;
  });
}

/** Every place of the file browser (My files, Shared by me, From others, Team, Public, Admin), each checked. */
async function checkEveryPlace(page: Page, size: Size, who: string): Promise<void> {
  const places = page.getByRole('navigation', { name: 'Places' }).getByRole('link');
  const names = await places.allTextContents();
  expect(names.length).toBeGreaterThan(3);
  for (const name of names) {
    await page.getByRole('navigation', { name: 'Places' }).getByRole('link', { name, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/.+/);
    await expect(page.locator('.status-loading')).toHaveCount(0); // listed
    await checkPage(page, size, `files-${who}-${name.toLowerCase().replace(/\W+/g, '-')}`);
  }
}

/** axe, no horizontal scrolling, no word broken mid-word, and a screenshot. */
async function checkPage(page: Page, size: Size, name: string): Promise<void> {
  await expectAccessible(page, `${name} (${size})`);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${name} (${size}): nothing wider than the screen`).toBeLessThanOrEqual(innerWidth);
  expect(await brokenWords(page), `${name} (${size}): words broken mid-word`).toEqual([]);
  await page.screenshot({ path: `${SCREENS}/layout/${size}-${name}.png`, fullPage: true });
}

for (const size of Object.keys(SIZES) as Size[]) {
  test.describe(`${size}`, () => {
    test(`signed-out pages: sign-in, sign-up and its code, password reset, public files, the outbox (${size})`, async ({ browser }) => {
      const page = await newPage(browser, size);
      await page.goto('/');
      await expect(page.getByLabel('Email or phone number')).toBeVisible();
      await checkPage(page, size, 'sign-in');

      await page.getByRole('tab', { name: 'Create Account' }).click();
      await expect(page.getByLabel('Birthdate')).toBeVisible();
      await checkPage(page, size, 'sign-up');
      const newcomer = person(`layout${size}`, run, 6);
      await fillSignUp(page, newcomer);
      const signedUp = Date.now();
      await page.getByRole('button', { name: 'Create Account' }).click();
      await expect(page.getByLabel(/Confirmation Code/i)).toBeVisible();
      await codeFor(newcomer.email, signedUp);
      await checkPage(page, size, 'sign-up-confirm');
      await page.goto('/');

      await page.getByRole('button', { name: /Forgot your password/ }).click();
      await expect(page.getByLabel('Email or phone number of your account')).toBeVisible();
      await checkPage(page, size, 'reset-password');
      await page.getByLabel('Email or phone number of your account').fill(member.email);
      const sent = Date.now();
      await page.getByRole('button', { name: 'Send code' }).click();
      await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
      await codeFor(member.email, sent); // taken, so no other test reuses it
      await checkPage(page, size, 'reset-password-code');
      await page.goto('/');

      await page.getByRole('link', { name: 'Browse public files without signing in' }).click();
      await expect(page.getByRole('heading', { name: 'Public files', level: 1 })).toBeVisible();
      await expect(page.getByRole('status')).toHaveCount(0); // loaded
      await checkPage(page, size, 'public-guest');

      await page.goto(`${LOCAL_CLOUD}/_localcloud/outbox`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await checkPage(page, size, 'outbox');
      await page.context().close();
    });

    test(`signed-in pages: files, profile, not found, admin refused (${size})`, async ({ browser }) => {
      const page = await newPage(browser, size);
      await signIn(page, member.email, member.password);
      await checkEveryPlace(page, size, 'member');

      await page.getByRole('link', { name: 'Profile' }).click();
      await expect(page.getByRole('heading', { name: 'Profile', level: 1 })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Set up an authenticator app' })).toBeVisible();
      await checkPage(page, size, 'profile');
      await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
      await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
      await checkPage(page, size, 'profile-totp-setup');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await expect(page.getByRole('button', { name: 'Set up an authenticator app' })).toBeFocused();

      await page.goto('/no-such-page');
      await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
      await expect(page).toHaveTitle('Page not found · Amplify Vault');
      await checkPage(page, size, 'not-found');

      await page.goto('/admin');
      await expect(page.getByText('The admin page is for members of the ADMINS group.')).toBeVisible();
      await checkPage(page, size, 'admin-refused');
      await page.context().close();
    });

    test(`admin pages: users (row actions in a menu on a phone) and the audit log (${size})`, async ({ browser }) => {
      const page = await newPage(browser, size);
      await signIn(page, boss.email, boss.password);
      await checkEveryPlace(page, size, 'admin');
      // A file's row: its actions in one menu on a phone, side by side on a desktop.
      await page.getByRole('navigation', { name: 'Places' }).getByRole('link', { name: 'My files', exact: true }).click();
      const fileRow = page.getByRole('row', { name: new RegExp(LONG_FILE_NAME) });
      if (size === 'phone') {
        await expect(fileRow.getByRole('button')).toHaveCount(1);
        await fileRow.getByRole('button', { name: `Actions for ${LONG_FILE_NAME}` }).click();
        await expect(page.getByRole('menuitem', { name: `Delete ${LONG_FILE_NAME}` })).toBeVisible();
        await checkPage(page, size, 'files-actions-menu');
        await page.keyboard.press('Escape');
      } else {
        await expect(fileRow.getByRole('button', { name: `Delete ${LONG_FILE_NAME}` })).toBeVisible();
      }
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
      const memberRow = page.getByRole('row', { name: new RegExp(member.email.replace(/[+.]/g, '\\$&')) });
      await expect(memberRow).toBeVisible();
      await expect(memberRow.getByText('Active')).toBeVisible(); // the status is not hidden on a phone
      await checkPage(page, size, 'admin-users');
      if (size === 'phone') {
        // One button per row opens the actions; the keyboard moves through them and Escape closes.
        const menuButton = memberRow.getByRole('button', { name: `Actions for ${member.email}` });
        await expect(memberRow.getByRole('button')).toHaveCount(1);
        await menuButton.focus();
        await page.keyboard.press('Enter');
        const menu = page.getByRole('menu', { name: `Actions for ${member.email}` });
        await expect(menu.getByRole('menuitem').first()).toBeFocused();
        await checkPage(page, size, 'admin-actions-menu');
        await page.keyboard.press('ArrowDown');
        await expect(menu.getByRole('menuitem').nth(1)).toBeFocused();
        await page.keyboard.press('Escape');
        await expect(menu).toHaveCount(0);
        await expect(menuButton).toBeFocused();
      } else {
        await expect(memberRow.getByRole('button', { name: `Disable ${member.email}` })).toBeVisible();
      }
      await page.getByRole('tab', { name: 'Audit log' }).click();
      await expect(page.getByText('Nothing has been changed yet.').or(page.getByRole('table'))).toBeVisible();
      await checkPage(page, size, 'admin-audit');
      await page.context().close();
    });
  });
}

test('the hosted UI and the emulated providers’ pages, at both sizes', async () => {
  const trusting = await launchTrustingBrowser();
  try {
    const clientId: string = JSON.parse(readFileSync('amplify_outputs.json', 'utf8')).auth.user_pool_client_id;
    for (const size of Object.keys(SIZES) as Size[]) {
      const page = await newPage(trusting.browser, size);
      await page.goto('/');
      await page.getByRole('button', { name: 'Sign In with Google' }).click();
      await page.waitForURL((url) => url.origin === HOSTED_UI && url.pathname.startsWith('/_providers/'));
      await checkPage(page, size, 'provider-google');
      const authorize = `${HOSTED_UI}/oauth2/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: 'http://localhost:5173/',
        scope: 'openid email',
      })}`;
      await page.goto(authorize);
      await expect(page.getByRole('heading', { name: 'Sign in with your username and password' })).toBeVisible();
      await checkPage(page, size, 'hosted-ui-login');
      await page.context().close();
    }
  } finally {
    await trusting.close();
  }
});
