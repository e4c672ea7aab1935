import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient, ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizedAssembly } from '../localcloud/lambda/testing/synthesized';
import type { ProvisionedAssembly } from '../localcloud/provisioning/types';
import { type LocalCloud, startLocalCloud } from '../localcloud/server';

/**
 * `npm run admin`, as a person runs it: the command in its own process, on the
 * state of a local cloud that is running, then a real SRP sign-in and the
 * identity pool's GetCredentialsForIdentity.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'Correct-horse-battery-9!';
const ADA = 'ada@example.com';

let assembly: ProvisionedAssembly;
let cloud: LocalCloud;
let root: string;
let stateDir: string;
let poolId: string;
let clientId: string;

/** Runs the command in a process of its own (asynchronously: the local cloud in this process keeps serving). */
function admin(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/admin.ts', ...args, '--assembly', assembly.directory],
      { cwd: ROOT, env: { ...process.env, LOCALCLOUD_STATE: stateDir }, encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, out: stdout.trim(), err: stderr.trim() }),
    );
  });
}

function signIn(username: string): Promise<CognitoUserSession> {
  const user = new CognitoUser({ Username: username, Pool: new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: cloud.url }) });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: PASSWORD }), { onSuccess: resolve, onFailure: reject }),
  );
}

/** The role the identity pool hands this id token (GetId + GetCredentialsForIdentity, as aws-amplify calls them). */
async function roleOf(idToken: string): Promise<string> {
  const identityPoolId = assembly.ofType('AWS::Cognito::IdentityPool')[0].ref;
  const client = new CognitoIdentityClient({ region: assembly.region, endpoint: cloud.url, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  const Logins = { [cloud.cognitoIdp.issuer(poolId).replace(/^\w+:\/\//, '')]: idToken };
  const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins }));
  const { Credentials } = await client.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
  const identity = cloud.context.iam.lookupCredentials(Credentials!.AccessKeyId!);
  return identity!.roleArn;
}

const groupRole = (name: string) =>
  assembly.ofType('AWS::Cognito::UserPoolGroup').find((g) => g.properties.GroupName === name)!.properties.RoleArn as string;

beforeAll(async () => {
  assembly = synthesizedAssembly('');
  root = mkdtempSync(join(tmpdir(), 'admin-cli-'));
  stateDir = join(root, 'state');
  cloud = await startLocalCloud({ stateDir, assemblyDir: assembly.directory, port: 0 });
  poolId = assembly.ofType('AWS::Cognito::UserPool')[0].ref;
  clientId = assembly.ofType('AWS::Cognito::UserPoolClient')[0].ref;
  const sdk = new CognitoIdentityProviderClient({ region: assembly.region, endpoint: cloud.url, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  await sdk.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: ADA,
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: ADA },
        { Name: 'phone_number', Value: '+15550001815' },
      ],
    }),
  );
  const code = cloud.outbox.list().filter((m) => m.to === ADA).at(-1)!.code;
  await sdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: ADA, ConfirmationCode: code }));
}, 180_000);

afterAll(async () => {
  await cloud?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('npm run admin', () => {
  it('makes an existing user an administrator while the local cloud runs: ADMINS and its role from the next sign-in', async () => {
    const before = (await signIn(ADA)).getIdToken().getJwtToken();
    expect(decodeJwt(before)['cognito:groups']).toBeUndefined();
    expect(await roleOf(before)).not.toBe(groupRole('ADMINS'));

    expect(await admin('add', ADA)).toMatchObject({ status: 0, out: `Added ${ADA} to ADMINS: the ADMINS role applies from their next sign-in.` });
    expect(await admin('list')).toMatchObject({ status: 0, out: `- ${ADA}` });

    const after = (await signIn(ADA)).getIdToken().getJwtToken();
    expect(decodeJwt(after)['cognito:groups']).toEqual(['ADMINS']);
    expect(decodeJwt(after)['cognito:preferred_role']).toBe(groupRole('ADMINS'));
    expect(await roleOf(after)).toBe(groupRole('ADMINS'));

    expect(await admin('remove', ADA)).toMatchObject({ status: 0 });
    expect((await admin('list')).out).toBe('No administrators (group ADMINS of ' + poolId + ' is empty).');
    expect(decodeJwt((await signIn(ADA)).getIdToken().getJwtToken())['cognito:groups']).toBeUndefined();
  }, 120_000);

  it('refuses, with a reason and exit status 1, a user who has not signed up and a command it does not know', async () => {
    expect(await admin('add', 'nobody@example.com')).toMatchObject({ status: 1, err: `No user nobody@example.com in ${poolId}: they must sign up first.` });
    const unknown = await admin('promote', ADA);
    expect(unknown.status).toBe(1);
    expect(unknown.err).toMatch(/^Unknown command "promote"\.\nUsage: npm run admin -- <command>/);
    expect(await admin('--help')).toMatchObject({ status: 0, out: expect.stringContaining('add <email>') });
  }, 60_000);
});
