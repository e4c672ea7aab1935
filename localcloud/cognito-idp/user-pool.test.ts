import {
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  DeleteUserCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  GetUserAttributeVerificationCodeCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
  DeleteUserAttributesCommand,
  AssociateSoftwareTokenCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { generateSync } from 'otplib';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../services/clock';
import { PASSWORD, startTestCloud, type TestCloud } from './testing';

/** Cognito's semantics and messages through the AWS SDK v3 client. */
let t: TestCloud;
const clock = new ManualClock();
beforeAll(async () => {
  t = await startTestCloud({ clock });
});
afterAll(() => t.stop());

let counter = 0;
const newEmail = () => `user${++counter}@example.com`;

async function createUser(email = newEmail(), password = PASSWORD) {
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: password }));
  await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
  return email;
}

const passwordAuth = (email: string, password = PASSWORD, clientId = t.clientId) =>
  t.sdk.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }));

async function tokens(email: string, password = PASSWORD) {
  const result = (await passwordAuth(email, password)).AuthenticationResult;
  if (!result) throw new Error('no tokens');
  return result;
}

describe('SignUp', () => {
  test('checks the password policy, the schema and the username, with Cognito messages', async () => {
    const sentBefore = t.messages().length; // other tests share the cloud and its outbox
    const signUp = (Username: string, Password: string, UserAttributes?: { Name: string; Value: string }[]) =>
      t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username, Password, UserAttributes }));
    await expect(signUp(newEmail(), 'Short-1')).rejects.toMatchObject({
      name: 'InvalidPasswordException',
      message: 'Password did not conform with policy: Password not long enough',
    });
    await expect(signUp(newEmail(), 'no-uppercase-123')).rejects.toMatchObject({ message: 'Password did not conform with policy: Password must have uppercase characters' });
    await expect(signUp(newEmail(), 'NoSymbols1234')).rejects.toMatchObject({ message: 'Password did not conform with policy: Password must have symbol characters' });
    await expect(signUp('not-an-email', PASSWORD)).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Username should be an email.' });
    await expect(signUp(newEmail(), PASSWORD, [{ Name: 'shoe_size', Value: '9' }])).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Attributes did not conform to the schema: Type for attribute {shoe_size} could not be determined',
    });
    await expect(signUp(newEmail(), PASSWORD, [{ Name: 'phone_number', Value: '12345' }])).rejects.toMatchObject({ message: 'Invalid phone number format.' });
    await expect(t.sdk.send(new SignUpCommand({ ClientId: 'nosuchclient', Username: newEmail(), Password: PASSWORD }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'User pool client nosuchclient does not exist.',
    });
    expect(t.messages()).toHaveLength(sentBefore); // no refused sign-up sent a code
  });

  test('an email already signed up (in any case) is taken', async () => {
    const email = await createUser();
    await expect(t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email.toUpperCase(), Password: PASSWORD }))).rejects.toMatchObject({
      name: 'UsernameExistsException',
      message: 'An account with the given email already exists.',
    });
  });
});

describe('confirmation codes', () => {
  test('a wrong code, an expired code, a resent code', async () => {
    const email = newEmail();
    const { UserSub } = await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
    const confirm = (code: string) => t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: code }));
    const first = t.lastCode(email);
    await expect(confirm(first === '000000' ? '000001' : '000000')).rejects.toMatchObject({
      name: 'CodeMismatchException',
      message: 'Invalid verification code provided, please try again.',
    });
    await expect(passwordAuth(email)).rejects.toMatchObject({ name: 'UserNotConfirmedException', message: 'User is not confirmed.' });

    clock.advance(25 * 3600 * 1000);
    await expect(confirm(first)).rejects.toMatchObject({ name: 'ExpiredCodeException', message: 'Invalid code provided, please request a code again.' });
    const resent = await t.sdk.send(new ResendConfirmationCodeCommand({ ClientId: t.clientId, Username: email }));
    expect(resent.CodeDeliveryDetails).toEqual({ AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'u***@e***' });
    await confirm(t.lastCode(email));
    await expect(confirm(t.lastCode(email))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'User cannot be confirmed. Current status is CONFIRMED' });
    await expect(t.sdk.send(new ResendConfirmationCodeCommand({ ClientId: t.clientId, Username: email }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'User is already confirmed.',
    });
    expect(decodeJwt((await tokens(email)).IdToken!).sub).toBe(UserSub);
  });

  test('after 5 wrong codes even the right one is refused until a new code is sent', async () => {
    const email = newEmail();
    await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
    const right = t.lastCode(email);
    const wrong = right === '000000' ? '000001' : '000000';
    const confirm = (code: string) => t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: code }));
    for (let i = 0; i < 5; i++) await expect(confirm(wrong)).rejects.toMatchObject({ name: 'CodeMismatchException' });
    await expect(confirm(right)).rejects.toMatchObject({ name: 'LimitExceededException', message: 'Attempt limit exceeded, please try after some time.' });
    await t.sdk.send(new ResendConfirmationCodeCommand({ ClientId: t.clientId, Username: email }));
    await confirm(t.lastCode(email));
  });
});

describe('PreventUserExistenceErrors', () => {
  test('SRP for an unknown user: a decoy challenge (ENABLED), or UserNotFoundException (LEGACY)', async () => {
    const A = (2n ** 200n).toString(16);
    const start = (ClientId: string, USERNAME: string) =>
      t.sdk.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME, SRP_A: A } }));
    const decoy = await start(t.clientId, 'ghost@example.com');
    expect(decoy.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(Object.keys(decoy.ChallengeParameters!).sort()).toEqual(['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
    expect((await start(t.clientId, 'ghost@example.com')).ChallengeParameters!.SALT).toBe(decoy.ChallengeParameters!.SALT); // stable, like a real user's
    await expect(start(t.legacyClientId, 'ghost@example.com')).rejects.toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });
  });

  test('ENABLED hides unknown users; LEGACY reveals them', async () => {
    await expect(passwordAuth('ghost@example.com')).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    const forgot = await t.sdk.send(new ForgotPasswordCommand({ ClientId: t.clientId, Username: 'ghost@example.com' }));
    expect(forgot.CodeDeliveryDetails?.DeliveryMedium).toBe('EMAIL');
    await expect(
      t.sdk.send(new ConfirmForgotPasswordCommand({ ClientId: t.clientId, Username: 'ghost@example.com', ConfirmationCode: '123456', Password: PASSWORD })),
    ).rejects.toMatchObject({ name: 'CodeMismatchException' });
    await expect(t.sdk.send(new ForgotPasswordCommand({ ClientId: t.legacyClientId, Username: 'ghost@example.com' }))).rejects.toMatchObject({
      name: 'UserNotFoundException',
      message: 'Username/client id combination not found.',
    });
  });

  test('USER_PASSWORD_AUTH only where the client allows it', async () => {
    await expect(passwordAuth(await createUser(), PASSWORD, t.legacyClientId)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'USER_PASSWORD_AUTH flow not enabled for this client',
    });
  });
});

test('repeated failed sign-ins lock the user out for a while', async () => {
  const email = await createUser();
  for (let i = 0; i < 5; i++) await expect(passwordAuth(email, 'Wrong-password-1')).rejects.toMatchObject({ message: 'Incorrect username or password.' });
  await expect(passwordAuth(email)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Password attempts exceeded' });
  clock.advance(2000);
  expect((await passwordAuth(email)).AuthenticationResult?.AccessToken).toBeTruthy();
});

test('forgot password: a code to the verified email, then the new password works and the old does not', async () => {
  const email = await createUser();
  const sent = await t.sdk.send(new ForgotPasswordCommand({ ClientId: t.clientId, Username: email }));
  expect(sent.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  const newPassword = 'Brand-new-pass-2';
  const confirm = (code: string, password = newPassword) =>
    t.sdk.send(new ConfirmForgotPasswordCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: code, Password: password }));
  await expect(confirm(t.lastCode(email), 'weak')).rejects.toMatchObject({ name: 'InvalidPasswordException' });
  await expect(confirm('999999' === t.lastCode(email) ? '999998' : '999999')).rejects.toMatchObject({ name: 'CodeMismatchException' });
  await confirm(t.lastCode(email));
  await expect(passwordAuth(email)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  expect((await passwordAuth(email, newPassword)).AuthenticationResult).toBeTruthy();
});

test('ChangePassword needs the previous password', async () => {
  const email = await createUser();
  const { AccessToken } = await tokens(email);
  await expect(t.sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: 'Wrong-password-1', ProposedPassword: 'Another-pass-3' }))).rejects.toMatchObject({
    name: 'NotAuthorizedException',
    message: 'Incorrect username or password.',
  });
  await t.sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'Another-pass-3' }));
  expect((await passwordAuth(email, 'Another-pass-3')).AuthenticationResult).toBeTruthy();
});

test('SMS MFA: verify a phone, turn SMS MFA on, sign in with the code sent by SMS', async () => {
  const email = await createUser();
  const { AccessToken } = await tokens(email);
  const phone = '+15555550100';
  const updated = await t.sdk.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'phone_number', Value: phone }] }));
  expect(updated.CodeDeliveryDetailsList).toEqual([]); // phone is not auto-verified in this pool
  await t.sdk.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'phone_number' }));
  expect(t.messages().at(-1)).toMatchObject({ to: phone, channel: 'sms', body: `Code ${t.lastCode(phone)}` });
  await t.sdk.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'phone_number', Code: t.lastCode(phone) }));
  await t.sdk.send(new SetUserMFAPreferenceCommand({ AccessToken, SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
  const user = await t.sdk.send(new GetUserCommand({ AccessToken }));
  expect(user).toMatchObject({ PreferredMfaSetting: 'SMS_MFA', UserMFASettingList: ['SMS_MFA'] });
  expect(user.UserAttributes).toContainEqual({ Name: 'phone_number_verified', Value: 'true' });

  const challenge = await passwordAuth(email);
  expect(challenge).toMatchObject({ ChallengeName: 'SMS_MFA', ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: '+*******0100' } });
  const respond = (code: string, Session = challenge.Session) =>
    t.sdk.send(new RespondToAuthChallengeCommand({ ClientId: t.clientId, ChallengeName: 'SMS_MFA', Session, ChallengeResponses: { USERNAME: email, SMS_MFA_CODE: code } }));
  const tampered = challenge.Session!.slice(0, 20) + (challenge.Session![20] === 'A' ? 'B' : 'A') + challenge.Session!.slice(21);
  await expect(respond(t.lastCode(phone), `${challenge.Session}x`)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  await expect(respond(t.lastCode(phone), tampered)).rejects.toMatchObject({
    name: 'NotAuthorizedException',
    message: 'Invalid session for the user, session is expired.',
  });
  const done = await respond(t.lastCode(phone));
  expect(done.AuthenticationResult?.IdToken).toBeTruthy();
  await expect(respond(t.lastCode(phone))).rejects.toMatchObject({ message: 'Invalid session for the user, session is expired.' }); // no replay

  clock.advance(10 * 60 * 1000); // sessions last 3 minutes
  await expect(respond(t.lastCode(phone))).rejects.toMatchObject({ message: 'Invalid session for the user, session is expired.' });
});

test('SMS and TOTP both on, no preference: SELECT_MFA_TYPE, then the chosen challenge', async () => {
  const email = await createUser();
  const { AccessToken } = await tokens(email);
  const phone = '+15555550123';
  await t.sdk.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'phone_number', Value: phone }] }));
  await t.sdk.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'phone_number' }));
  await t.sdk.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'phone_number', Code: t.lastCode(phone) }));
  const { SecretCode } = await t.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  const totp = () => generateSync({ secret: SecretCode!, epoch: Math.floor(clock.now().getTime() / 1000) });
  expect(await t.sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totp() }))).toMatchObject({ Status: 'SUCCESS' });
  await t.sdk.send(new SetUserMFAPreferenceCommand({ AccessToken, SMSMfaSettings: { Enabled: true }, SoftwareTokenMfaSettings: { Enabled: true } }));

  const select = await passwordAuth(email);
  expect(select).toMatchObject({ ChallengeName: 'SELECT_MFA_TYPE', ChallengeParameters: { MFAS_CAN_CHOOSE: '["SMS_MFA","SOFTWARE_TOKEN_MFA"]' } });
  const chosen = await t.sdk.send(
    new RespondToAuthChallengeCommand({ ClientId: t.clientId, ChallengeName: 'SELECT_MFA_TYPE', Session: select.Session, ChallengeResponses: { USERNAME: email, ANSWER: 'SOFTWARE_TOKEN_MFA' } }),
  );
  expect(chosen.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
  const done = await t.sdk.send(
    new RespondToAuthChallengeCommand({ ClientId: t.clientId, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: chosen.Session, ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: totp() } }),
  );
  expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
});

test('attributes: delete an optional one; a required one stays', async () => {
  const email = await createUser();
  const { AccessToken } = await tokens(email);
  await t.sdk.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'custom:is_beta_user', Value: 'true' }] }));
  await t.sdk.send(new DeleteUserAttributesCommand({ AccessToken, UserAttributeNames: ['custom:is_beta_user'] }));
  await expect(t.sdk.send(new DeleteUserAttributesCommand({ AccessToken, UserAttributeNames: ['email'] }))).rejects.toMatchObject({
    name: 'InvalidParameterException',
    message: 'Attributes did not conform to the schema: email: The attribute is required',
  });
  const names = (await t.sdk.send(new GetUserCommand({ AccessToken }))).UserAttributes!.map((a) => a.Name);
  expect(names).toEqual(expect.arrayContaining(['sub', 'email', 'email_verified']));
  expect(names).not.toContain('custom:is_beta_user');
});

describe('tokens', () => {
  test('claims: groups, roles, validity', async () => {
    const email = await createUser();
    const username = t.cloud.cognitoIdp.users.bySignInName(t.cloud.cognitoIdp.pools.byId(t.poolId)!, email)!.username;
    t.cloud.cognitoIdp.users.addToGroup(t.poolId, 'EDITORS', username);
    t.cloud.cognitoIdp.users.addToGroup(t.poolId, 'ADMINS', username);
    const { IdToken, AccessToken, ExpiresIn } = await tokens(email);
    expect(ExpiresIn).toBe(3600);
    const id = decodeJwt(IdToken!);
    expect(id).toMatchObject({
      'cognito:groups': ['ADMINS', 'EDITORS'],
      'cognito:preferred_role': 'arn:aws:iam::000000000000:role/admins',
      'cognito:roles': ['arn:aws:iam::000000000000:role/admins', 'arn:aws:iam::000000000000:role/editors'],
      'cognito:username': username,
      token_use: 'id',
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${t.poolId}`,
    });
    expect(decodeJwt(AccessToken!)).toMatchObject({ 'cognito:groups': ['ADMINS', 'EDITORS'], username, origin_jti: id.origin_jti });
    const verified = await t.cloud.cognitoIdp.verifyToken(IdToken!, 'id');
    expect(verified.user.sub).toBe(id.sub);
  });

  test('cognito:preferred_role: none when the highest-precedence groups tie with different roles, theirs when they share it', async () => {
    const pool = t.cloud.cognitoIdp.pools.byId(t.poolId)!;
    const email = await createUser();
    const username = t.cloud.cognitoIdp.users.bySignInName(pool, email)!.username;
    const added = [
      { name: 'REVIEWERS', precedence: 0, roleArn: 'arn:aws:iam::000000000000:role/reviewers' },
      { name: 'AUDITORS', precedence: 0, roleArn: 'arn:aws:iam::000000000000:role/admins' },
    ];
    pool.groups.push(...added); // groups tied with ADMINS at precedence 0
    try {
      t.cloud.cognitoIdp.users.addToGroup(t.poolId, 'ADMINS', username);
      t.cloud.cognitoIdp.users.addToGroup(t.poolId, 'AUDITORS', username);
      t.cloud.cognitoIdp.users.addToGroup(t.poolId, 'EDITORS', username);
      // ADMINS and AUDITORS tie at 0 with the same role: that role.
      expect(decodeJwt((await tokens(email)).IdToken!)['cognito:preferred_role']).toBe('arn:aws:iam::000000000000:role/admins');
      t.cloud.cognitoIdp.users.addToGroup(t.poolId, 'REVIEWERS', username);
      // REVIEWERS ties at 0 with another role: no preferred role; every role is still listed.
      const id = decodeJwt((await tokens(email)).IdToken!);
      expect(id).not.toHaveProperty('cognito:preferred_role');
      expect(id['cognito:roles']).toEqual(expect.arrayContaining(['arn:aws:iam::000000000000:role/reviewers', 'arn:aws:iam::000000000000:role/editors']));
    } finally {
      pool.groups.splice(pool.groups.length - added.length, added.length);
    }
  });

  test('a tampered, expired, or wrong-use token is refused', async () => {
    const { AccessToken, IdToken } = await tokens(await createUser());
    const [h, p, s] = AccessToken!.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = [h, Buffer.from(JSON.stringify({ ...claims, username: 'someone-else' })).toString('base64url'), s].join('.');
    const getUser = (token: string) => t.sdk.send(new GetUserCommand({ AccessToken: token }));
    await expect(getUser(forged)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
    await expect(getUser('not.a.jwt')).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
    await expect(getUser(IdToken!)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
    clock.advance(3601 * 1000);
    await expect(getUser(AccessToken!)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has expired' });
  });

  test('refresh, then RevokeToken ends the refresh token and its access tokens', async () => {
    const { AccessToken, RefreshToken } = await tokens(await createUser());
    const refresh = () => t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: RefreshToken! } }));
    const refreshed = (await refresh()).AuthenticationResult!;
    expect(refreshed.RefreshToken).toBeUndefined();
    expect(decodeJwt(refreshed.AccessToken!).origin_jti).toBe(decodeJwt(AccessToken!).origin_jti);
    await expect(t.sdk.send(new RevokeTokenCommand({ ClientId: t.legacyClientId, Token: RefreshToken! }))).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await t.sdk.send(new RevokeTokenCommand({ ClientId: t.clientId, Token: RefreshToken! }));
    await expect(refresh()).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
    await expect(t.sdk.send(new GetUserCommand({ AccessToken: refreshed.AccessToken }))).rejects.toMatchObject({ message: 'Access Token has been revoked' });
  });

  test('DeleteUser: the user and their tokens are gone', async () => {
    const email = await createUser();
    const { AccessToken } = await tokens(email);
    await t.sdk.send(new DeleteUserCommand({ AccessToken }));
    await expect(t.sdk.send(new GetUserCommand({ AccessToken }))).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(passwordAuth(email)).rejects.toMatchObject({ message: 'Incorrect username or password.' });
  });
});
