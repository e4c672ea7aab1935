import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSEMBLY_DIR } from '../../scripts/synth-context';
import { IdentityStore } from '../cognito-identity/identity-store';
import { codeZip } from '../lambda/testing/zip';
import { startLocalCloud, type LocalCloud } from '../server';

/**
 * CloudFormation against the real server: the synthesized templates uploaded
 * to the local S3 (the CDK bootstrap bucket, where the toolkit puts them),
 * deployed with the AWS SDK's CloudFormation client, then the deployed
 * backend used with the Cognito client.
 */
const PASSWORD = 'Correct-horse-battery-9!';
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;
const ASSETS_BUCKET = 'cdk-hnb659fds-assets-000000000000-us-east-1';
/** The CDK bootstrap's deploy role (present in every local account): CloudFormation, and the assets bucket. */
const DEPLOY_ROLE = 'cdk-hnb659fds-deploy-role-000000000000-us-east-1';

let cloud: LocalCloud;
let stateDir: string;
let cfn: CloudFormationClient;
let idp: CognitoIdentityProviderClient;
let s3: S3Client;
let rootTemplate: string;
let rootTemplateUrl: string;

/** Uploads a template to the local S3's assets bucket, as the toolkit does; its URL as the toolkit names it. */
async function upload(key: string, body: string): Promise<string> {
  await s3.send(new PutObjectCommand({ Bucket: ASSETS_BUCKET, Key: key, Body: body, ContentType: 'application/json' }));
  return `https://s3.us-east-1.amazonaws.com/${ASSETS_BUCKET}/${key}`;
}

async function settled(name: string): Promise<Stack> {
  for (;;) {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    if (!Stacks![0].StackStatus!.endsWith('_IN_PROGRESS')) return Stacks![0];
    await new Promise((done) => setTimeout(done, 20));
  }
}

async function resourcesOf(stackName: string): Promise<{ type: string; id: string; logicalId: string }[]> {
  const { StackResourceSummaries } = await cfn.send(new ListStackResourcesCommand({ StackName: stackName }));
  return StackResourceSummaries!.map((r) => ({ type: r.ResourceType!, id: r.PhysicalResourceId!, logicalId: r.LogicalResourceId! }));
}

/** The deployed backend's user pool and its app client, from the auth nested stack's resources. */
async function poolOf(stackName: string): Promise<{ poolId: string; clientId: string }> {
  const nested = (await resourcesOf(stackName)).filter((r) => r.type === 'AWS::CloudFormation::Stack');
  for (const stack of nested) {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stack.id }));
    const resources = await resourcesOf(Stacks![0].StackName!);
    const pool = resources.find((r) => r.type === 'AWS::Cognito::UserPool');
    const client = resources.find((r) => r.type === 'AWS::Cognito::UserPoolClient');
    if (pool && client) return { poolId: pool.id, clientId: client.id };
  }
  throw new Error(`no user pool in ${stackName}`);
}

function signUp(clientId: string, email: string) {
  return idp.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: email,
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'phone_number', Value: `+1555${String(randomInt(1e7)).padStart(7, '0')}` },
      ],
    }),
  );
}

async function create(name: string, templateUrl = rootTemplateUrl): Promise<Stack> {
  await cfn.send(new CreateStackCommand({ StackName: name, TemplateURL: templateUrl, Capabilities: [...CAPABILITIES] }));
  return settled(name);
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'cfn-'));
  cloud = await startLocalCloud({ stateDir, assemblyDir: ASSEMBLY_DIR, port: 0, oauthPort: false });
  const credentials = cloud.context.iam.issueRoleCredentials({ roleArn: DEPLOY_ROLE, sessionName: 'deploy', durationSeconds: 3600 });
  cfn = new CloudFormationClient({ endpoint: cloud.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  idp = new CognitoIdentityProviderClient({ endpoint: cloud.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  s3 = new S3Client({ endpoint: cloud.url, region: 'us-east-1', credentials, forcePathStyle: true });

  // The synthesized templates, where the toolkit uploads them: the nested ones under the keys the root names.
  const manifest = JSON.parse(readFileSync(join(ASSEMBLY_DIR, 'manifest.json'), 'utf8'));
  for (const artifact of Object.values<any>(manifest.artifacts)) {
    if (artifact.type !== 'cdk:asset-manifest') continue;
    const assets = JSON.parse(readFileSync(join(ASSEMBLY_DIR, artifact.properties.file), 'utf8'));
    for (const file of Object.values<any>(assets.files)) {
      if (!String(file.source.path).endsWith('.json')) continue;
      for (const destination of Object.values<any>(file.destinations)) await upload(destination.objectKey, readFileSync(join(ASSEMBLY_DIR, file.source.path), 'utf8'));
    }
  }
  const root = Object.values<any>(manifest.artifacts).find((a) => a.type === 'aws:cloudformation:stack');
  rootTemplate = readFileSync(join(ASSEMBLY_DIR, root.properties.templateFile), 'utf8');
  rootTemplateUrl = await upload('root-template.json', rootTemplate);
}, 120_000);

afterAll(async () => {
  await cloud?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('CloudFormation in the local cloud', () => {
  it('answers DescribeStacks for an unknown stack with the exact text the toolkit compares', async () => {
    await expect(cfn.send(new DescribeStacksCommand({ StackName: 'nothing-here' }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id nothing-here does not exist',
    });
  });

  it('refuses a template with IAM resources without the capability, as CloudFormation does', async () => {
    await expect(cfn.send(new CreateStackCommand({ StackName: 'no-caps', TemplateURL: rootTemplateUrl }))).rejects.toMatchObject({
      name: 'InsufficientCapabilitiesException',
      message: expect.stringMatching(/^Requires capabilities : \[CAPABILITY_(NAMED_)?IAM\]$/),
    });
  });

  it('refuses credentials it did not issue, and callers whose role does not allow the action', async () => {
    const stranger = new CloudFormationClient({ endpoint: cloud.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIANOTISSUED', secretAccessKey: 'x' } });
    await expect(stranger.send(new ListStacksCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    const appRole = cloud.context.assembly.ofType('AWS::IAM::Role')[0];
    const c = cloud.context.iam.issueRoleCredentials({ roleArn: appRole.arn!, sessionName: 'app', durationSeconds: 900 });
    const app = new CloudFormationClient({ endpoint: cloud.url, region: 'us-east-1', maxAttempts: 1, credentials: c });
    await expect(app.send(new CreateStackCommand({ StackName: 'by-app', TemplateBody: '{}' }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('creates, describes, updates and deletes a backend from the synthesized templates, keeping its users across updates', async () => {
    const name = `vault-a-${randomInt(1e6)}`;
    const created = await create(name);
    expect(created.StackStatus).toBe('CREATE_COMPLETE');
    expect(created.StackId).toMatch(new RegExp(`^arn:aws:cloudformation:us-east-1:000000000000:stack/${name}/[0-9a-f-]{36}$`));
    expect(created.Outputs!.length).toBeGreaterThan(0);

    // Nested stacks are stacks of their own, with their parent and root.
    const nested = (await resourcesOf(name)).filter((r) => r.type === 'AWS::CloudFormation::Stack');
    expect(nested.length).toBe(Object.values<any>(JSON.parse(rootTemplate).Resources).filter((r) => r.Type === 'AWS::CloudFormation::Stack').length);
    expect(nested.length).toBeGreaterThan(1);
    const { Stacks: [child] = [] } = await cfn.send(new DescribeStacksCommand({ StackName: nested[0].id }));
    expect(child).toMatchObject({ StackStatus: 'CREATE_COMPLETE', ParentId: created.StackId, RootId: created.StackId });
    const childTemplate = await cfn.send(new GetTemplateCommand({ StackName: child.StackName }));
    expect(JSON.parse(childTemplate.TemplateBody!).Resources).toBeDefined();

    const { StackEvents } = await cfn.send(new DescribeStackEventsCommand({ StackName: name }));
    expect(StackEvents![0]).toMatchObject({ LogicalResourceId: name, ResourceStatus: 'CREATE_COMPLETE', ResourceType: 'AWS::CloudFormation::Stack' });
    expect(StackEvents!.at(-1)).toMatchObject({ ResourceStatus: 'CREATE_IN_PROGRESS', ResourceStatusReason: 'User Initiated' });

    const summary = await cfn.send(new GetTemplateSummaryCommand({ StackName: name }));
    expect(typeof summary.Metadata).toBe('string');
    expect(JSON.parse(summary.Metadata!)).toHaveProperty('AWS::Amplify::Auth');

    // The deployed pool serves sign-ups.
    const { poolId, clientId } = await poolOf(name);
    const email = `ada-${randomInt(1e9)}@example.com`;
    await signUp(clientId, email);

    // Nothing changed: CloudFormation's own ValidationError.
    await expect(cfn.send(new UpdateStackCommand({ StackName: name, TemplateURL: rootTemplateUrl, Capabilities: [...CAPABILITIES] }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'No updates are to be performed.',
    });

    // A changed template (one parameter more): the pool and its user stay.
    const changed = JSON.parse(rootTemplate);
    changed.Resources.ExtraParameter = { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'added' } };
    await cfn.send(new UpdateStackCommand({ StackName: name, TemplateBody: JSON.stringify(changed), Capabilities: [...CAPABILITIES] }));
    const updated = await settled(name);
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE');
    expect((await resourcesOf(name)).some((r) => r.logicalId === 'ExtraParameter')).toBe(true);
    expect((await poolOf(name)).poolId).toBe(poolId);
    await expect(signUp(clientId, email)).rejects.toMatchObject({ name: 'UsernameExistsException' });

    // An identity with a login (its login row references it: the delete must remove both).
    let identityPoolId = '';
    for (const stack of (await resourcesOf(name)).filter((r) => r.type === 'AWS::CloudFormation::Stack')) {
      const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stack.id }));
      identityPoolId ||= (await resourcesOf(Stacks![0].StackName!)).find((r) => r.type === 'AWS::Cognito::IdentityPool')?.id ?? '';
    }
    new IdentityStore(cloud.context.store.db).create(identityPoolId, 'us-east-1', [`cognito-idp.us-east-1.amazonaws.com/${poolId}`]);

    // Delete: the stack, its pools, the pool's users and the identities are gone.
    await cfn.send(new DeleteStackCommand({ StackName: name }));
    const deleted = await settled(created.StackId!);
    expect(deleted.StackStatus).toBe('DELETE_COMPLETE');
    await expect(cfn.send(new DescribeStacksCommand({ StackName: name }))).rejects.toMatchObject({ message: `Stack with id ${name} does not exist` });
    await expect(signUp(clientId, `grace-${randomInt(1e9)}@example.com`)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const rows = cloud.context.store.db.prepare('SELECT COUNT(*) AS n FROM cognito_users WHERE pool_id = ?').get(poolId) as { n: number };
    expect(rows.n).toBe(0);
    const identities = cloud.context.store.db.prepare('SELECT COUNT(*) AS n FROM cognito_identity_logins WHERE pool_id = ?').get(identityPoolId) as { n: number };
    expect(identities.n).toBe(0);
    const { StackSummaries } = await cfn.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }));
    expect(StackSummaries!.some((s) => s.StackId === created.StackId)).toBe(true);
  }, 120_000);

  it('keeps two stacks of the same backend apart: different pools, the same email in each', async () => {
    const [a, b] = [`branch-a-${randomInt(1e6)}`, `branch-b-${randomInt(1e6)}`];
    await create(a);
    await create(b);
    const [poolA, poolB] = [await poolOf(a), await poolOf(b)];
    expect(poolA.poolId).not.toBe(poolB.poolId);
    const email = `twin-${randomInt(1e9)}@example.com`;
    await signUp(poolA.clientId, email);
    await signUp(poolB.clientId, email); // not taken in b
    await cfn.send(new DeleteStackCommand({ StackName: a }));
    await cfn.send(new DeleteStackCommand({ StackName: b }));
    await settled((await cfn.send(new ListStacksCommand({}))).StackSummaries!.find((s) => s.StackName === b)!.StackId!);
  }, 120_000);

  it("runs a function from its code zip in the local S3 (unpacked into the state folder) as the deployed pool's trigger", async () => {
    const key = `${randomBytes(32).toString('hex')}.zip`;
    const zip = codeZip({ 'index.js': "exports.handler = async () => { throw new Error('refused by the deployed zip'); };" });
    await s3.send(new PutObjectCommand({ Bucket: ASSETS_BUCKET, Key: key, Body: zip }));
    const template = (codeKey: string) => ({
      Resources: {
        TriggerRole: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } },
        },
        Trigger: {
          Type: 'AWS::Lambda::Function',
          Properties: { Runtime: 'nodejs20.x', Handler: 'index.handler', Role: { 'Fn::GetAtt': ['TriggerRole', 'Arn'] }, Code: { S3Bucket: ASSETS_BUCKET, S3Key: codeKey } },
        },
        Pool: { Type: 'AWS::Cognito::UserPool', Properties: { LambdaConfig: { PreSignUp: { 'Fn::GetAtt': ['Trigger', 'Arn'] } } } },
        Client: { Type: 'AWS::Cognito::UserPoolClient', Properties: { UserPoolId: { Ref: 'Pool' } } },
        Invoke: {
          Type: 'AWS::Lambda::Permission',
          Properties: { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': ['Trigger', 'Arn'] }, Principal: 'cognito-idp.amazonaws.com', SourceArn: { 'Fn::GetAtt': ['Pool', 'Arn'] } },
        },
      },
    });
    const name = `zipped-${randomInt(1e6)}`;
    await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template(key)), Capabilities: ['CAPABILITY_IAM'] }));
    expect((await settled(name)).StackStatus).toBe('CREATE_COMPLETE');
    const clientId = (await resourcesOf(name)).find((r) => r.type === 'AWS::Cognito::UserPoolClient')!.id;
    await expect(
      idp.send(new SignUpCommand({ ClientId: clientId, Username: `zip-${randomInt(1e9)}`, Password: PASSWORD })),
    ).rejects.toMatchObject({ name: 'UserLambdaValidationException', message: 'PreSignUp failed with error refused by the deployed zip.' });
    await cfn.send(new DeleteStackCommand({ StackName: name }));

    // A zip that is not there fails the function as CloudFormation reports it.
    const missing = `missing-${randomInt(1e6)}`;
    await cfn.send(new CreateStackCommand({ StackName: missing, TemplateBody: JSON.stringify(template('0'.repeat(64) + '.zip')), Capabilities: ['CAPABILITY_IAM'] }));
    expect((await settled(missing)).StackStatus).toBe('ROLLBACK_COMPLETE');
    const { StackEvents } = await cfn.send(new DescribeStackEventsCommand({ StackName: missing }));
    expect(StackEvents!.find((e) => e.ResourceStatus === 'CREATE_FAILED')).toMatchObject({ LogicalResourceId: 'Trigger', ResourceStatusReason: expect.stringContaining('S3 Error Code: NoSuchKey') });
    await cfn.send(new DeleteStackCommand({ StackName: missing }));
  }, 60_000);

  it('brings deployed stacks back after a restart of the local cloud (their templates are kept in the state folder)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfn-restart-'));
    const template = { Resources: { Pool: { Type: 'AWS::Cognito::UserPool', Properties: {} }, Client: { Type: 'AWS::Cognito::UserPoolClient', Properties: { UserPoolId: { Ref: 'Pool' } } } } };
    let first: LocalCloud | undefined = await startLocalCloud({ stateDir: dir, assemblyDir: ASSEMBLY_DIR, port: 0, oauthPort: false });
    let second: LocalCloud | undefined;
    try {
      const credentials = first.context.iam.issueRoleCredentials({ roleArn: DEPLOY_ROLE, sessionName: 'deploy', durationSeconds: 3600 });
      const client = (cloudUrl: string) => new CloudFormationClient({ endpoint: cloudUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
      await client(first.url).send(new CreateStackCommand({ StackName: 'kept', TemplateBody: JSON.stringify(template) }));
      const saved = cfn;
      cfn = client(first.url);
      await settled('kept').finally(() => (cfn = saved));
      await first.close();
      first = undefined;
      second = await startLocalCloud({ stateDir: dir, assemblyDir: ASSEMBLY_DIR, port: 0, oauthPort: false });
      const { Stacks } = await client(second.url).send(new DescribeStacksCommand({ StackName: 'kept' }));
      expect(Stacks![0].StackStatus).toBe('CREATE_COMPLETE');
      const { StackResourceSummaries } = await client(second.url).send(new ListStackResourcesCommand({ StackName: 'kept' }));
      const poolId = StackResourceSummaries!.find((r) => r.ResourceType === 'AWS::Cognito::UserPool')!.PhysicalResourceId!;
      expect(second.cognitoIdp.pools.all().map((pool) => pool.id)).toContain(poolId);
    } finally {
      await first?.close();
      await second?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('rolls back a stack with a resource type it does not emulate and leaves the running services as they were', async () => {
    const before = cloud.services;
    const name = `unsupported-${randomInt(1e6)}`;
    const template = {
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
        Parameter: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x' } },
      },
    };
    await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }));
    const stack = await settled(name);
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    const { StackEvents } = await cfn.send(new DescribeStackEventsCommand({ StackName: name }));
    const failed = StackEvents!.find((e) => e.ResourceStatus === 'CREATE_FAILED');
    expect(failed).toMatchObject({ LogicalResourceId: 'Queue', ResourceType: 'AWS::SQS::Queue' });
    expect(failed!.ResourceStatusReason).toMatch(/does not emulate resource type AWS::SQS::Queue/);
    expect(StackEvents!.map((e) => e.ResourceStatus)).toContain('ROLLBACK_IN_PROGRESS');
    expect(cloud.services).toBe(before);
    await expect(cfn.send(new UpdateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }))).rejects.toMatchObject({ name: 'ValidationError' });
    await cfn.send(new DeleteStackCommand({ StackName: name }));
  });

  it('rolls back an update that adds a resource type it does not emulate: the deployed backend and its users stay as they were', async () => {
    const name = `unsupported-update-${randomInt(1e6)}`;
    await create(name);
    const { clientId } = await poolOf(name);
    const email = `kept-${randomInt(1e9)}@example.com`;
    await signUp(clientId, email);
    const before = cloud.services;
    const changed = JSON.parse(rootTemplate);
    changed.Resources.Queue = { Type: 'AWS::SQS::Queue', Properties: {} };
    await cfn.send(new UpdateStackCommand({ StackName: name, TemplateBody: JSON.stringify(changed), Capabilities: [...CAPABILITIES] }));
    const stack = await settled(name);
    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const { StackEvents } = await cfn.send(new DescribeStackEventsCommand({ StackName: name }));
    const failed = StackEvents!.find((e) => e.ResourceStatus === 'UPDATE_FAILED');
    expect(failed).toMatchObject({ LogicalResourceId: 'Queue', ResourceType: 'AWS::SQS::Queue' });
    expect(failed!.ResourceStatusReason).toMatch(/does not emulate resource type AWS::SQS::Queue/);
    expect(StackEvents!.filter((e) => e.LogicalResourceId === name).map((e) => e.ResourceStatus).slice(0, 3)).toEqual([
      'UPDATE_ROLLBACK_COMPLETE',
      'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_ROLLBACK_IN_PROGRESS',
    ]);
    // The running services are the ones before the update; the stack keeps its template and resources.
    expect(cloud.services).toBe(before);
    expect(JSON.parse((await cfn.send(new GetTemplateCommand({ StackName: name }))).TemplateBody!).Resources.Queue).toBeUndefined();
    expect((await resourcesOf(name)).some((r) => r.logicalId === 'Queue')).toBe(false);
    await expect(signUp(clientId, email)).rejects.toMatchObject({ name: 'UsernameExistsException' });
    await cfn.send(new DeleteStackCommand({ StackName: name }));
    await settled(stack.StackId!);
  }, 120_000);
});
