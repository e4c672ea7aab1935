/** Sign-up errors from the backend's triggers reach people in plain words (issue 6). */
import { expect, test } from '@playwright/test';
import { fillSignUp, person, screenshot } from './helpers';

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
