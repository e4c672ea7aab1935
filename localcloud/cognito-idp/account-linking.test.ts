import {
  AdminDisableUserCommand,
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startRealCloud, type RealCloud } from '../testing/real-cloud';
import { operatorSdk } from './testing';
import { invokeTrigger } from './trigger-events';

/**
 * The backend's account linking (amplify/auth/pre-sign-up), run as Cognito
 * runs it at a first social sign-in: the synthesized pre sign-up function gets
 * a PreSignUp_ExternalProvider event in its own Lambda process, and calls this
 * local cloud's ListUsers and AdminLinkProviderForUser with its execution
 * role's credentials (SigV4 + the role's synthesized policy). The link shows
 * in the native user's `identities`.
 */
let rc: RealCloud;
let admin: CognitoIdentityProviderClient;
let counter = 0;

beforeAll(async () => {
  rc = await startRealCloud();
  admin = operatorSdk(rc.cloud, rc.userPoolId, rc.region);
}, 120_000);
afterAll(async () => {
  admin?.destroy();
  await rc?.close();
});

/** Cognito's first sign-in of `Google_<id>` (or another provider) with the attributes the provider mapped. */
async function firstSocialSignIn(userName: string, userAttributes: Record<string, string>) {
  const pool = rc.cloud.cognitoIdp.pools.all().find((p) => p.id === rc.userPoolId)!;
  return invokeTrigger(rc.cloud.context.triggers, pool, 'PreSignUp', 'PreSignUp_ExternalProvider', { username: userName }, {
    clientId: rc.clientId,
    request: { userAttributes, validationData: {} },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });
}

async function identitiesOf(username: string): Promise<{ providerName: string; userId: string }[]> {
  const user = await admin.send(new AdminGetUserCommand({ UserPoolId: rc.userPoolId, Username: username }));
  const value = user.UserAttributes?.find((a) => a.Name === 'identities')?.Value;
  return value ? JSON.parse(value) : [];
}

const providerId = () => `10${Date.now()}${++counter}`;

describe('a first social sign-in with the email of a native user', () => {
  it('links a verified Google email to the confirmed native user: same user, same sub', async () => {
    const native = await rc.createUser('linked');
    const id = providerId();
    await firstSocialSignIn(`Google_${id}`, { email: native.email, email_verified: 'true', name: 'Ada' });
    expect(await identitiesOf(native.sub)).toEqual([expect.objectContaining({ providerName: 'Google', userId: id })]);
  });

  it('links Apple, which sends email_verified as a string, by the provider name Cognito spells', async () => {
    const native = await rc.createUser('apple');
    const id = `001234.${providerId()}.0912`;
    await firstSocialSignIn(`SignInWithApple_${id}`, { email: native.email, email_verified: 'true' });
    expect(await identitiesOf(native.sub)).toEqual([expect.objectContaining({ providerName: 'SignInWithApple', userId: id })]);
  });

  it('never links on an email the provider did not verify, nor for a provider that does not say (Facebook)', async () => {
    const native = await rc.createUser('unverified');
    await firstSocialSignIn(`Google_${providerId()}`, { email: native.email, email_verified: 'false' });
    await firstSocialSignIn(`Facebook_${providerId()}`, { email: native.email });
    expect(await identitiesOf(native.sub)).toEqual([]);
  });

  it('never links to a disabled user', async () => {
    const native = await rc.createUser('disabled');
    await admin.send(new AdminDisableUserCommand({ UserPoolId: rc.userPoolId, Username: native.sub }));
    await firstSocialSignIn(`Google_${providerId()}`, { email: native.email, email_verified: 'true' });
    expect(await identitiesOf(native.sub)).toEqual([]);
  });

  it('never links to a user who has not confirmed the sign-up (their email is unproven)', async () => {
    const email = `unconfirmed-${providerId()}@example.com`;
    const { UserSub } = await rc.idp.send(
      new SignUpCommand({
        ClientId: rc.clientId,
        Username: email,
        Password: PASSWORD,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'phone_number', Value: '+15550000001' },
        ],
      }),
    );
    await firstSocialSignIn(`Google_${providerId()}`, { email, email_verified: 'true' });
    expect(await identitiesOf(UserSub!)).toEqual([]);
  });

  it('passes when nobody has the email, and searches an email with a quote by its escaped value', async () => {
    const event = await firstSocialSignIn(`Google_${providerId()}`, { email: 'nobody"here@example.com', email_verified: 'true' });
    expect(event.triggerSource).toBe('PreSignUp_ExternalProvider');
  });
});
