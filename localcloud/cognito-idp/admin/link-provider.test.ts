import {
  AdminCreateUserCommand,
  AdminDisableProviderForUserCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorSdk, socialProviders, startTestCloud, type TestCloud } from '../testing';

/**
 * AdminLinkProviderForUser / AdminDisableProviderForUser over the wire, with
 * an operator's SigV4 credentials: the link shows in the destination user's
 * `identities` attribute (AdminGetUser, ListUsers), Cognito's refusals.
 */
let t: TestCloud;
let admin: CognitoIdentityProviderClient;
let counter = 0;

beforeAll(async () => {
  t = await startTestCloud({ resources: socialProviders('Google', 'Facebook') });
  admin = operatorSdk(t.cloud, t.poolId);
});
afterAll(async () => {
  admin.destroy();
  await t.stop();
});

async function newUser(): Promise<string> {
  const email = `person${++counter}-${Date.now()}@example.com`;
  const created = await admin.send(
    new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }),
  );
  return created.User!.Username!;
}

const link = (username: string, providerName: string, sub: string, attributeName = 'Cognito_Subject') =>
  admin.send(
    new AdminLinkProviderForUserCommand({
      UserPoolId: t.poolId,
      DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: username },
      SourceUser: { ProviderName: providerName, ProviderAttributeName: attributeName, ProviderAttributeValue: sub },
    }),
  );

const identitiesOf = async (username: string) => {
  const user = await admin.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: username }));
  const value = user.UserAttributes?.find((a) => a.Name === 'identities')?.Value;
  return value === undefined ? undefined : JSON.parse(value);
};

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (e: Error) => ({ name: e.name, message: e.message }));

describe('AdminLinkProviderForUser', () => {
  it('links a provider identity to an existing user, shown in identities (AdminGetUser and ListUsers)', async () => {
    const username = await newUser();
    await link(username, 'Google', '1000001');
    await link(username, 'Facebook', '2000002');
    const identities = await identitiesOf(username);
    expect(identities).toEqual([
      { userId: '1000001', providerName: 'Google', providerType: 'Google', issuer: null, primary: false, dateCreated: expect.any(Number) },
      { userId: '2000002', providerName: 'Facebook', providerType: 'Facebook', issuer: null, primary: false, dateCreated: expect.any(Number) },
    ]);
    const listed = await admin.send(new ListUsersCommand({ UserPoolId: t.poolId, Filter: `username = "${username}"` }));
    expect(JSON.parse(listed.Users![0].Attributes!.find((a) => a.Name === 'identities')!.Value!)).toEqual(identities);
  });

  it('refuses what Cognito refuses, changing nothing', async () => {
    const username = await newUser();
    const other = await newUser();
    await link(username, 'Google', '3000003');
    expect(await errorOf(link(other, 'Google', '3000003'))).toMatchObject({ name: 'AliasExistsException' });
    expect(await errorOf(link(other, 'Google', '3000004', 'email'))).toMatchObject({ name: 'InvalidParameterException' });
    expect(await errorOf(link(other, 'Cognito', username))).toMatchObject({ name: 'InvalidParameterException' });
    expect(await errorOf(link(other, 'Twitter', '1'))).toMatchObject({ name: 'InvalidParameterException', message: `Provider Twitter does not exist for user pool ${t.poolId}.` });
    expect(await errorOf(link('nobody-at-all', 'Google', '3000005'))).toMatchObject({ name: 'UserNotFoundException' });
    expect(
      await errorOf(admin.send(new AdminLinkProviderForUserCommand({ UserPoolId: t.poolId, DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: other } } as never))),
    ).toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining("'sourceUser'") });
    expect(await identitiesOf(other)).toBeUndefined();
    expect((await identitiesOf(username)).map((i: { userId: string }) => i.userId)).toEqual(['3000003']);
  });

  it('allows five linked identities per user, then LimitExceededException', async () => {
    const username = await newUser();
    for (let i = 0; i < 5; i++) await link(username, 'Google', `40000${i}`);
    expect(await errorOf(link(username, 'Facebook', '400009'))).toMatchObject({ name: 'LimitExceededException' });
    expect(await identitiesOf(username)).toHaveLength(5);
  });

  it('is an IAM-authorized operation: unsigned callers are refused', async () => {
    const username = await newUser();
    const error = await errorOf(
      t.sdk.send(
        new AdminLinkProviderForUserCommand({
          UserPoolId: t.poolId,
          DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: username },
          SourceUser: { ProviderName: 'Google', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '5000005' },
        }),
      ),
    );
    expect(error?.name).toMatch(/UnrecognizedClientException|InvalidSignatureException|AccessDenied/);
    expect(await identitiesOf(username)).toBeUndefined();
  });
});

describe('AdminDisableProviderForUser', () => {
  it('removes a link: the identity no longer shows, and may be linked again', async () => {
    const username = await newUser();
    await link(username, 'Google', '6000006');
    await link(username, 'Facebook', '6000007');
    await admin.send(
      new AdminDisableProviderForUserCommand({ UserPoolId: t.poolId, User: { ProviderName: 'Google', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '6000006' } }),
    );
    expect((await identitiesOf(username)).map((i: { providerName: string }) => i.providerName)).toEqual(['Facebook']);
    await admin.send(
      new AdminDisableProviderForUserCommand({ UserPoolId: t.poolId, User: { ProviderName: 'Facebook', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '6000007' } }),
    );
    expect(await identitiesOf(username)).toBeUndefined();
    const other = await newUser();
    await link(other, 'Google', '6000006');
    expect((await identitiesOf(other)).map((i: { userId: string }) => i.userId)).toEqual(['6000006']);
  });

  it('names nobody: UserNotFoundException; an unknown provider: InvalidParameterException', async () => {
    const disable = (ProviderName: string, ProviderAttributeValue: string) =>
      errorOf(admin.send(new AdminDisableProviderForUserCommand({ UserPoolId: t.poolId, User: { ProviderName, ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue } })));
    expect(await disable('Google', '7777777')).toMatchObject({ name: 'UserNotFoundException' });
    expect(await disable('Twitter', '7777777')).toMatchObject({ name: 'InvalidParameterException' });
  });

  it('with Cognito and a username disables that user', async () => {
    const username = await newUser();
    await admin.send(
      new AdminDisableProviderForUserCommand({ UserPoolId: t.poolId, User: { ProviderName: 'Cognito', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: username } }),
    );
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: username }))).Enabled).toBe(false);
  });
});
