import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AmplifyClient,
  CreateAppCommand,
  CreateBranchCommand,
  DeleteAppCommand,
  DeleteBranchCommand,
  GetAppCommand,
  GetBranchCommand,
  ListAppsCommand,
  ListBranchesCommand,
  StartJobCommand,
  UpdateBranchCommand,
} from '@aws-sdk/client-amplify';
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSEMBLY_DIR } from '../../scripts/synth-context';
import { loadOperatorKey, operatorEnvironment } from '../bootstrap';
import { type LocalCloud, startLocalCloud } from '../server';

/**
 * Amplify Hosting's apps and branches against the real server, with the AWS SDK's Amplify client (the one ampx and
 * the branch linker's Lambda use) and the AWS CLI; then the branch linker as a branch deployment runs it.
 */
let cloud: LocalCloud;
let state: string;
let amplify: AmplifyClient;
let cfn: CloudFormationClient;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'amplify-'));
  cloud = await startLocalCloud({ stateDir: state, assemblyDir: ASSEMBLY_DIR, port: 0, oauthPort: false });
  const credentials = loadOperatorKey(state);
  amplify = new AmplifyClient({ endpoint: cloud.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  cfn = new CloudFormationClient({ endpoint: cloud.url, region: 'us-east-1', credentials, maxAttempts: 1 });
}, 120_000);

afterAll(async () => {
  await cloud?.close();
  rmSync(state, { recursive: true, force: true });
});

async function settled(name: string): Promise<Stack> {
  for (;;) {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    if (!Stacks![0].StackStatus!.endsWith('_IN_PROGRESS')) return Stacks![0];
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** What a branch deployment's root stack holds for the linker (its provider function is irrelevant offline). */
function linkerTemplate(appId: string, branchName: string): string {
  return JSON.stringify({
    Resources: {
      AmplifyBranchLinkerCustomResource96E36FC1: {
        Type: 'Custom::AmplifyBranchLinkerResource',
        Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:linker-framework', appId, branchName },
      },
    },
  });
}

describe('Amplify apps and branches in the local cloud', () => {
  it('creates, reads, lists, updates and deletes apps and branches as the Amplify API does', async () => {
    const name = `vault-${randomInt(1e9)}`;
    const { app } = await amplify.send(new CreateAppCommand({ name, platform: 'WEB' }));
    expect(app).toMatchObject({ name, platform: 'WEB', enableBranchAutoBuild: false, defaultDomain: `${app!.appId}.amplifyapp.com` });
    expect(app!.appId).toMatch(/^d[a-z0-9]{13}$/);
    expect(app!.appArn).toBe(`arn:aws:amplify:us-east-1:000000000000:apps/${app!.appId}`);
    expect(app!.createTime).toBeInstanceOf(Date);
    const appId = app!.appId!;
    expect((await amplify.send(new GetAppCommand({ appId }))).app?.name).toBe(name);
    expect((await amplify.send(new ListAppsCommand({ maxResults: 100 }))).apps?.map((a) => a.appId)).toContain(appId);

    // Branch names may hold a slash (release/1.0): one path segment, percent-encoded.
    for (const branchName of ['main', 'release/1.0']) {
      const { branch } = await amplify.send(new CreateBranchCommand({ appId, branchName, stage: 'PRODUCTION' }));
      expect(branch).toMatchObject({ branchName, stage: 'PRODUCTION', branchArn: `${app!.appArn}/branches/${branchName}` });
    }
    await expect(amplify.send(new CreateBranchCommand({ appId, branchName: 'main' }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: `Failed to create branch. The branch main already exists for the app ${appId}`,
    });
    expect((await amplify.send(new GetBranchCommand({ appId, branchName: 'release/1.0' }))).branch?.branchName).toBe('release/1.0');
    const updated = await amplify.send(new UpdateBranchCommand({ appId, branchName: 'main', description: 'production', backend: { stackArn: 'arn:aws:cloudformation:us-east-1:000000000000:stack/x/1' } }));
    expect(updated.branch).toMatchObject({ description: 'production', stage: 'PRODUCTION', backend: { stackArn: 'arn:aws:cloudformation:us-east-1:000000000000:stack/x/1' } });
    const listed = await amplify.send(new ListBranchesCommand({ appId, maxResults: 1 }));
    expect(listed.branches).toHaveLength(1);
    const rest = await amplify.send(new ListBranchesCommand({ appId, maxResults: 1, nextToken: listed.nextToken }));
    expect([...listed.branches!, ...rest.branches!].map((b) => b.branchName)).toEqual(['main', 'release/1.0']);
    expect(rest.nextToken).toBeUndefined();

    await amplify.send(new DeleteBranchCommand({ appId, branchName: 'release/1.0' }));
    await expect(amplify.send(new GetBranchCommand({ appId, branchName: 'release/1.0' }))).rejects.toMatchObject({ name: 'NotFoundException', message: 'Branch release/1.0 not found.' });
    await amplify.send(new DeleteAppCommand({ appId }));
    await expect(amplify.send(new GetAppCommand({ appId }))).rejects.toMatchObject({ name: 'NotFoundException', message: `App ${appId} not found.`, $metadata: { httpStatusCode: 404 } });
    await expect(amplify.send(new GetBranchCommand({ appId, branchName: 'main' }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('refuses bad input, unknown keys and operations it does not emulate, AWS-shaped', async () => {
    await expect(amplify.send(new GetAppCommand({ appId: 'NOT-AN-ID' }))).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('d[a-z0-9]+') });
    await expect(amplify.send(new CreateAppCommand({ name: '' }))).rejects.toMatchObject({ name: 'BadRequestException' });
    const { app } = await amplify.send(new CreateAppCommand({ name: 'jobs' }));
    await expect(amplify.send(new CreateBranchCommand({ appId: app!.appId, branchName: 'x', stage: 'NOPE' as never }))).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(amplify.send(new StartJobCommand({ appId: app!.appId, branchName: 'main', jobType: 'RELEASE' }))).rejects.toMatchObject({
      name: 'UnsupportedOperationException',
      $metadata: { httpStatusCode: 501 },
    });
    const stranger = new AmplifyClient({ endpoint: cloud.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) }, maxAttempts: 1 });
    await expect(stranger.send(new ListAppsCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    // IAM decides: the CDK lookup role may read (amplify:Get*, List*), not create.
    const lookup = cloud.context.iam.issueRoleCredentials({ roleArn: 'cdk-hnb659fds-lookup-role-000000000000-us-east-1', sessionName: 'lookup', durationSeconds: 900 });
    const reader = new AmplifyClient({ endpoint: cloud.url, region: 'us-east-1', credentials: lookup, maxAttempts: 1 });
    expect((await reader.send(new GetAppCommand({ appId: app!.appId }))).app?.name).toBe('jobs');
    await expect(reader.send(new CreateAppCommand({ name: 'not-allowed' }))).rejects.toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('amplify:CreateApp') });
    // GET /apps signed for s3 is S3's (a bucket named `apps`): only requests signed for amplify reach the Amplify API.
    const s3 = new S3Client({ endpoint: cloud.url, region: 'us-east-1', credentials: loadOperatorKey(state), forcePathStyle: true, maxAttempts: 1 });
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'apps' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('answers the AWS CLI 2.9 (create-app, create-branch, get-branch; --endpoint-url, it predates AWS_ENDPOINT_URL)', async () => {
    const env = { ...process.env, ...operatorEnvironment(state, { region: 'us-east-1', endpointUrl: cloud.url }), AWS_PAGER: '' };
    const aws = (args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((done) =>
        execFile('/usr/bin/aws', [...args, '--endpoint-url', cloud.url, '--output', 'json'], { env }, (error, out, err) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err })),
      );
    const created = await aws(['amplify', 'create-app', '--name', 'cli-app']);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const appId = JSON.parse(created.out).app.appId;
    expect((await aws(['amplify', 'create-branch', '--app-id', appId, '--branch-name', 'feature/x'])).code).toBe(0);
    expect(JSON.parse((await aws(['amplify', 'get-branch', '--app-id', appId, '--branch-name', 'feature/x'])).out).branch.branchName).toBe('feature/x');
    const missing = await aws(['amplify', 'get-branch', '--app-id', appId, '--branch-name', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('An error occurred (NotFoundException) when calling the GetBranch operation: Branch nope not found.');
  }, 60_000);
});

describe('the branch linker of a branch deployment (Custom::AmplifyBranchLinkerResource)', () => {
  it('fails the stack when the Amplify branch does not exist, with the Lambda\'s message, and rolls back', async () => {
    const { app } = await amplify.send(new CreateAppCommand({ name: 'linker-missing' }));
    const before = cloud.services;
    for (const [appId, message] of [
      [app!.appId!, 'Branch feature not found.'],
      ['dnosuchapp00000', 'App dnosuchapp00000 not found.'],
    ]) {
      const name = `linker-fail-${randomInt(1e9)}`;
      await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: linkerTemplate(appId, 'feature') }));
      expect((await settled(name)).StackStatus).toBe('ROLLBACK_COMPLETE');
      const { StackEvents } = await cfn.send(new DescribeStackEventsCommand({ StackName: name }));
      const failed = StackEvents!.find((e) => e.ResourceStatus === 'CREATE_FAILED');
      expect(failed).toMatchObject({ LogicalResourceId: 'AmplifyBranchLinkerCustomResource96E36FC1', ResourceType: 'Custom::AmplifyBranchLinkerResource' });
      expect(failed!.ResourceStatusReason).toMatch(new RegExp(`^Received response status \\[FAILED\\] from custom resource\\. Message returned: ${message.replace(/\./g, '\\.')}\\n`));
      await cfn.send(new DeleteStackCommand({ StackName: name }));
    }
    expect(cloud.services).toBe(before);
  });

  it('records the stack on its branch (backend.stackArn) and takes it off when the stack is deleted', async () => {
    const { app } = await amplify.send(new CreateAppCommand({ name: 'linker-ok' }));
    const appId = app!.appId!;
    await amplify.send(new CreateBranchCommand({ appId, branchName: 'main', description: 'kept' }));
    const name = `linker-ok-${randomInt(1e9)}`;
    await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: linkerTemplate(appId, 'main') }));
    const stack = await settled(name);
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect((await amplify.send(new GetBranchCommand({ appId, branchName: 'main' }))).branch).toMatchObject({ description: 'kept', backend: { stackArn: stack.StackId } });
    await cfn.send(new DeleteStackCommand({ StackName: name }));
    expect((await settled(stack.StackId!)).StackStatus).toBe('DELETE_COMPLETE');
    const { branch } = await amplify.send(new GetBranchCommand({ appId, branchName: 'main' }));
    expect(branch?.backend?.stackArn).toBeUndefined();
    expect(branch?.description).toBe('kept');
  });
});
