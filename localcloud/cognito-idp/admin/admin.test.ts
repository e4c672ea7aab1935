import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  GetGroupCommand,
  GetTokensFromRefreshTokenCommand,
  ListGroupsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizedAssembly } from '../../lambda/testing/synthesized';
import type { ProvisionedAssembly } from '../../provisioning/types';
import { type LocalCloud, startLocalCloud } from '../../server';

/**
 * The administrative operations and the product's triggers, end to end: the
 * synthesized backend (ADMIN_EMAILS=boss@example.com) on a local cloud, real
 * SDK clients signed with role credentials the local cloud issued, SRP
 * sign-ins with amazon-cognito-identity-js.
 */
const PASSWORD = 'Correct-horse-battery-9!';
const BOSS = 'boss@example.com';
const ALICE = 'alice@example.com';

let assembly: ProvisionedAssembly;
let cloud: LocalCloud;
let root: string;
let poolId: string;
let clientId: string;
let publicSdk: CognitoIdentityProviderClient;
let roles: { admins: string; editors: string; authenticated: string; postConfirmation: string; adminApi: string; superAdmin: string };
let bossSub: string;

function sdkAs(roleArn: string, sessionName = 'test-session', mutate: (c: any) => any = (c) => c) {
  const role = cloud.context.iam.account.roles.get(roleArn)!;
  const c = cloud.context.iam.credentials.issue({ roleArn, roleId: role.roleId, sessionName, durationSeconds: 900 });
  return new CognitoIdentityProviderClient({
    region: assembly.region,
    endpoint: cloud.url,
    maxAttempts: 1,
    credentials: mutate({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }),
  });
}

function lastCode(to: string): string {
  const message = cloud.outbox.list().filter((m) => m.to === to).at(-1);
  if (!message) throw new Error(`no message to ${to}`);
  return message.code;
}

function signIn(username: string, password: string, newPassword?: string): Promise<CognitoUserSession> {
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: cloud.url });
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () =>
        newPassword
          ? user.completeNewPasswordChallenge(newPassword, {}, { onSuccess: resolve, onFailure: reject })
          : reject(Object.assign(new Error('NEW_PASSWORD_REQUIRED'), { code: 'NEW_PASSWORD_REQUIRED' })),
    }),
  );
}

async function signUp(email: string, phone: string, birthdate?: string) {
  return publicSdk.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: email,
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'phone_number', Value: phone },
      ],
      // The app client may not write birthdate: a sign-up carries it for the pre sign-up trigger to check.
      ...(birthdate ? { ClientMetadata: { birthdate } } : {}),
    }),
  );
}

beforeAll(async () => {
  assembly = synthesizedAssembly(BOSS);
  root = mkdtempSync(join(tmpdir(), 'admin-e2e-'));
  cloud = await startLocalCloud({ stateDir: join(root, 'state'), assemblyDir: assembly.directory, port: 0 });
  poolId = assembly.ofType('AWS::Cognito::UserPool')[0].ref;
  clientId = assembly.ofType('AWS::Cognito::UserPoolClient')[0].ref;
  publicSdk = new CognitoIdentityProviderClient({
    region: assembly.region,
    endpoint: cloud.url,
    maxAttempts: 1,
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
  });
  const groupRole = (name: string) =>
    assembly.ofType('AWS::Cognito::UserPoolGroup').find((g) => g.properties.GroupName === name)!.properties.RoleArn;
  const identityPool = assembly.ofType('AWS::Cognito::IdentityPoolRoleAttachment')[0].properties.Roles;
  const functionRole = (name: string) =>
    assembly.ofType('AWS::Lambda::Function').find((f) => f.properties.Tags?.some((t: any) => t.Value === name))!.properties.Role;
  const postConfirmation = functionRole('post-confirmation');
  // An operator role allowed every user-pool action, as a back-office tool would have.
  const superAdmin = 'arn:aws:iam::000000000000:role/test-user-pool-operator';
  cloud.context.iam.account.roles.set(superAdmin, {
    name: 'test-user-pool-operator',
    arn: superAdmin,
    roleId: 'AROATESTOPERATOR0001',
    logicalId: 'TestOperator',
    trustPolicy: { Statement: [] },
    policies: [{ name: 'all', document: { Statement: [{ Effect: 'Allow', Action: 'cognito-idp:*', Resource: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolId}` }] } }],
    unknownManagedPolicies: [],
  });
  roles = {
    admins: groupRole('ADMINS'),
    editors: groupRole('EDITORS'),
    authenticated: identityPool.authenticated,
    postConfirmation,
    // The admin REST API's function: the one role allowed the administrative actions the admin page needs.
    adminApi: functionRole('admin-api'),
    superAdmin,
  };
  // The two people every test starts from (tests run in any order; each leaves them as it found them).
  bossSub = (await signUp(BOSS, '+15550000003', '1980-01-01')).UserSub!;
  await publicSdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: BOSS, ConfirmationCode: lastCode(BOSS) }));
  await signUp(ALICE, '+15550000004', '1995-05-05');
  await publicSdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: ALICE, ConfirmationCode: lastCode(ALICE) }));
}, 120_000);

/** The e-mail addresses of every user in the pool, sorted. */
async function emailsInPool(): Promise<(string | undefined)[]> {
  const listed = await sdkAs(roles.adminApi).send(new ListUsersCommand({ UserPoolId: poolId }));
  return (listed.Users ?? []).map((u) => u.Attributes?.find((a) => a.Name === 'email')?.Value).sort();
}

afterAll(async () => {
  await cloud?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("the product's triggers, end to end", () => {
  it("refuses an under-13 sign-up with the function's message and creates nobody", async () => {
    const year = new Date().getUTCFullYear() - 9;
    await expect(signUp('kid@example.com', '+15550000001', `${year}-06-01`)).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: 'PreSignUp failed with error You must be at least 13 years old to create an account..',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(signUp('typo@example.com', '+15550000002', '1990-13-01')).rejects.toMatchObject({
      message: 'PreSignUp failed with error Please enter your birth date as YYYY-MM-DD, for example 1990-04-23..',
    });
    expect(await emailsInPool()).toEqual([ALICE, BOSS]);
  });

  it('puts a confirmed ADMIN_EMAILS user in ADMINS: the next id token says so, with the ADMINS role', async () => {
    const boss = decodeJwt((await signIn(BOSS, PASSWORD)).getIdToken().getJwtToken());
    expect(boss.sub).toBe(bossSub);
    expect(boss['cognito:groups']).toEqual(['ADMINS']);
    expect(boss['cognito:preferred_role']).toBe(roles.admins);

    const alice = decodeJwt((await signIn(ALICE, PASSWORD)).getIdToken().getJwtToken());
    expect(alice['cognito:groups']).toBeUndefined();
  });
});

/** Identity-pool credentials for a signed-in user, as aws-amplify gets them (GetId, GetCredentialsForIdentity). */
async function identityCredentials(session: CognitoUserSession) {
  const idToken = session.getIdToken().getJwtToken();
  const logins = { [String(decodeJwt(idToken).iss).replace(/^\w+:\/\//, '')]: idToken };
  const identity = new CognitoIdentityClient({ region: assembly.region, endpoint: cloud.url, maxAttempts: 1 });
  const IdentityPoolId = assembly.ofType('AWS::Cognito::IdentityPool')[0].ref;
  const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId, Logins: logins }));
  const { Credentials } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
  return new CognitoIdentityProviderClient({
    region: assembly.region,
    endpoint: cloud.url,
    maxAttempts: 1,
    credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretKey!, sessionToken: Credentials!.SessionToken },
  });
}

describe("an administrator's own credentials (identity pool, ADMINS role)", () => {
  it('may call no user-pool administrative action directly: administration goes through the admin REST API', async () => {
    const boss = await identityCredentials(await signIn(BOSS, PASSWORD));
    const bound = cloud.context.iam.credentials.lookup(await boss.config.credentials().then((c) => c.accessKeyId));
    expect(bound?.roleArn).toBe(roles.admins);
    const attempts = [
      new ListUsersCommand({ UserPoolId: poolId }),
      new ListGroupsCommand({ UserPoolId: poolId }),
      new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'ADMINS' }),
      new AdminGetUserCommand({ UserPoolId: poolId, Username: ALICE }),
      new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: ALICE }),
      new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: ALICE, GroupName: 'ADMINS' }),
      new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: BOSS, GroupName: 'ADMINS' }),
      new AdminDisableUserCommand({ UserPoolId: poolId, Username: ALICE }),
      new AdminEnableUserCommand({ UserPoolId: poolId, Username: ALICE }),
      new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: ALICE }),
      new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: ALICE }),
      new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: ALICE, UserAttributes: [{ Name: 'birthdate', Value: '2020-01-01' }] }),
      new AdminDeleteUserCommand({ UserPoolId: poolId, Username: ALICE }),
    ];
    for (const command of attempts) {
      await expect(boss.send(command as never), command.constructor.name).rejects.toMatchObject({ name: 'AccessDeniedException' });
    }
    expect(await emailsInPool()).toEqual([ALICE, BOSS]);
    const alice = await identityCredentials(await signIn(ALICE, PASSWORD));
    await expect(alice.send(new ListUsersCommand({ UserPoolId: poolId }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe("admin operations, as the admin API function's role may call them", () => {
  it('lists users with filters and pages, and reads a user and their groups', async () => {
    const admin = sdkAs(roles.adminApi);
    expect(await emailsInPool()).toEqual([ALICE, BOSS]);
    const exact = await admin.send(new ListUsersCommand({ UserPoolId: poolId, Filter: `email = "${BOSS}"` }));
    expect(exact.Users).toHaveLength(1);
    expect(exact.Users![0]).toMatchObject({ Enabled: true, UserStatus: 'CONFIRMED' });
    const prefix = await admin.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email ^= "ali"', AttributesToGet: ['email'] }));
    expect(prefix.Users?.map((u) => u.Attributes)).toEqual([[{ Name: 'email', Value: ALICE }]]);
    const first = await admin.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 1 }));
    expect(first.Users).toHaveLength(1);
    expect(first.PaginationToken).toBeDefined();
    const second = await admin.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 1, PaginationToken: first.PaginationToken }));
    expect(second.Users).toHaveLength(1);
    expect(second.PaginationToken).toBeUndefined();
    expect(second.Users![0].Username).not.toBe(first.Users![0].Username);

    const bossUser = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: BOSS }));
    expect(bossUser).toMatchObject({ Enabled: true, UserStatus: 'CONFIRMED' });
    expect(bossUser.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: BOSS }, { Name: 'email_verified', Value: 'true' }]));
    const groups = await admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: BOSS }));
    expect(groups.Groups?.map((g) => [g.GroupName, g.RoleArn])).toEqual([['ADMINS', roles.admins]]);
    const listed = await admin.send(new ListGroupsCommand({ UserPoolId: poolId }));
    expect(listed.Groups?.map((g) => g.GroupName)).toEqual(['ADMINS', 'EDITORS']);
    const members = await admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'ADMINS' }));
    expect(members.Users?.map((u) => u.Username)).toEqual([bossUser.Username]);
  });

  it('adds and removes group members, reflected in the next tokens', async () => {
    const admin = sdkAs(roles.adminApi);
    await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: ALICE, GroupName: 'EDITORS' }));
    let alice = decodeJwt((await signIn(ALICE, PASSWORD)).getIdToken().getJwtToken());
    expect(alice['cognito:groups']).toEqual(['EDITORS']);
    expect(alice['cognito:preferred_role']).toBe(roles.editors);
    await admin.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: ALICE, GroupName: 'EDITORS' }));
    alice = decodeJwt((await signIn(ALICE, PASSWORD)).getIdToken().getJwtToken());
    expect(alice['cognito:groups']).toBeUndefined();
    await expect(
      admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: ALICE, GroupName: 'NOPE' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'Group not found.' });
    await expect(
      admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'ghost@example.com', GroupName: 'EDITORS' })),
    ).rejects.toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });
  });

  it('disables a user: no sign-in, and their refresh token stops working; enabling restores sign-in', async () => {
    const admin = sdkAs(roles.adminApi);
    const session = await signIn(ALICE, PASSWORD);
    await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: ALICE }));
    await expect(signIn(ALICE, PASSWORD)).rejects.toMatchObject({ code: 'NotAuthorizedException', message: 'User is disabled.' });
    await expect(
      publicSdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: session.getRefreshToken().getToken() })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: ALICE }))).Enabled).toBe(false);
    await admin.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: ALICE }));
    await expect(signIn(ALICE, PASSWORD)).resolves.toBeDefined();
  });

  it("denies what the function's policy does not grant, and every admin call to other roles", async () => {
    const admin = sdkAs(roles.adminApi, 'boss-session');
    const denied = admin.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: ALICE }));
    await expect(denied).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    await expect(denied).rejects.toThrow(/assumed-role\/.+\/boss-session is not authorized to perform: cognito-idp:AdminDeleteUser/);
    await expect(
      admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: ALICE, Password: PASSWORD, Permanent: true })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    for (const role of [roles.authenticated, roles.editors, roles.admins]) {
      await expect(sdkAs(role).send(new ListUsersCommand({ UserPoolId: poolId }))).rejects.toMatchObject({
        name: 'AccessDeniedException',
      });
    }
    // The post-confirmation function's role may add users to groups, nothing else.
    const fn = sdkAs(roles.postConfirmation);
    await expect(fn.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: ALICE, GroupName: 'EDITORS' }))).resolves.toBeDefined();
    await expect(fn.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: ALICE, GroupName: 'EDITORS' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    // ...and only on its own pool.
    await expect(fn.send(new AdminAddUserToGroupCommand({ UserPoolId: 'us-east-1_Other1234', Username: ALICE, GroupName: 'EDITORS' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    await sdkAs(roles.superAdmin).send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: ALICE, GroupName: 'EDITORS' }));
  });

  it('refuses unsigned, forged and unknown credentials', async () => {
    await expect(publicSdk.send(new ListUsersCommand({ UserPoolId: poolId }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    await expect(sdkAs(roles.adminApi, 's', (c) => ({ ...c, secretAccessKey: 'forged' })).send(new ListUsersCommand({ UserPoolId: poolId }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    const unsigned = await fetch(cloud.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ UserPoolId: poolId }),
    });
    expect(unsigned.status).toBe(400);
    expect((await unsigned.json()).__type).toBe('MissingAuthenticationTokenException');
  });
});

describe('the other administrative operations', () => {
  it('creates a user with a temporary password: NEW_PASSWORD_REQUIRED on first sign-in', async () => {
    const op = sdkAs(roles.superAdmin);
    const created = await op.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'new.hire@example.com',
        UserAttributes: [
          { Name: 'phone_number', Value: '+15550000009' },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    expect(created.User).toMatchObject({ UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
    const temporary = lastCode('new.hire@example.com');
    expect(cloud.outbox.list().at(-1)?.body).toContain(temporary);
    await expect(signIn('new.hire@example.com', temporary)).rejects.toMatchObject({ code: 'NEW_PASSWORD_REQUIRED' });
    const session = await signIn('new.hire@example.com', temporary, 'Brand-new-password-42!');
    expect(decodeJwt(session.getIdToken().getJwtToken()).email).toBe('new.hire@example.com');
    expect((await op.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'new.hire@example.com' }))).UserStatus).toBe('CONFIRMED');
    await expect(
      op.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'new.hire@example.com', UserAttributes: [{ Name: 'phone_number', Value: '+15550000010' }] })),
    ).rejects.toMatchObject({ name: 'UsernameExistsException' });
    // The pre sign-up trigger runs for admins too.
    await expect(
      op.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: 'young@example.com',
          UserAttributes: [{ Name: 'phone_number', Value: '+15550000011' }, { Name: 'birthdate', Value: `${new Date().getUTCFullYear() - 5}-01-01` }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'UserLambdaValidationException' });
    await op.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'new.hire@example.com' }));
  });

  it('sets passwords, confirms, updates attributes, signs out everywhere and deletes', async () => {
    const op = sdkAs(roles.superAdmin);
    await signUp('carol@example.com', '+15550000012', '1970-01-01');
    await op.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'carol@example.com' }));
    await expect(op.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'carol@example.com' }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'User cannot be confirmed. Current status is CONFIRMED',
    });
    await op.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'carol@example.com', Password: 'Another-password-77!', Permanent: true }));
    await expect(signIn('carol@example.com', PASSWORD)).rejects.toMatchObject({ code: 'NotAuthorizedException' });
    const session = await signIn('carol@example.com', 'Another-password-77!');

    await op.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: poolId,
        Username: 'carol@example.com',
        UserAttributes: [{ Name: 'preferred_username', Value: 'carol' }, { Name: 'custom:is_beta_user', Value: 'true' }],
      }),
    );
    const carol = await op.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol@example.com' }));
    expect(carol.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'preferred_username', Value: 'carol' }, { Name: 'custom:is_beta_user', Value: 'true' }]));
    await expect(
      op.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'carol@example.com', UserAttributes: [{ Name: 'sub', Value: 'x' }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });

    await op.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: 'carol@example.com' }));
    await expect(
      publicSdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: session.getRefreshToken().getToken() })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });

    await op.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'carol@example.com' }));
    await expect(op.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol@example.com' }))).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
  });

  it('resets a password by code: RESET_REQUIRED until ConfirmForgotPassword, refused without a verified channel or a password of their own', async () => {
    const op = sdkAs(roles.superAdmin);
    await signUp('erin@example.com', '+15550000013', '1970-01-01');
    await expect(op.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'erin@example.com' }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'User password cannot be reset in the current state.',
    });
    await publicSdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'erin@example.com', ConfirmationCode: lastCode('erin@example.com') }));
    const session = await signIn('erin@example.com', PASSWORD);
    await op.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'erin@example.com' }));
    expect((await op.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'erin@example.com' }))).UserStatus).toBe('RESET_REQUIRED');
    const message = cloud.outbox.list().at(-1)!;
    expect(message).toMatchObject({ to: 'erin@example.com', channel: 'email' });
    await expect(signIn('erin@example.com', PASSWORD)).rejects.toMatchObject({ code: 'PasswordResetRequiredException', message: 'Password reset required for the user' });
    // Sessions already open are not ended (that is AdminUserGlobalSignOut).
    await expect(
      publicSdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: session.getRefreshToken().getToken() })),
    ).resolves.toBeDefined();
    await publicSdk.send(
      new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'erin@example.com', ConfirmationCode: message.code, Password: 'Erins-new-password-1!' }),
    );
    await expect(signIn('erin@example.com', 'Erins-new-password-1!')).resolves.toBeDefined();

    // Nothing verified to send the code to: refused, and the password keeps working.
    await op.send(
      new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'erin@example.com', UserAttributes: [{ Name: 'email_verified', Value: 'false' }] }),
    );
    await expect(op.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'erin@example.com' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Cannot reset password for the user as there is no registered/verified email or phone_number',
    });
    await expect(signIn('erin@example.com', 'Erins-new-password-1!')).resolves.toBeDefined();
    await expect(op.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'nobody@example.com' }))).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
    await op.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'erin@example.com' }));
  });

  it('answers GetGroup, and bad input with AWS-shaped 4xx', async () => {
    const op = sdkAs(roles.superAdmin);
    const group = await op.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'EDITORS' }));
    expect(group.Group).toMatchObject({ GroupName: 'EDITORS', UserPoolId: poolId, RoleArn: roles.editors });
    // Thunks: each request starts only when awaited, so no rejection goes unhandled.
    const cases: [() => Promise<unknown>, string, RegExp?][] = [
      [() => op.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email = unquoted' })), 'InvalidParameterException', /Error while parsing filter/],
      [() => op.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'locale = "x"' })), 'InvalidParameterException', /Invalid search attribute/],
      [() => op.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 61 })), 'InvalidParameterException', /less than or equal to 60/],
      [() => op.send(new ListUsersCommand({ UserPoolId: poolId, PaginationToken: 'forged' })), 'InvalidParameterException'],
      [() => op.send(new ListUsersCommand({ UserPoolId: 'us-east-1_Missing123' })), 'AccessDeniedException'],
      [() => op.send(new ListUsersCommand({ UserPoolId: 'not a pool id' })), 'InvalidParameterException'],
      [() => op.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'NOPE' })), 'ResourceNotFoundException', /Group not found/],
      [() => op.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: BOSS, Password: 'short' })), 'InvalidPasswordException'],
    ];
    for (const [send, name, message] of cases) {
      const error = await send().then(
        () => undefined,
        (e: { name: string; message: string; $metadata: { httpStatusCode: number } }) => e,
      );
      expect(error?.name).toBe(name);
      expect(error?.$metadata.httpStatusCode).toBe(400);
      if (message) expect(error?.message).toMatch(message);
    }
    const raw = await fetch(cloud.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers' },
      body: '{not json',
    });
    // Authentication is checked before the body is read, as AWS does.
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });
});
