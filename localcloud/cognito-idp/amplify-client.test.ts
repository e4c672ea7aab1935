import { GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  confirmSignUp,
  confirmUserAttribute,
  fetchAuthSession,
  fetchMFAPreference,
  fetchUserAttributes,
  sendUserAttributeVerificationCode,
  setUpTOTP,
  signIn,
  signOut,
  signUp,
  updateMFAPreference,
  updateUserAttributes,
  verifyTOTPSetup,
} from 'aws-amplify/auth';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PASSWORD, startTestCloud, type TestCloud } from './testing';

/** The unmodified aws-amplify v6 client (in Node, its in-memory token store) against the local user pool. */
let t: TestCloud;
beforeAll(async () => {
  t = await startTestCloud();
  Amplify.configure({ Auth: { Cognito: { userPoolId: t.poolId, userPoolClientId: t.clientId, userPoolEndpoint: t.cloud.url } } });
});
afterAll(() => t.stop());

test('sign-up to global sign-out with the aws-amplify client: SRP, attributes, TOTP, refresh, revocation', async () => {
  const email = 'amplify.user@example.com';
  const up = await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  expect(up.nextStep.signUpStep).toBe('CONFIRM_SIGN_UP');
  expect(t.messages().at(-1)).toMatchObject({ to: email, channel: 'email', subject: 'Your code' });

  await expect(confirmSignUp({ username: email, confirmationCode: '000000' === t.lastCode(email) ? '111111' : '000000' })).rejects.toMatchObject({
    name: 'CodeMismatchException',
  });
  expect((await confirmSignUp({ username: email, confirmationCode: t.lastCode(email) })).isSignUpComplete).toBe(true);

  // SRP: a wrong password fails, the right one signs in.
  await expect(signIn({ username: email, password: `${PASSWORD}x` })).rejects.toMatchObject({
    name: 'NotAuthorizedException',
    message: 'Incorrect username or password.',
  });
  expect((await signIn({ username: email, password: PASSWORD })).isSignedIn).toBe(true);

  const attributes = await fetchUserAttributes();
  expect(attributes).toMatchObject({ email, email_verified: 'true' });
  expect(attributes.sub).toMatch(/^[0-9a-f-]{36}$/);

  // A new email waits for verification (the pool keeps the old one meanwhile).
  const newEmail = 'amplify.new@example.com';
  const updated = await updateUserAttributes({ userAttributes: { email: newEmail, 'custom:is_beta_user': 'true' } });
  expect(updated.email.nextStep.updateAttributeStep).toBe('CONFIRM_ATTRIBUTE_WITH_CODE');
  expect(updated['custom:is_beta_user'].isUpdated).toBe(true);
  expect(await fetchUserAttributes()).toMatchObject({ email, 'custom:is_beta_user': 'true' });
  await confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: t.lastCode(newEmail) });
  expect(await fetchUserAttributes()).toMatchObject({ email: newEmail, email_verified: 'true' });

  // TOTP: set up, prefer it, and sign in again through the SOFTWARE_TOKEN_MFA challenge.
  const totp = await setUpTOTP();
  await expect(verifyTOTPSetup({ code: wrongCode(totp.sharedSecret) })).rejects.toMatchObject({ name: 'EnableSoftwareTokenMFAException' });
  await verifyTOTPSetup({ code: generateSync({ secret: totp.sharedSecret }) });
  await updateMFAPreference({ totp: 'PREFERRED' });
  await signOut();
  const mfa = await signIn({ username: newEmail, password: PASSWORD });
  expect(mfa.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  await expect(confirmSignIn({ challengeResponse: wrongCode(totp.sharedSecret) })).rejects.toMatchObject({ name: 'CodeMismatchException' });
  expect((await confirmSignIn({ challengeResponse: generateSync({ secret: totp.sharedSecret }) })).isSignedIn).toBe(true);

  // Refresh through GetTokensFromRefreshToken: new tokens of the same family.
  const before = await fetchAuthSession();
  const after = await fetchAuthSession({ forceRefresh: true });
  const oldAccess = before.tokens!.accessToken.toString();
  expect(after.tokens!.accessToken.toString()).not.toBe(oldAccess);
  expect(after.tokens!.accessToken.payload.origin_jti).toBe(before.tokens!.accessToken.payload.origin_jti);
  expect(after.tokens!.idToken!.payload['cognito:username']).toBe(before.tokens!.idToken!.payload['cognito:username']);

  // Global sign-out: every token of the user stops working.
  await signOut({ global: true });
  await expect(t.sdk.send(new GetUserCommand({ AccessToken: oldAccess }))).rejects.toMatchObject({
    name: 'NotAuthorizedException',
    message: 'Access Token has been revoked',
  });
});

test('TOTP and SMS both on, neither preferred: aws-amplify offers the choice (SELECT_MFA_TYPE) and either answer signs in', async () => {
  const email = 'amplify.both@example.com';
  const phone = '+15555550177';
  await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email, phone_number: phone } } });
  await confirmSignUp({ username: email, confirmationCode: t.lastCode(email) });
  expect((await signIn({ username: email, password: PASSWORD })).isSignedIn).toBe(true);
  try {
    await sendUserAttributeVerificationCode({ userAttributeKey: 'phone_number' });
    await confirmUserAttribute({ userAttributeKey: 'phone_number', confirmationCode: t.lastCode(phone) });
    const totp = await setUpTOTP();
    await verifyTOTPSetup({ code: generateSync({ secret: totp.sharedSecret }) });
    // Both on, and neither preferred (what the profile page's "Ask me each time" sets).
    await updateMFAPreference({ sms: 'NOT_PREFERRED', totp: 'NOT_PREFERRED' });
    expect(await fetchMFAPreference()).toEqual({ enabled: expect.arrayContaining(['SMS', 'TOTP']) });
    await signOut();

    const choose = await signIn({ username: email, password: PASSWORD });
    expect(choose.nextStep).toEqual({ signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION', allowedMFATypes: ['SMS', 'TOTP'] });
    const sms = await confirmSignIn({ challengeResponse: 'SMS' });
    expect(sms.nextStep).toMatchObject({ signInStep: 'CONFIRM_SIGN_IN_WITH_SMS_CODE', codeDeliveryDetails: { deliveryMedium: 'SMS' } });
    expect((await confirmSignIn({ challengeResponse: t.lastCode(phone) })).isSignedIn).toBe(true);
    await signOut();

    expect((await signIn({ username: email, password: PASSWORD })).nextStep.signInStep).toBe('CONTINUE_SIGN_IN_WITH_MFA_SELECTION');
    expect((await confirmSignIn({ challengeResponse: 'TOTP' })).nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    expect((await confirmSignIn({ challengeResponse: generateSync({ secret: totp.sharedSecret }) })).isSignedIn).toBe(true);
  } finally {
    await signOut();
  }
});

/** A 6-digit code that is not the current one. */
function wrongCode(secret: string): string {
  const right = generateSync({ secret });
  return right === '123456' ? '654321' : '123456';
}
