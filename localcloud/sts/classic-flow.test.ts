import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CognitoIdentityClient, GetIdCommand, GetOpenIdTokenCommand } from '@aws-sdk/client-cognito-identity';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizedAssembly } from '../lambda/testing/synthesized';
import { loadCloudAssembly } from '../provisioning/cloud-assembly';
import { type SignedInCloud, startSignedInCloud } from '../s3/testing/signed-in-cloud';
import type { Clock } from '../services/clock';

/**
 * The identity pool's basic (classic) flow on the real server: GetId →
 * GetOpenIdToken → STS AssumeRoleWithWebIdentity → S3 with the role's policies.
 * The synthesized identity pool leaves AllowClassicFlow out (false) and has a
 * Token role mapping, so Cognito would refuse the flow (outside-clients.test.ts
 * proves the refusal); here the same assembly runs with AllowClassicFlow: true
 * and without role mappings, as a pool that allows the flow would be.
 */
const run = promisify(execFile);
let t: SignedInCloud;
let root: string;
let identityPoolId: string;
let userPoolId: string;
let roles: { authenticated: string; unauthenticated: string };
/** The server's clock: real time, moved ahead by `ahead` ms where a test needs a token to have expired. */
const clock: Clock & { ahead: number } = { ahead: 0, now: () => new Date(Date.now() + clock.ahead) };

function classicFlowAssembly(dir: string) {
  cpSync(synthesizedAssembly().directory, dir, { recursive: true });
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.template.json'))) {
    const template = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    let changed = false;
    for (const resource of Object.values<any>(template.Resources ?? {})) {
      if (resource.Type === 'AWS::Cognito::IdentityPool') resource.Properties.AllowClassicFlow = changed = true;
      if (resource.Type === 'AWS::Cognito::IdentityPoolRoleAttachment') {
        delete resource.Properties.RoleMappings;
        changed = true;
      }
    }
    if (changed) writeFileSync(join(dir, file), JSON.stringify(template));
  }
  return loadCloudAssembly(dir);
}

const identityClient = () => new CognitoIdentityClient({ region: t.region, endpoint: t.cloud.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
const stsClient = (credentials = { accessKeyId: 'x', secretAccessKey: 'x' } as { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  new STSClient({ region: t.region, endpoint: t.cloud.url, credentials, maxAttempts: 1 });

async function openIdToken(idToken?: string) {
  const Logins = idToken ? { [`cognito-idp.${t.region}.amazonaws.com/${userPoolId}`]: idToken } : undefined;
  const { IdentityId } = await identityClient().send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins }));
  const out = await identityClient().send(new GetOpenIdTokenCommand({ IdentityId, Logins }));
  return { identityId: IdentityId!, token: out.Token! };
}

const assume = (RoleArn: string, WebIdentityToken: string, RoleSessionName = 'classic') =>
  stsClient().send(new AssumeRoleWithWebIdentityCommand({ RoleArn, WebIdentityToken, RoleSessionName }));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'classic-flow-'));
  const assembly = classicFlowAssembly(join(root, 'assembly'));
  t = await startSignedInCloud({ assemblyDir: assembly.directory, clock });
  identityPoolId = assembly.ofType('AWS::Cognito::IdentityPool')[0].ref;
  userPoolId = assembly.ofType('AWS::Cognito::UserPool')[0].ref;
  roles = assembly.ofType('AWS::Cognito::IdentityPoolRoleAttachment')[0].properties.Roles;
}, 120_000);
afterAll(async () => {
  await t?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('basic (classic) flow', () => {
  it("GetOpenIdToken gives an RS256 token: iss cognito-identity, aud the pool, sub the identity, amr the login", async () => {
    const { identityId, token } = await openIdToken(await t.idToken('claims'));
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: 'https://cognito-identity.amazonaws.com', aud: identityPoolId, sub: identityId });
    expect(claims.amr).toEqual(['authenticated', `cognito-idp.${t.region}.amazonaws.com/${userPoolId}`, expect.stringMatching(new RegExp(`:CognitoSignIn:[0-9a-f-]+$`))]);
    expect(claims.exp! - claims.iat!).toBe(600);
  });

  it("a user's token becomes the authenticated role's credentials, which reach their own folder only", async () => {
    const { identityId, token } = await openIdToken(await t.idToken('classic'));
    const out = await assume(roles.authenticated, token, 'vault-classic');
    expect(out).toMatchObject({
      SubjectFromWebIdentityToken: identityId,
      Audience: identityPoolId,
      Provider: 'cognito-identity.amazonaws.com',
      AssumedRoleUser: { Arn: `arn:aws:sts::${t.assembly.accountId}:assumed-role/${roles.authenticated.split('/').pop()}/vault-classic` },
    });
    expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(3000 * 1000);
    const credentials = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    const s3 = new S3Client({ region: t.region, endpoint: t.cloud.url, forcePathStyle: true, maxAttempts: 1, credentials });
    await s3.send(new PutObjectCommand({ Bucket: t.bucket, Key: `private/${identityId}/classic.txt`, Body: 'basic flow' }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: t.bucket, Key: `private/${identityId}/classic.txt` }))).Body!.transformToString()).toBe('basic flow');
    const other = await t.user('classic-other');
    await expect(s3.send(new GetObjectCommand({ Bucket: t.bucket, Key: `private/${other.identityId}/x.txt` }))).rejects.toMatchObject({ name: 'AccessDenied' });
    expect((await stsClient(credentials).send(new GetCallerIdentityCommand({}))).Arn).toBe(out.AssumedRoleUser!.Arn);
  });

  it('the AWS CLI assumes the role with the token', async () => {
    const { identityId, token } = await openIdToken(await t.idToken('classic-cli'));
    const env = { PATH: process.env.PATH, HOME: root, AWS_CONFIG_FILE: join(root, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(root, 'none'), AWS_DEFAULT_REGION: t.region, AWS_PAGER: '' };
    const args = ['sts', 'assume-role-with-web-identity', '--role-arn', roles.authenticated, '--role-session-name', 'cli', '--web-identity-token', token, '--endpoint-url', t.cloud.url, '--output', 'json'];
    const out = JSON.parse((await run('/usr/bin/aws', args, { env })).stdout);
    expect(out).toMatchObject({ SubjectFromWebIdentityToken: identityId, Credentials: { AccessKeyId: expect.stringMatching(/^ASIA/) } });
  });

  it("evaluates the role's trust policy: a guest gets the guest role, not the authenticated one", async () => {
    const guest = await openIdToken();
    expect(decodeJwt(guest.token).amr).toEqual(['unauthenticated']);
    await expect(assume(roles.unauthenticated, guest.token)).resolves.toMatchObject({ SubjectFromWebIdentityToken: guest.identityId });
    await expect(assume(roles.authenticated, guest.token)).rejects.toMatchObject({
      name: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(assume(`arn:aws:iam::${t.assembly.accountId}:role/no-such-role`, guest.token)).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses tokens it did not issue: a tampered one, a user-pool id token', async () => {
    const { token } = await openIdToken();
    const [h, , s] = token.split('.');
    const forged = [h, Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: `${t.region}:00000000-0000-0000-0000-000000000000` })).toString('base64url'), s].join('.');
    await expect(assume(roles.unauthenticated, forged)).rejects.toMatchObject({ name: 'InvalidIdentityTokenException', $metadata: { httpStatusCode: 400 } });
    await expect(assume(roles.unauthenticated, await t.idToken('wrong-issuer'))).rejects.toMatchObject({
      name: 'InvalidIdentityTokenException',
      message: `No OpenIDConnect provider found in your account for https://cognito-idp.${t.region}.amazonaws.com/${userPoolId}`,
    });
    await expect(stsClient().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roles.unauthenticated, WebIdentityToken: token, RoleSessionName: 'x' }))).rejects.toMatchObject({ // a session name of one character
      name: 'ValidationError',
    });
  });

  it('an expired token: 400 ExpiredTokenException, worded as STS words it (the SDK, boto3)', async () => {
    const { token } = await openIdToken(await t.idToken('classic-expired'));
    const { exp } = decodeJwt(token);
    clock.ahead = 600 * 1000; // the token's ten minutes are over: now = exp is already too late
    try {
      const error = await assume(roles.authenticated, token).catch((e) => e);
      expect(error).toMatchObject({ name: 'ExpiredTokenException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
      const now = Math.floor(clock.now().getTime() / 1000);
      const worded = /^Token expired: current date\/time (\d+) must be before the expiration date\/time (\d+)$/.exec(error.message);
      expect(worded, error.message).not.toBeNull();
      const [, current, expiration] = worded!;
      expect(Number(expiration)).toBe(exp);
      expect(Number(current)).toBeGreaterThanOrEqual(exp!);
      expect(Number(current)).toBeLessThanOrEqual(now);
      const script = [
        'import boto3, sys',
        "sts = boto3.client('sts', region_name=sys.argv[1], endpoint_url=sys.argv[2], aws_access_key_id='x', aws_secret_access_key='x')",
        'try:',
        "    sts.assume_role_with_web_identity(RoleArn=sys.argv[3], RoleSessionName='py', WebIdentityToken=sys.argv[4])",
        'except sts.exceptions.ExpiredTokenException as e:',
        "    print(e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'])",
      ].join('\n');
      const env = { PATH: process.env.PATH, HOME: root, AWS_CONFIG_FILE: join(root, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(root, 'none') };
      const { stdout } = await run('/usr/bin/python3', ['-c', script, t.region, t.cloud.url, roles.authenticated, token], { env });
      expect(stdout.trim()).toBe('ExpiredTokenException 400');
    } finally {
      clock.ahead = 0;
    }
    // A minute before its expiry the same token is still good.
    clock.ahead = (exp! - 60) * 1000 - Date.now();
    try {
      await expect(assume(roles.authenticated, token)).resolves.toMatchObject({ Audience: identityPoolId });
    } finally {
      clock.ahead = 0;
    }
  });
});
