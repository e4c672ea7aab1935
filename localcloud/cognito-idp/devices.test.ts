import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  fetchDevices,
  forgetDevice,
  rememberDevice,
  setUpTOTP,
  signIn,
  signOut,
  signUp,
  confirmSignUp,
  updateMFAPreference,
  verifyTOTPSetup,
} from 'aws-amplify/auth';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { PASSWORD, startTestCloud, type TestCloud } from './testing';

/** Device tracking through aws-amplify: ConfirmDevice after sign-in, rememberDevice, DEVICE_SRP_AUTH skipping MFA, forgetDevice. */
let t: TestCloud;
beforeAll(async () => {
  // aws-amplify names the device from `navigator`, which Node 20 lacks (it swallows the error and skips ConfirmDevice).
  if (!('navigator' in globalThis)) vi.stubGlobal('navigator', { userAgent: 'vitest on Node' });
  t = await startTestCloud({ pool: { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true } } });
  Amplify.configure({ Auth: { Cognito: { userPoolId: t.poolId, userPoolClientId: t.clientId, userPoolEndpoint: t.cloud.url } } });
});
afterAll(() => t.stop());

test('a remembered device signs in with device SRP and skips TOTP; a forgotten one needs it again', async () => {
  const email = 'device@example.com';
  await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  await confirmSignUp({ username: email, confirmationCode: t.lastCode(email) });
  expect((await signIn({ username: email, password: PASSWORD })).isSignedIn).toBe(true);
  const { sharedSecret } = await setUpTOTP();
  await verifyTOTPSetup({ code: generateSync({ secret: sharedSecret }) });
  await updateMFAPreference({ totp: 'PREFERRED' });

  // aws-amplify confirmed the device after sign-in; the pool waits for the user to remember it.
  const pool = t.cloud.cognitoIdp.pools.byId(t.poolId)!;
  const username = t.cloud.cognitoIdp.users.bySignInName(pool, email)!.username;
  const [device] = t.cloud.cognitoIdp.services.devices.list(t.poolId, username);
  expect(device).toMatchObject({ confirmed: true, remembered: false });
  await rememberDevice();
  const devices = await fetchDevices();
  expect(devices).toHaveLength(1);
  expect(devices[0].id).toBe(device.deviceKey);

  await signOut();
  expect((await signIn({ username: email, password: PASSWORD })).isSignedIn).toBe(true); // no TOTP asked
  expect(t.cloud.cognitoIdp.services.devices.list(t.poolId, username)).toHaveLength(1); // no new device

  await forgetDevice();
  expect(await fetchDevices()).toEqual([]);
  await signOut();
  const again = await signIn({ username: email, password: PASSWORD });
  expect(again.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  expect((await confirmSignIn({ challengeResponse: generateSync({ secret: sharedSecret }) })).isSignedIn).toBe(true);
});
