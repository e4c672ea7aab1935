import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionsFromAssembly } from '../lambda/functions';
import { synthesizedAssembly } from '../lambda/testing/synthesized';
import type { ProvisionedAssembly } from '../provisioning/types';
import { type LocalCloud, startLocalCloud } from '../server';

/**
 * STS on the real server: GetCallerIdentity for the credentials the local cloud
 * issues (identity-pool sessions, Lambda role sessions), asked by the SDK v3,
 * the AWS CLI and boto3; SigV4 really verified; XML errors.
 */
const run = promisify(execFile);
let assembly: ProvisionedAssembly;
let cloud: LocalCloud;
let root: string;

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

async function guestCredentials(): Promise<Keys & { identityId: string }> {
  const identity = new CognitoIdentityClient({ region: assembly.region, endpoint: cloud.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: assembly.ofType('AWS::Cognito::IdentityPool')[0].ref }));
  const { Credentials } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId }));
  return { identityId: IdentityId!, accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretKey!, sessionToken: Credentials!.SessionToken! };
}

const sts = (credentials: Keys, region = assembly.region) => new STSClient({ region, endpoint: cloud.url, credentials, maxAttempts: 1 });
const cliEnv = (keys: Keys) => ({
  PATH: process.env.PATH,
  HOME: root,
  AWS_CONFIG_FILE: join(root, 'none'),
  AWS_SHARED_CREDENTIALS_FILE: join(root, 'none'),
  AWS_ACCESS_KEY_ID: keys.accessKeyId,
  AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
  AWS_SESSION_TOKEN: keys.sessionToken,
  AWS_DEFAULT_REGION: assembly.region,
  AWS_PAGER: '',
});
const guestRoleName = () => {
  const attachment = assembly.ofType('AWS::Cognito::IdentityPoolRoleAttachment')[0].properties as { Roles: { unauthenticated: string } };
  return attachment.Roles.unauthenticated.split('/').pop()!;
};
const xml = async (res: Response) => new XMLParser().parse(await res.text());

beforeAll(async () => {
  assembly = synthesizedAssembly();
  root = mkdtempSync(join(tmpdir(), 'sts-'));
  cloud = await startLocalCloud({ stateDir: join(root, 'state'), assemblyDir: assembly.directory, port: 0 });
}, 120_000);
afterAll(async () => {
  await cloud?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('STS GetCallerIdentity', () => {
  it('names the identity-pool session (SDK v3)', async () => {
    const guest = await guestCredentials();
    const me = await sts(guest).send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(assembly.accountId);
    expect(me.Arn).toBe(`arn:aws:sts::${assembly.accountId}:assumed-role/${guestRoleName()}/CognitoIdentityCredentials`);
    expect(me.UserId).toMatch(/^AROA[A-Z0-9]+:CognitoIdentityCredentials$/);
    // The global endpoint signs for us-east-1 whatever the app's region.
    await expect(sts(guest, 'eu-west-1').send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: me.Arn });
  });

  it('answers the AWS CLI and boto3', async () => {
    const guest = await guestCredentials();
    const cli = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', cloud.url, '--output', 'json'], { env: cliEnv(guest) });
    expect(JSON.parse(cli.stdout)).toMatchObject({ Account: assembly.accountId, Arn: expect.stringContaining(`:assumed-role/${guestRoleName()}/`) });
    const script = `import boto3, json, sys\nprint(json.dumps(boto3.client('sts', endpoint_url=sys.argv[1]).get_caller_identity()))`;
    const py = await run('/usr/bin/python3', ['-c', script, cloud.url], { env: cliEnv(guest) });
    expect(JSON.parse(py.stdout)).toMatchObject({ Account: assembly.accountId, UserId: expect.stringMatching(/^AROA/) });
  });

  it('names a Lambda execution role session', async () => {
    const fn = functionsFromAssembly(assembly).functions[0];
    const keys = cloud.context.iam.issueRoleCredentials({ roleArn: fn.roleArn, sessionName: fn.name, durationSeconds: 900 });
    const me = await sts(keys).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${assembly.accountId}:assumed-role/${fn.roleArn.split('/').pop()}/${fn.name}`);
  });

  it('verifies the signature: a wrong secret, an unknown key, a missing session token and no signature are refused in XML', async () => {
    const guest = await guestCredentials();
    await expect(sts({ ...guest, secretAccessKey: `${guest.secretAccessKey}x` }).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(sts({ ...guest, accessKeyId: 'ASIANOTISSUEDBYUS00' }).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    await expect(sts({ ...guest, sessionToken: '' }).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    const unsigned = await fetch(cloud.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    expect(unsigned.status).toBe(403);
    expect((await xml(unsigned)).ErrorResponse.Error).toEqual({ Type: 'Sender', Code: 'MissingAuthenticationToken', Message: 'Request is missing Authentication Token' });
  });

  it('answers 501 UnsupportedOperationException for STS operations not emulated, 400 InvalidAction for names STS lacks', async () => {
    const guest = await guestCredentials();
    await expect(sts(guest).send(new GetSessionTokenCommand({}))).rejects.toMatchObject({
      name: 'UnsupportedOperationException',
      message: 'The local cloud does not implement STS GetSessionToken.',
      $metadata: { httpStatusCode: 501 },
    });
    const unknown = await fetch(cloud.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=Nope&Version=2011-06-15' });
    expect(unknown.status).toBe(400);
    expect((await xml(unknown)).ErrorResponse.Error.Code).toBe('InvalidAction');
    const cli = await run('/usr/bin/aws', ['sts', 'get-session-token', '--endpoint-url', cloud.url], { env: cliEnv(guest) }).catch((e: { stderr: string }) => e);
    expect((cli as { stderr: string }).stderr).toContain('(UnsupportedOperationException) when calling the GetSessionToken operation: The local cloud does not implement STS GetSessionToken.');
  });
});
