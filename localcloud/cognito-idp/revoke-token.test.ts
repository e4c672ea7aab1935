import { ConfirmSignUpCommand, GetUserCommand, InitiateAuthCommand, RevokeTokenCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PASSWORD, startTestCloud, type TestCloud } from './testing';

/** RevokeToken revokes refresh tokens only: an access or id token is refused, and keeps working. */
let t: TestCloud;
const email = 'revoker@example.com';
beforeAll(async () => {
  t = await startTestCloud();
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
});
afterAll(() => t.stop());

const signIn = async () =>
  (await t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } })))
    .AuthenticationResult!;

test('an access or id token is UnsupportedTokenTypeException, and nothing is revoked', async () => {
  const tokens = await signIn();
  for (const token of [tokens.AccessToken!, tokens.IdToken!]) {
    await expect(t.sdk.send(new RevokeTokenCommand({ ClientId: t.clientId, Token: token }))).rejects.toMatchObject({
      name: 'UnsupportedTokenTypeException',
      $metadata: { httpStatusCode: 400 },
    });
  }
  await expect(t.sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).resolves.toMatchObject({ Username: expect.any(String) });
});

test('a refresh token is revoked, with the access tokens issued from it', async () => {
  const tokens = await signIn();
  await t.sdk.send(new RevokeTokenCommand({ ClientId: t.clientId, Token: tokens.RefreshToken! }));
  await expect(t.sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
});
