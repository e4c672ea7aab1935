/**
 * The rest of the profile page in a real browser: verify the phone by SMS,
 * SMS MFA at sign-in, change password, delete the account.
 */
import { expect, test } from '@playwright/test';
import { codeFor, expectAccessible, person, screenshot, section, signIn, signOut, signUp, submitSignIn } from './helpers';

test('verify the phone, sign in with an SMS code, change the password, delete the account', async ({ page }) => {
  const carol = person('carol', Date.now().toString(36), 4);
  const phone = `+1${carol.phone}`;
  await signUp(page, carol);
  await page.getByRole('link', { name: 'Profile' }).click();

  const contact = section(page, 'Email and phone');
  await expect(contact.getByText('(not verified)')).toBeVisible();
  let sent = Date.now();
  await contact.getByRole('button', { name: 'Send a code to verify your phone' }).click();
  const phoneCode = await codeFor(phone, sent);
  await contact.getByLabel(/Code sent to/).fill(phoneCode);
  await contact.getByRole('button', { name: 'Verify phone' }).click();
  await expect(contact.getByText('Your phone is verified.')).toBeVisible();
  await expect(contact.getByText('(not verified)')).toHaveCount(0);

  const mfa = section(page, 'Two-step sign-in');
  await mfa.getByRole('button', { name: 'Turn on text-message codes' }).click();
  await expect(mfa.getByText('Text-message codes are on.')).toBeVisible();
  await expectAccessible(page, 'profile (phone verified)');

  await signOut(page);
  sent = Date.now();
  await submitSignIn(page, carol.email, carol.password);
  const smsCode = await codeFor(phone, sent);
  await page.getByLabel(/Code/).fill(smsCode);
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Places' })).toBeVisible();

  await page.getByRole('link', { name: 'Profile' }).click();
  await section(page, 'Two-step sign-in').getByRole('button', { name: 'Turn off text-message codes' }).click();
  await expect(section(page, 'Two-step sign-in').getByText('Text-message codes are off.')).toBeVisible();

  const password = section(page, 'Change password');
  await password.getByLabel('Current password').fill('Not-The-Password-1!');
  await password.getByLabel('New password', { exact: true }).fill(`${carol.password}2`);
  await password.getByLabel('Confirm new password').fill(`${carol.password}2`);
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByRole('alert')).toContainText('Incorrect username or password.');
  await password.getByLabel('Current password').fill(carol.password);
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByText('Your password is changed.')).toBeVisible();
  carol.password = `${carol.password}2`;

  await signOut(page);
  await signIn(page, carol.email, carol.password);
  await page.getByRole('link', { name: 'Profile' }).click();
  const account = section(page, 'Account');
  await expect(account.getByRole('button', { name: 'Delete my account' })).toBeDisabled();
  await account.getByLabel('Type DELETE to confirm').fill('DELETE');
  await screenshot(page, 'profile-delete');
  await account.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page.getByLabel('Email or phone number')).toBeVisible();

  await submitSignIn(page, carol.email, carol.password);
  await expect(page.getByText('Incorrect username or password.')).toBeVisible();
});
