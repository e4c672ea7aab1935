import { ConfirmSignUpCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PASSWORD, startTestCloud, type TestCloud } from './testing';

/** A pool that signs in with email or phone (as amplify/auth/resource.ts declares it). */
let t: TestCloud;
beforeAll(async () => {
  t = await startTestCloud({ pool: { UsernameAttributes: ['email', 'phone_number'] } });
});
afterAll(() => t.stop());

const signUp = (Username: string, attributes: Record<string, string> = {}) =>
  t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username, Password: PASSWORD, UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })) }));
const signIn = (USERNAME: string) =>
  t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } }));

test('email or phone is the username; both must be unique; either signs in', async () => {
  await expect(signUp('bob')).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Username should be either an email or a phone number.' });
  const { UserSub } = await signUp('ann@example.com', { phone_number: '+15555550001' });
  await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: 'ann@example.com', ConfirmationCode: t.lastCode('ann@example.com') }));
  await expect(signUp('other@example.com', { phone_number: '+15555550001' })).rejects.toMatchObject({
    name: 'UsernameExistsException',
    message: 'An account with the given phone_number already exists.',
  });
  await expect(signUp('+15555550001', { email: 'third@example.com' })).rejects.toMatchObject({ name: 'UsernameExistsException' });

  const byEmail = decodeJwt((await signIn('ANN@example.com')).AuthenticationResult!.IdToken!);
  const byPhone = decodeJwt((await signIn('+15555550001')).AuthenticationResult!.IdToken!);
  expect(byEmail.sub).toBe(UserSub);
  expect(byPhone.sub).toBe(UserSub);
  expect(byEmail['cognito:username']).toBe(UserSub); // the internal username is the sub

  const phoneUser = await signUp('+15555550002', { email: 'phone.user@example.com' });
  expect(phoneUser.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL' }); // the pool auto-verifies email only
});
