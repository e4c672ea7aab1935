import {
  ConfirmSignUpCommand,
  RespondToAuthChallengeCommand,
  DeleteUserAttributesCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../services/clock';
import { newUuid } from '../services/ids';
import { PASSWORD, passwordVerifierAnswer, startTestCloud, type TestCloud } from './testing';
import { newUser } from './users';

/** Template settings the local cloud reads are honoured: the client's Read/WriteAttributes, TemporaryPasswordValidityDays, messages. */
const UNAUTHORIZED = { name: 'NotAuthorizedException', message: 'A client attempted to write unauthorized attribute' };

describe('an app client with ReadAttributes and WriteAttributes', () => {
  let t: TestCloud;
  const email = 'limited@example.com';
  beforeAll(async () => {
    t = await startTestCloud({
      webClient: { ReadAttributes: ['email', 'email_verified', 'custom:is_beta_user'], WriteAttributes: ['email', 'custom:is_beta_user'] },
    });
    await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'custom:is_beta_user', Value: 'true' }] }));
    await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
    // A phone number set by other means (an administrator): this client may neither read nor write it.
    const pool = t.cloud.cognitoIdp.pools.byId(t.poolId)!;
    const user = t.cloud.cognitoIdp.users.bySignInName(pool, email)!;
    t.cloud.cognitoIdp.users.update(pool, { ...user, attributes: { ...user.attributes, phone_number: '+15550009999', phone_number_verified: 'false' } });
  });
  afterAll(() => t.stop());

  const signIn = (clientId = t.clientId) =>
    clientId === t.clientId
      ? t.sdk.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } })).then((r) => r.AuthenticationResult!)
      : passwordVerifierAnswer(t, email, PASSWORD, new Date(), clientId).then(async (answer) => (await t.sdk.send(new RespondToAuthChallengeCommand(answer))).AuthenticationResult!);

  test('SignUp with an attribute the client may not write is refused, and creates nobody', async () => {
    await expect(
      t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: 'other@example.com', Password: PASSWORD, UserAttributes: [{ Name: 'phone_number', Value: '+15550001111' }] })),
    ).rejects.toMatchObject(UNAUTHORIZED);
    expect(t.cloud.cognitoIdp.users.bySignInName(t.cloud.cognitoIdp.pools.byId(t.poolId)!, 'other@example.com')).toBeUndefined();
  });

  test('UpdateUserAttributes and DeleteUserAttributes: only writable attributes', async () => {
    const { AccessToken } = await signIn();
    await expect(t.sdk.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'phone_number', Value: '+15550002222' }] }))).rejects.toMatchObject(UNAUTHORIZED);
    await expect(t.sdk.send(new DeleteUserAttributesCommand({ AccessToken, UserAttributeNames: ['phone_number'] }))).rejects.toMatchObject(UNAUTHORIZED);
    await t.sdk.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'custom:is_beta_user', Value: 'false' }] }));
  });

  test('GetUser and the id token show only readable attributes; a client without the lists sees them all', async () => {
    const limited = await signIn();
    const names = (await t.sdk.send(new GetUserCommand({ AccessToken: limited.AccessToken }))).UserAttributes!.map((a) => a.Name).sort();
    expect(names).toEqual(['custom:is_beta_user', 'email', 'email_verified', 'sub']);
    const claims = decodeJwt(limited.IdToken!);
    expect(claims).toMatchObject({ email, 'custom:is_beta_user': expect.any(String) });
    expect(claims).not.toHaveProperty('phone_number');
    expect(claims).not.toHaveProperty('phone_number_verified');

    const full = await signIn(t.legacyClientId);
    expect(decodeJwt(full.IdToken!)).toMatchObject({ phone_number: '+15550009999' });
    const all = (await t.sdk.send(new GetUserCommand({ AccessToken: full.AccessToken }))).UserAttributes!.map((a) => a.Name);
    expect(all).toContain('phone_number');
  });
});

describe('TemporaryPasswordValidityDays', () => {
  let t: TestCloud;
  const clock = new ManualClock();
  beforeAll(async () => {
    t = await startTestCloud({ clock, pool: { Policies: { PasswordPolicy: { MinimumLength: 10, TemporaryPasswordValidityDays: 2 } } } });
  });
  afterAll(() => t.stop());

  test('a temporary password works until then, and is refused after with Cognito’s message', async () => {
    const pool = t.cloud.cognitoIdp.pools.byId(t.poolId)!;
    const invite = (email: string) =>
      t.cloud.cognitoIdp.users.insert(
        pool,
        newUser(pool, { username: newUuid(), sub: newUuid(), status: 'FORCE_CHANGE_PASSWORD', attributes: { email, email_verified: 'true' }, password: PASSWORD }, clock.now().getTime()),
      );
    const signIn = (email: string) =>
      t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
    invite('early@example.com');
    invite('late@example.com');
    clock.advance(2 * 86_400_000 - 60_000);
    expect((await signIn('early@example.com')).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    clock.advance(120_000);
    await expect(signIn('late@example.com')).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Temporary password has expired and must be reset by an administrator.',
    });
  });
});

describe('settings the local cloud does not emulate stop it at startup, naming them', () => {
  test.each([
    [{ pool: { UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } } }, /Pool: UserPoolAddOns.AdvancedSecurityMode ENFORCED is not emulated/],
    [{ pool: { LambdaConfig: { CustomSMSSender: { LambdaArn: 'arn:aws:lambda:us-east-1:000000000000:function:x', LambdaVersion: 'V1_0' } } } }, /Pool: LambdaConfig.CustomSMSSender is not emulated/],
    [{ pool: { LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: 'arn:aws:lambda:us-east-1:000000000000:function:x', LambdaVersion: 'V2_0' } } } }, /PreTokenGenerationConfig.LambdaVersion V2_0 is not emulated/],
    [{ webClient: { RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 } } }, /WebClient: RefreshTokenRotation is not emulated/],
  ])('%j', async (options, message) => {
    await expect(startTestCloud(options)).rejects.toThrow(message);
  });
});

describe('SmsAuthenticationMessage', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await startTestCloud({ pool: { SmsAuthenticationMessage: 'Vault sign-in code: {####}' } });
  });
  afterAll(() => t.stop());

  test('is the text of the SMS MFA code', async () => {
    const email = 'sms@example.com';
    const phone = '+15550003333';
    await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'phone_number', Value: phone }] }));
    await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
    const pool = t.cloud.cognitoIdp.pools.byId(t.poolId)!;
    const user = t.cloud.cognitoIdp.users.bySignInName(pool, email)!;
    t.cloud.cognitoIdp.users.update(pool, { ...user, smsMfaEnabled: true, attributes: { ...user.attributes, phone_number_verified: 'true' } });
    const start = await t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
    expect(start.ChallengeName).toBe('SMS_MFA');
    const sms = t.messages().filter((m) => m.to === phone).at(-1)!;
    expect(sms.body).toBe(`Vault sign-in code: ${sms.code}`);
  });
});
