import { InitiateAuthCommand, RespondToAuthChallengeCommand, SignUpCommand, ConfirmSignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, signIn, signOut } from 'aws-amplify/auth';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PASSWORD, startTestCloud, type TestCloud } from './testing';

/** A pool with MFA required (TOTP only): first sign-in sets TOTP up through MFA_SETUP; forced password change. */
let t: TestCloud;
beforeAll(async () => {
  t = await startTestCloud({ pool: { MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] } });
  Amplify.configure({ Auth: { Cognito: { userPoolId: t.poolId, userPoolClientId: t.clientId, userPoolEndpoint: t.cloud.url } } });
});
afterAll(() => t.stop());

async function createUser(email: string) {
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
}

test('aws-amplify: TOTP setup during the first sign-in, then TOTP on the next', async () => {
  const email = 'mfa@example.com';
  await createUser(email);
  const first = await signIn({ username: email, password: PASSWORD });
  expect(first.nextStep.signInStep).toBe('CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
  const secret = (first.nextStep as { totpSetupDetails: { sharedSecret: string } }).totpSetupDetails.sharedSecret;
  expect((await confirmSignIn({ challengeResponse: generateSync({ secret }) })).isSignedIn).toBe(true);
  await signOut();
  const second = await signIn({ username: email, password: PASSWORD });
  expect(second.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  expect((await confirmSignIn({ challengeResponse: generateSync({ secret }) })).isSignedIn).toBe(true);
  await signOut();
});

test('MFA_SETUP cannot be skipped: answering it without a verified token is refused', async () => {
  const email = 'skipper@example.com';
  await createUser(email);
  const challenge = await t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
  expect(challenge).toMatchObject({ ChallengeName: 'MFA_SETUP', ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' } });
  await expect(
    t.sdk.send(new RespondToAuthChallengeCommand({ ClientId: t.clientId, ChallengeName: 'MFA_SETUP', Session: challenge.Session, ChallengeResponses: { USERNAME: email } })),
  ).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' });
});

test('NEW_PASSWORD_REQUIRED for a user whose password an administrator set', async () => {
  const email = 'forced@example.com';
  await createUser(email);
  const { users, pools } = t.cloud.cognitoIdp;
  const pool = pools.byId(t.poolId)!;
  const user = users.bySignInName(pool, email)!;
  users.update(pool, { ...user, status: 'FORCE_CHANGE_PASSWORD' });
  const challenge = await t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
  expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  const respond = (NEW_PASSWORD: string) =>
    t.sdk.send(new RespondToAuthChallengeCommand({ ClientId: t.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenge.Session, ChallengeResponses: { USERNAME: email, NEW_PASSWORD } }));
  await expect(respond('short')).rejects.toMatchObject({ name: 'InvalidPasswordException' });
  const next = await respond('A-new-password-4');
  expect(next.ChallengeName).toBe('MFA_SETUP'); // MFA is required in this pool
  expect(users.bySignInName(pool, email)!.status).toBe('CONFIRMED');
});
