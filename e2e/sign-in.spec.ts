/** The sign-in screens on their own: trigger errors in plain words, a phone-sized screen, the guest link. */
import { expect, test } from '@playwright/test';
import { expectAccessible, fillSignUp, person, screenshot } from './helpers';

test('sign-up refuses an under-age birthdate in plain words', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Create Account' }).click();
  const kid = person('kid', Date.now().toString(36), 9);
  const birthdate = `${new Date().getUTCFullYear() - 8}-01-01`;
  await fillSignUp(page, kid, { birthdate });
  await page.getByRole('button', { name: 'Create Account' }).click();
  await expect(page.getByText('You must be at least 13 years old to create an account.')).toBeVisible();
  await expect(page.getByText(/PreSignUp failed/)).toHaveCount(0);
  await expect(page.getByLabel(/Confirmation Code/i)).toHaveCount(0);
  await screenshot(page, 'sign-up-too-young');
});

test('a wrong password is refused with Cognito’s message', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Email or phone number').fill('nobody@vault.test');
  await page.getByLabel('Password', { exact: true }).fill('Wrong-Password-1!');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByText('Incorrect username or password.')).toBeVisible();
});

test('sign-in fits a phone-sized screen and works from the keyboard', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByLabel('Email or phone number')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  // Tab order reaches the sign-in fields and the button.
  await page.getByLabel('Email or phone number').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await expectAccessible(page, 'sign in (phone)');
  await screenshot(page, 'sign-in-phone');
  await context.close();
});
