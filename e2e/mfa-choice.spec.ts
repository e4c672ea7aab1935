/**
 * Both kinds of sign-in code on: the profile page leaves neither preferred
 * ("Ask me each time"), Cognito answers SELECT_MFA_TYPE, and the sign-in page
 * lets the person choose in plain words — each way ends signed in.
 */
import { expect, test } from '@playwright/test';
import { codeFor, expectAccessible, person, screenshot, section, signOut, signUp, submitSignIn, totpCode } from './helpers';

test('with the authenticator app and text messages both on, the person chooses at each sign-in', async ({ page }) => {
  const dana = person('dana', Date.now().toString(36), 6);
  const phone = `+1${dana.phone}`;
  await signUp(page, dana);
  await page.getByRole('link', { name: 'Profile' }).click();

  const contact = section(page, 'Email and phone');
  let sent = Date.now();
  await contact.getByRole('button', { name: 'Send a code to verify your phone' }).click();
  await contact.getByLabel(/Code sent to/).fill(await codeFor(phone, sent));
  await contact.getByRole('button', { name: 'Verify phone' }).click();
  await expect(contact.getByText('Your phone is verified.')).toBeVisible();

  const mfa = section(page, 'Two-step sign-in');
  await mfa.getByRole('button', { name: 'Turn on text-message codes' }).click();
  await expect(mfa.getByText('Text-message codes are on.')).toBeVisible();
  await mfa.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const secret = (await mfa.getByTestId('totp-secret').textContent())!.trim();
  let lastTotp = await totpCode(secret);
  await mfa.getByLabel('Code from the app').fill(lastTotp);
  await mfa.getByRole('button', { name: 'Turn on authenticator app' }).click();
  await expect(mfa.getByText(/When you sign in, you choose: authenticator app or text message/)).toBeVisible();
  const choice = mfa.getByRole('group', { name: 'When you sign in, use' });
  await expect(choice.getByRole('radio', { name: 'Ask me each time' })).toBeChecked();
  await expectAccessible(page, 'profile (both codes on)');

  // The authenticator app.
  await signOut(page);
  await submitSignIn(page, dana.email, dana.password);
  await expect(page.getByRole('heading', { name: 'How do you want to get your sign-in code?' })).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Authenticator app' })).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Text message' })).toBeVisible();
  await expect(page.getByText(/TOTP|SMS|Multi-Factor/)).toHaveCount(0);
  await expectAccessible(page, 'sign in / choose the code');
  await screenshot(page, 'sign-in-choose-code');
  await page.getByText('Authenticator app', { exact: true }).click();
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Enter the code from your authenticator app' })).toBeVisible();
  lastTotp = await totpCode(secret, lastTotp);
  await page.getByLabel(/Code/).fill(lastTotp);
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Places' })).toBeVisible();

  // A text message.
  await signOut(page);
  await submitSignIn(page, dana.email, dana.password);
  await page.getByText('Text message', { exact: true }).click();
  sent = Date.now();
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Enter the code we texted you' })).toBeVisible();
  await page.getByLabel(/Code/).fill(await codeFor(phone, sent));
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Places' })).toBeVisible();
});
