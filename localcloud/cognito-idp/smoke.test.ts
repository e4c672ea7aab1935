import { InitiateAuthCommand, SignUpCommand, ConfirmSignUpCommand, GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PASSWORD, startTestCloud, type TestCloud } from './testing';

let t: TestCloud;
beforeAll(async () => { t = await startTestCloud(); });
afterAll(() => t.stop());

test('smoke', async () => {
  const email = 'ann@example.com';
  const up = await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  expect(up.UserConfirmed).toBe(false);
  await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
  const auth = await t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
  const me = await t.sdk.send(new GetUserCommand({ AccessToken: auth.AuthenticationResult!.AccessToken }));
  expect(me.UserAttributes).toContainEqual({ Name: 'email_verified', Value: 'true' });
});
