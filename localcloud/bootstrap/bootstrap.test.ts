import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetBucketEncryptionCommand, GetBucketLocationCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteParameterCommand, GetParameterCommand, GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizedAssembly } from '../lambda/testing/synthesized';
import { type LocalCloud, startLocalCloud } from '../server';
import { assetsBucketName, bootstrapRoleName, BOOTSTRAP_VERSION_PARAMETER, loadOperatorKey, operatorEnvironment, operatorFiles } from '.';

/**
 * What the CDK toolkit and ampx find in every local account before any
 * deploy: the operator profile, STS AssumeRole into the bootstrap roles, the
 * bootstrap version parameter, the assets bucket — with the AWS SDK v3 reading
 * the profile files the local cloud wrote, and the AWS CLI.
 */
const run = promisify(execFile);
let cloud: LocalCloud;
let state: string;
let endpoint: string;
let account: string;
let region: string;

/** The profile's key, as the credentials file has it. */
const operator = () => loadOperatorKey(state);

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'localcloud-bootstrap-'));
  cloud = await startLocalCloud({ stateDir: state, assemblyDir: synthesizedAssembly().directory, port: 0, oauthPort: false });
  endpoint = `http://127.0.0.1:${cloud.port}`;
  account = cloud.context.assembly.accountId;
  region = cloud.context.assembly.region;
}, 120_000);

afterAll(async () => {
  await cloud?.close();
  rmSync(state, { recursive: true, force: true });
});

describe('the operator credential', () => {
  it('is written once per state folder as the profile `localcloud`, readable by its owner only, and kept across restarts', async () => {
    const { credentialsFile, configFile } = operatorFiles(state);
    const first = readFileSync(credentialsFile, 'utf8');
    expect(first).toMatch(/^\[localcloud\]\naws_access_key_id = AKIA[A-Z2-7]{16}\naws_secret_access_key = \S+\n$/);
    expect(statSync(credentialsFile).mode & 0o077).toBe(0);
    expect(readFileSync(configFile, 'utf8')).toContain(`endpoint_url = ${endpoint}`);
    const again = await startLocalCloud({ stateDir: state, assemblyDir: synthesizedAssembly().directory, port: 0, oauthPort: false });
    try {
      expect(readFileSync(credentialsFile, 'utf8')).toBe(first);
      const sts = new STSClient({ endpoint: `http://127.0.0.1:${again.port}`, region, credentials: operator() });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(account);
    } finally {
      await again.close();
    }
  });

  it('is the IAM user localcloud-operator to GetCallerIdentity (AWS SDK v3 with the profile key)', async () => {
    const sts = new STSClient({ endpoint, region, credentials: operator() });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(account);
    expect(me.Arn).toBe(`arn:aws:iam::${account}:user/localcloud-operator`);
    expect(me.UserId).toMatch(/^AIDA/);
  });

  it('is verified by SigV4: a wrong secret is SignatureDoesNotMatch, an unknown key InvalidClientTokenId', async () => {
    const key = operator();
    const wrong = new STSClient({ endpoint, region, credentials: { accessKeyId: key.accessKeyId, secretAccessKey: `${key.secretAccessKey}x` } });
    await expect(wrong.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    const unknown = new STSClient({ endpoint, region, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: key.secretAccessKey } });
    await expect(unknown.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it('works for the AWS CLI through the environment `npm run sandbox` sets', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: state, ...operatorEnvironment(state, { region, endpointUrl: endpoint }) };
    const { stdout } = await run('/usr/bin/aws', ['--endpoint-url', endpoint, 'sts', 'get-caller-identity', '--output', 'json'], { env });
    expect(JSON.parse(stdout)).toMatchObject({ Account: account, Arn: `arn:aws:iam::${account}:user/localcloud-operator` });
  });
});

describe('STS AssumeRole into the CDK bootstrap roles', () => {
  const sts = () => new STSClient({ endpoint, region, credentials: operator() });

  it.each(['deploy', 'file-publishing', 'lookup'] as const)('the operator assumes the %s role; the session is that role', async (kind) => {
    const roleArn = `arn:aws:iam::${account}:role/${bootstrapRoleName(kind, account, region)}`;
    const assumed = await sts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'aws-cdk-me' }));
    expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${account}:assumed-role/${bootstrapRoleName(kind, account, region)}/aws-cdk-me`);
    const c = assumed.Credentials!;
    const asRole = new STSClient({ endpoint, region, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
    expect((await asRole.send(new GetCallerIdentityCommand({}))).Arn).toBe(assumed.AssumedRoleUser?.Arn);
  });

  it('the cfn-exec role trusts CloudFormation only: AccessDenied to the operator', async () => {
    const roleArn = `arn:aws:iam::${account}:role/${bootstrapRoleName('cfn-exec', account, region)}`;
    await expect(sts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'me' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${account}:user/localcloud-operator is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    });
  });

  it('a role that does not exist, and a session whose policies do not allow sts:AssumeRole, are AccessDenied', async () => {
    await expect(sts().send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/nope`, RoleSessionName: 'me' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    const deploy = `arn:aws:iam::${account}:role/${bootstrapRoleName('deploy', account, region)}`;
    const c = (await sts().send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${bootstrapRoleName('lookup', account, region)}`, RoleSessionName: 'me' }))).Credentials!;
    const lookup = new STSClient({ endpoint, region, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
    await expect(lookup.send(new AssumeRoleCommand({ RoleArn: deploy, RoleSessionName: 'me' }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('bad input is a ValidationError', async () => {
    const deploy = `arn:aws:iam::${account}:role/${bootstrapRoleName('deploy', account, region)}`;
    await expect(sts().send(new AssumeRoleCommand({ RoleArn: deploy, RoleSessionName: 'bad name!' }))).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(sts().send(new AssumeRoleCommand({ RoleArn: deploy, RoleSessionName: 'me', DurationSeconds: 60 }))).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(sts().send(new AssumeRoleCommand({ RoleArn: deploy, RoleSessionName: 'me', DurationSeconds: 7200 }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
  });
});

describe('the CDK bootstrap resources', () => {
  it('SSM has /cdk-bootstrap/hnb659fds/version for the deploy role; it is read-only', async () => {
    const ssm = new SSMClient({ endpoint, region, credentials: operator() });
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: BOOTSTRAP_VERSION_PARAMETER }));
    expect(Number(Parameter?.Value)).toBeGreaterThanOrEqual(6);
    await expect(ssm.send(new DeleteParameterCommand({ Name: BOOTSTRAP_VERSION_PARAMETER }))).rejects.toMatchObject({ name: 'UnsupportedOperationException' });
  });

  it('the assets bucket answers GetBucketLocation, GetBucketEncryption, PutObject and ListObjectsV2 for the file-publishing role, path style on 127.0.0.1', async () => {
    const sts = new STSClient({ endpoint, region, credentials: operator() });
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${bootstrapRoleName('file-publishing', account, region)}`, RoleSessionName: 'publish' }))).Credentials!;
    const requests: string[] = [];
    // No forcePathStyle: with an IP address endpoint the SDK addresses the bucket in the path by itself.
    const s3 = new S3Client({ endpoint, region, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
    s3.middlewareStack.add((next) => async (args) => {
      const request = args.request as { hostname: string; path: string };
      requests.push(`${request.hostname}${request.path}`);
      return next(args);
    }, { step: 'finalizeRequest' });
    const Bucket = assetsBucketName(account, region);
    expect((await s3.send(new GetBucketLocationCommand({ Bucket }))).LocationConstraint ?? '').toBe(region === 'us-east-1' ? '' : region);
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
    await s3.send(new PutObjectCommand({ Bucket, Key: 'abc123.json', Body: '{"Resources":{}}' }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'abc' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['abc123.json']);
    expect(requests.every((r) => r.startsWith(`127.0.0.1/${Bucket}`))).toBe(true);
  });
});

describe('SSM DeleteParameter (ampx sandbox secret remove)', () => {
  it('deletes a secret with all its versions; a second delete is ParameterNotFound', async () => {
    const ssm = new SSMClient({ endpoint, region, credentials: operator() });
    const Name = '/amplify/amplifyvault/me-sandbox-0123456789/GOOGLE_CLIENT_ID';
    await ssm.send(new PutParameterCommand({ Name, Value: 'one', Type: 'SecureString' }));
    await ssm.send(new PutParameterCommand({ Name, Value: 'two', Type: 'SecureString', Overwrite: true }));
    const listed = await ssm.send(new GetParametersByPathCommand({ Path: '/amplify/amplifyvault/me-sandbox-0123456789/', WithDecryption: true }));
    expect(listed.Parameters?.map((p) => [p.Name, p.Value])).toEqual([[Name, 'two']]);
    await ssm.send(new DeleteParameterCommand({ Name }));
    await expect(ssm.send(new GetParameterCommand({ Name }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    await expect(ssm.send(new DeleteParameterCommand({ Name }))).rejects.toMatchObject({ name: 'ParameterNotFound', message: `Parameter ${Name} not found.` });
  });
});
