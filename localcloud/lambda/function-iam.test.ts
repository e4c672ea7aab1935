import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CognitoIdentityProviderClient,
  ListUsersCommand,
  SignUpCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, writeTestAssembly } from '../cognito-idp/testing';
import { type LocalCloud, startLocalCloud } from '../server';

/**
 * IAM applies to what a function does. A hand-made cloud assembly (the
 * cognito-idp test pool, plus a pre sign-up function as CDK declares one:
 * asset code, execution role, role policy, invoke permission for the pool)
 * runs on a real local cloud. The function (test-functions/unique-phone)
 * calls cognito-idp ListUsers through the runtime's AWS SDK, with its role's
 * temporary credentials and AWS_ENDPOINT_URL = the local cloud. Two clouds,
 * the same function, two role policies: one lacks cognito-idp:ListUsers, the
 * other grants it.
 */
const FUNCTION_CODE = fileURLToPath(new URL('./test-functions/unique-phone', import.meta.url));
const ASSET_KEY = 'unique-phone.zip';

/** The cognito-idp test assembly, with the function, its role and the pool's PreSignUp trigger on it. */
function writeAssembly(dir: string, roleActions: string[]): void {
  writeTestAssembly(dir, { LambdaConfig: { PreSignUp: { 'Fn::GetAtt': ['UniquePhone', 'Arn'] } } });
  const poolArn = { 'Fn::GetAtt': ['Pool', 'Arn'] };
  const lambdaTrust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
  const templateFile = join(dir, 'TestStack.template.json');
  const template = JSON.parse(readFileSync(templateFile, 'utf8'));
  Object.assign(template.Resources, {
    UniquePhoneRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: lambdaTrust } },
    UniquePhoneRolePolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'UniquePhoneRolePolicy',
        Roles: [{ Ref: 'UniquePhoneRole' }],
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: roleActions, Resource: poolArn }] },
      },
    },
    UniquePhone: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: 'cdk-assets', S3Key: ASSET_KEY },
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Timeout: 5,
        MemorySize: 256,
        Role: { 'Fn::GetAtt': ['UniquePhoneRole', 'Arn'] },
        Tags: [{ Key: 'amplify:friendly-name', Value: 'unique-phone' }],
      },
    },
    UniquePhoneCognitoInvoke: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': ['UniquePhone', 'Arn'] },
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: poolArn,
      },
    },
    // The test's own back-office role, to look at the pool afterwards.
    Operator: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Statement: [] },
        Policies: [{ PolicyName: 'all', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'cognito-idp:*', Resource: poolArn }] } }],
      },
    },
  });
  writeFileSync(templateFile, JSON.stringify(template));
  // The function's code as an asset of the assembly, where `ampx` puts the bundle.
  cpSync(FUNCTION_CODE, join(dir, 'asset.unique-phone'), { recursive: true });
  writeFileSync(
    join(dir, 'TestStack.assets.json'),
    JSON.stringify({
      version: '48.0.0',
      files: {
        'unique-phone': {
          source: { path: 'asset.unique-phone', packaging: 'zip' },
          destinations: { 'current_account-current_region': { bucketName: 'cdk-assets', objectKey: ASSET_KEY } },
        },
      },
    }),
  );
  const manifestFile = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  manifest.artifacts['TestStack.assets'] = { type: 'cdk:asset-manifest', properties: { file: 'TestStack.assets.json' } };
  writeFileSync(manifestFile, JSON.stringify(manifest));
}

interface Cloud {
  cloud: LocalCloud;
  poolId: string;
  poolArn: string;
  clientId: string;
  /** The function's execution role and name (its session name). */
  roleName: string;
  functionName: string;
  signUp(email: string, phone?: string): Promise<unknown>;
  /** Every user of the pool, read by the operator role. */
  users(): Promise<UserType[]>;
  close(): Promise<void>;
}

async function startCloud(roleActions: string[]): Promise<Cloud> {
  const root = mkdtempSync(join(tmpdir(), 'function-iam-'));
  const assemblyDir = join(root, 'cdk.out');
  writeAssembly(assemblyDir, roleActions);
  const cloud = await startLocalCloud({ stateDir: join(root, 'state'), assemblyDir, port: 0 });
  const pool = cloud.cognitoIdp.pools.all()[0];
  const { assembly, iam, functions } = cloud.context;
  const fn = functions.runtime.functions.find((f) => f.friendlyName === 'unique-phone')!;
  const role = iam.account.roles.get(fn.roleArn)!;
  const operatorArn = assembly.ofType('AWS::IAM::Role').find((r) => r.logicalId === 'Operator')!.arn!;
  const operator = iam.issueRoleCredentials({ roleArn: operatorArn, sessionName: 'operator', durationSeconds: 900 });
  const client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
    new CognitoIdentityProviderClient({ region: assembly.region, endpoint: cloud.url, maxAttempts: 1, credentials });
  const publicSdk = client({ accessKeyId: 'unused', secretAccessKey: 'unused' });
  const operatorSdk = client(operator);
  return {
    cloud,
    poolId: pool.id,
    poolArn: assembly.ofType('AWS::Cognito::UserPool')[0].arn!,
    clientId: pool.clients[0].clientId,
    roleName: role.name,
    functionName: fn.name,
    signUp: (email, phone) =>
      publicSdk.send(
        new SignUpCommand({
          ClientId: pool.clients[0].clientId,
          Username: email,
          Password: PASSWORD,
          UserAttributes: [{ Name: 'email', Value: email }, ...(phone ? [{ Name: 'phone_number', Value: phone }] : [])],
        }),
      ),
    users: async () => (await operatorSdk.send(new ListUsersCommand({ UserPoolId: pool.id }))).Users ?? [],
    async close() {
      publicSdk.destroy();
      operatorSdk.destroy();
      await cloud.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const emails = (users: UserType[]) => users.map((u) => u.Attributes?.find((a) => a.Name === 'email')?.Value).sort();

let denied: Cloud;
let allowed: Cloud;

beforeAll(async () => {
  [denied, allowed] = await Promise.all([
    // A role with a policy, but not for the call the function makes.
    startCloud(['cognito-idp:AdminGetUser']),
    startCloud(['cognito-idp:ListUsers']),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([denied?.close(), allowed?.close()]);
});

describe("a trigger function's AWS calls are authorized against its execution role", () => {
  it('runs the asset of the assembly, with the role and the trigger the templates give it', () => {
    for (const c of [denied, allowed]) {
      const fn = c.cloud.context.functions.runtime.functions.find((f) => f.friendlyName === 'unique-phone')!;
      expect(fn.codeDirectory).toBe(c.cloud.context.assembly.assetPath(ASSET_KEY));
      expect(fn.roleArn).toBe(c.cloud.context.assembly.ofType('AWS::IAM::Role').find((r) => r.logicalId === 'UniquePhoneRole')!.arn);
      expect(c.cloud.cognitoIdp.pools.all()[0].lambdaConfig.PreSignUp).toBe(fn.arn);
    }
  });

  it('a role that lacks cognito-idp:ListUsers: IAM denies the call, the sign-up fails as Cognito fails it, nobody is created', async () => {
    const refused = denied.signUp('dana@example.com', '+15550001001');
    await expect(refused).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    // What reached the function is IAM's AccessDeniedException for its own role session, not a credentials problem.
    await expect(refused).rejects.toThrow(
      `PreSignUp failed with error AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/${denied.roleName}/${denied.functionName} ` +
        `is not authorized to perform: cognito-idp:ListUsers on resource: "${denied.poolArn}" ` +
        'because no identity-based policy allows the cognito-idp:ListUsers action.',
    );
    expect(await denied.users()).toEqual([]);
    expect(denied.cloud.outbox.list().filter((m) => m.to === 'dana@example.com')).toEqual([]);

    // The function itself is fine: a sign-up for which it makes no call goes through.
    await expect(denied.signUp('erin@example.com')).resolves.toMatchObject({ UserConfirmed: false });
    expect(emails(await denied.users())).toEqual(['erin@example.com']);
    // And the failure does not stick: the same sign-up fails the same way again (warm environment).
    await expect(denied.signUp('dana@example.com', '+15550001001')).rejects.toThrow(/AccessDeniedException: User: .* cognito-idp:ListUsers/);
    expect(emails(await denied.users())).toEqual(['erin@example.com']);
  });

  it('the same function with a role that allows the call: it reads the pool and its answer applies', async () => {
    await expect(allowed.signUp('dana@example.com', '+15550001001')).resolves.toMatchObject({ UserConfirmed: false });
    // The call really returned the pool's users: a second account with that phone number is refused by the function.
    await expect(allowed.signUp('frank@example.com', '+15550001001')).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: 'PreSignUp failed with error This phone number is already used by another account..',
    });
    await expect(allowed.signUp('gina@example.com', '+15550001002')).resolves.toMatchObject({ UserConfirmed: false });
    expect(emails(await allowed.users())).toEqual(['dana@example.com', 'gina@example.com']);
  });
});
