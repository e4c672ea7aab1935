import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authorizer } from '../iam/authorizer';
import { type BoundCredentials, CredentialsStore } from '../iam/credentials';
import { openDatabase } from '../store/store';
import { buildIamAccount, type IamAccount } from '../iam/iam-account';
import { functionsFromAssembly, type LambdaFunction } from '../lambda/functions';
import { FunctionRuntime } from '../lambda/runtime';
import { synthesizedAssembly } from '../lambda/testing/synthesized';
import type { ProvisionedAssembly } from '../provisioning/types';
import { secretPath } from '../secrets/parameter-paths';
import { SecretStore } from '../secrets/secret-store';
import { createAwsJsonAuth } from './aws-json-auth';
import { createParameterSource } from './parameters';
import { createSsmHandler } from './service';

const BACKEND = { namespace: 'amplifyvault', name: 'local', type: 'sandbox' as const };
const REFERENCE = '/amplify/resource_reference/amplifyvault/local-sandbox-b1bf32956d/AMPLIFY_AUTH_USERPOOL_ID';

let assembly: ProvisionedAssembly;
let account: IamAccount;
let credentials: CredentialsStore;
let server: Server;
let endpoint: string;
let secrets: SecretStore;
let postConfirmationRole: string;
let poolId: string;

const client = (c: Pick<BoundCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>, region = 'us-east-1') =>
  new SSMClient({
    region,
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
  });

/** A test role allowing `actions` on `resources`. */
function addRole(name: string, roleId: string, actions: string[], resources: string[]): void {
  const arn = `arn:aws:iam::000000000000:role/${name}`;
  account.roles.set(arn, {
    name,
    arn,
    roleId,
    logicalId: name,
    trustPolicy: { Statement: [] },
    policies: [{ name: 'grants', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }] } }],
    unknownManagedPolicies: [],
  });
}

function issueFor(roleArn: string, sessionName = 'test'): BoundCredentials {
  const role = account.roles.get(roleArn)!;
  return credentials.issue({ roleArn, roleId: role.roleId, sessionName, durationSeconds: 900 });
}

beforeAll(async () => {
  assembly = synthesizedAssembly();
  account = buildIamAccount(assembly);
  poolId = assembly.ofType('AWS::Cognito::UserPool')[0].ref;
  // A role that may read this backend's secrets, as a function with secret() env would have.
  addRole('secret-reader', 'AROASECRETREADER0001', ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'], [
    'arn:aws:ssm:us-east-1:000000000000:parameter/amplify/amplifyvault/local-sandbox-b1bf32956d*',
  ]);
  credentials = new CredentialsStore(openDatabase(':memory:'));
  secrets = new SecretStore(mkdtempSync(join(tmpdir(), 'ssm-secrets-')));
  secrets.set(secretPath(BACKEND, 'GOOGLE_CLIENT_ID'), 'google-id-v1');
  secrets.set(secretPath(BACKEND, 'GOOGLE_CLIENT_ID'), 'google-id-v2');
  for (let i = 0; i < 12; i++) secrets.set(secretPath(BACKEND, `MANY_${String(i).padStart(2, '0')}`), `v${i}`);
  secrets.set('/amplify/shared/someapp/SHARED', 'shared-value');
  const handler = createSsmHandler({
    parameters: createParameterSource(assembly, secrets),
    auth: createAwsJsonAuth({ credentials, authorizer: new Authorizer(account), region: assembly.region }),
    region: assembly.region,
    accountId: assembly.accountId,
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fn = functionsFromAssembly(assembly).functions.find((f) => f.friendlyName === 'post-confirmation')!;
  postConfirmationRole = fn.roleArn;
}, 120_000);

afterAll(() => server?.close());

describe('SSM GetParameters for Amplify', () => {
  it("answers the function runtime's resource reference for the role its policy allows", async () => {
    const out = await client(issueFor(postConfirmationRole)).send(
      new GetParametersCommand({ Names: [REFERENCE], WithDecryption: true }),
    );
    expect(out.InvalidParameters).toEqual([]);
    expect(out.Parameters).toHaveLength(1);
    expect(out.Parameters![0]).toMatchObject({
      Name: REFERENCE,
      Type: 'String',
      Value: poolId,
      Version: 1,
      DataType: 'text',
      ARN: `arn:aws:ssm:us-east-1:000000000000:parameter${REFERENCE}`,
    });
    expect(out.Parameters![0].LastModifiedDate).toBeInstanceOf(Date);
  });

  it('denies what the role does not allow (another parameter, another action) with IAM wording', async () => {
    const c = client(issueFor(postConfirmationRole, 'post-confirmation'));
    const denied = c.send(new GetParametersCommand({ Names: [REFERENCE, secretPath(BACKEND, 'GOOGLE_CLIENT_ID')] }));
    await expect(denied).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    await expect(denied).rejects.toThrow(
      /assumed-role\/.+\/post-confirmation is not authorized to perform: ssm:GetParameters on resource: .*GOOGLE_CLIENT_ID/,
    );
    await expect(c.send(new GetParameterCommand({ Name: REFERENCE }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('serves secrets decrypted only on request, with versions, and lists them by path', async () => {
    const c = client(issueFor('arn:aws:iam::000000000000:role/secret-reader'));
    const name = secretPath(BACKEND, 'GOOGLE_CLIENT_ID');
    const plain = await c.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    expect(plain.Parameter).toMatchObject({ Name: name, Type: 'SecureString', Value: 'google-id-v2', Version: 2 });
    const encrypted = await c.send(new GetParameterCommand({ Name: name }));
    expect(encrypted.Parameter?.Value).not.toContain('google-id');
    const v1 = await c.send(new GetParameterCommand({ Name: `${name}:1`, WithDecryption: true }));
    expect(v1.Parameter).toMatchObject({ Value: 'google-id-v1', Version: 1, Selector: ':1' });
    await expect(c.send(new GetParameterCommand({ Name: `${name}:7` }))).rejects.toMatchObject({
      name: 'ParameterVersionNotFound',
    });
    await expect(c.send(new GetParameterCommand({ Name: secretPath(BACKEND, 'NOPE') }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
    const many = await c.send(
      new GetParametersCommand({ Names: [name, secretPath(BACKEND, 'NOPE')], WithDecryption: true }),
    );
    expect(many.Parameters?.map((p) => p.Value)).toEqual(['google-id-v2']);
    expect(many.InvalidParameters).toEqual([secretPath(BACKEND, 'NOPE')]);

    const names: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await c.send(
        new GetParametersByPathCommand({ Path: '/amplify/amplifyvault/local-sandbox-b1bf32956d', NextToken }),
      );
      names.push(...page.Parameters!.map((p) => p.Name!.split('/').pop()!));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    expect(pages).toBe(2);
    expect(names).toEqual(['GOOGLE_CLIENT_ID', ...Array.from({ length: 12 }, (_, i) => `MANY_${String(i).padStart(2, '0')}`)]);
    // Shared secrets are outside this role's policy.
    await expect(c.send(new GetParameterCommand({ Name: '/amplify/shared/someapp/SHARED' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('refuses bad input with AWS-shaped 400s', async () => {
    const c = client(issueFor('arn:aws:iam::000000000000:role/secret-reader'));
    const names = Array.from({ length: 11 }, (_, i) => `/x/${i}`);
    await expect(c.send(new GetParametersCommand({ Names: names }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length less than or equal to 10'),
    });
    await expect(c.send(new GetParameterCommand({} as never))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      c.send(new GetParametersByPathCommand({ Path: '/amplify', NextToken: 'forged' })),
    ).rejects.toMatchObject({ name: 'InvalidNextToken' });
    await expect(c.send(new GetParametersByPathCommand({ Path: 'amplify' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('refuses unsigned, forged, unknown and expired credentials', async () => {
    const good = issueFor(postConfirmationRole);
    const cmd = () => new GetParametersCommand({ Names: [REFERENCE] });
    await expect(client({ ...good, secretAccessKey: 'wrong' }).send(cmd())).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    await expect(client({ ...good, accessKeyId: 'ASIANOTISSUED0000000' }).send(cmd())).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    await expect(client({ ...good, sessionToken: 'another' }).send(cmd())).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    const role = account.roles.get(postConfirmationRole)!;
    const expired = credentials.issue({ roleArn: role.arn, roleId: role.roleId, durationSeconds: -1 });
    await expect(client(expired).send(cmd())).rejects.toMatchObject({ name: 'ExpiredTokenException' });
    const unsigned = await fetch(endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSSM.GetParameters', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ Names: [REFERENCE] }),
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });
});

describe('a function calling SSM with its execution role', () => {
  it('reads what its role allows and is denied the rest by IAM', async () => {
    const fn = functionsFromAssembly(assembly).functions.find((f) => f.friendlyName === 'post-confirmation')!;
    const probe = {
      ...fn,
      name: 'ssm-probe',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:ssm-probe',
      friendlyName: 'ssm-probe',
      codeDirectory: fileURLToPath(new URL('../lambda/test-functions/calls-ssm', import.meta.url)),
    };
    const runtime = new FunctionRuntime({
      functions: [probe],
      region: assembly.region,
      endpointUrl: endpoint,
      log: () => {},
      issueCredentials: ({ roleArn, sessionName, durationSeconds }) =>
        credentials.issue({ roleArn, roleId: account.roles.get(roleArn)!.roleId, sessionName, durationSeconds }),
    });
    try {
      const allowed = (await runtime.invoke('ssm-probe', { names: [REFERENCE] })) as any;
      expect(allowed.payload).toMatchObject({ ok: true, parameters: [{ Name: REFERENCE, Value: poolId }] });
      const denied = (await runtime.invoke('ssm-probe', { names: [secretPath(BACKEND, 'GOOGLE_CLIENT_ID')] })) as any;
      expect(denied.payload).toMatchObject({ ok: false, name: 'AccessDeniedException' });
      expect(denied.payload.message).toContain('assumed-role/');
      expect(denied.payload.message).toContain('/ssm-probe is not authorized to perform: ssm:GetParameters');
    } finally {
      await runtime.close();
    }
  });
});

describe("Amplify's runtime shim resolving secret() environment variables", () => {
  it('reads the backend secret, falls back to the shared one, through SSM with the role policy', async () => {
    // The shim exactly as ampx bundles it: the first line of the synthesized pre-sign-up asset.
    const preSignUp = functionsFromAssembly(assembly).functions.find((f) => f.friendlyName === 'pre-sign-up')!;
    const shim = readFileSync(join(preSignUp.codeDirectory, 'index.mjs'), 'utf8').split('\n')[0];
    expect(shim).toContain('internalAmplifyFunctionResolveSsmParams');
    const dir = mkdtempSync(join(tmpdir(), 'shim-fn-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'index.mjs'),
      `${shim}\nexport const handler = async () => ({ google: process.env.GOOGLE_CLIENT_ID, shared: process.env.SHARED_ONLY, missing: process.env.MISSING });\n`,
    );
    const roleArn = 'arn:aws:iam::000000000000:role/secret-function';
    account.roles.set(roleArn, {
      name: 'secret-function',
      arn: roleArn,
      roleId: 'AROASECRETFUNCTION01',
      logicalId: 'SecretFunction',
      trustPolicy: { Statement: [] },
      policies: [
        {
          name: 'amplify-secrets',
          document: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 'ssm:GetParameters',
                Resource: [
                  'arn:aws:ssm:us-east-1:000000000000:parameter/amplify/amplifyvault/local-sandbox-b1bf32956d/*',
                  'arn:aws:ssm:us-east-1:000000000000:parameter/amplify/shared/someapp/*',
                ],
              },
            ],
          },
        },
      ],
      unknownManagedPolicies: [],
    });
    const env = (name: string) => ({ path: secretPath(BACKEND, name), sharedPath: `/amplify/shared/someapp/${name}` });
    secrets.set('/amplify/shared/someapp/SHARED_ONLY', 'from-the-shared-path');
    const fn: LambdaFunction = {
      ...preSignUp,
      name: 'secret-reader-fn',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:secret-reader-fn',
      friendlyName: 'secret-reader-fn',
      codeDirectory: dir,
      roleArn,
      environment: {
        AMPLIFY_SSM_ENV_CONFIG: JSON.stringify({ GOOGLE_CLIENT_ID: env('GOOGLE_CLIENT_ID'), SHARED_ONLY: env('SHARED_ONLY'), MISSING: env('MISSING') }),
        GOOGLE_CLIENT_ID: '<value will be resolved during runtime>',
      },
    };
    const runtime = new FunctionRuntime({
      functions: [fn],
      region: assembly.region,
      endpointUrl: endpoint,
      log: () => {},
      issueCredentials: ({ roleArn: arn, sessionName, durationSeconds }) =>
        credentials.issue({ roleArn: arn, roleId: account.roles.get(arn)!.roleId, sessionName, durationSeconds }),
    });
    try {
      const out = (await runtime.invoke('secret-reader-fn', {})) as any;
      expect(out).toMatchObject({ ok: true, payload: { google: 'google-id-v2', shared: 'from-the-shared-path' } });
      expect(out.payload.missing).toBeUndefined();
    } finally {
      await runtime.close();
    }
  });
});

describe('SSM PutParameter (ampx sandbox secret set)', () => {
  const WRITER = 'arn:aws:iam::000000000000:role/secret-writer';
  let counter = 0;
  const newName = () => secretPath(BACKEND, `PUT_${Date.now()}_${++counter}`);

  beforeAll(() => {
    addRole('secret-writer', 'AROASECRETWRITER0001', ['ssm:PutParameter', 'ssm:GetParameter'], [
      'arn:aws:ssm:us-east-1:000000000000:parameter/amplify/*',
      'arn:aws:ssm:us-east-1:000000000000:parameter/x*',
    ]);
  });

  it('stores a SecureString as a new version each time, only with Overwrite once it exists, in the secret store', async () => {
    const c = client(issueFor(WRITER));
    const name = newName();
    expect(await c.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: 'first', Description: 'Amplify Secret' }))).toMatchObject({
      Version: 1,
      Tier: 'Standard',
    });
    await expect(c.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: 'second' }))).rejects.toMatchObject({
      name: 'ParameterAlreadyExists',
      message: 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    });
    expect(await c.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: 'second', Overwrite: true }))).toMatchObject({ Version: 2 });
    const read = await c.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    expect(read.Parameter).toMatchObject({ Type: 'SecureString', Value: 'second', Version: 2 });
    expect(secrets.get(name)).toMatchObject({ value: 'second', version: 2 });
  });

  it('is authorized by IAM: a role that may only read is denied', async () => {
    const reader = client(issueFor('arn:aws:iam::000000000000:role/secret-reader', 'reader'));
    const name = newName();
    await expect(reader.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: 'v' }))).rejects.toThrow(
      /is not authorized to perform: ssm:PutParameter on resource: "arn:aws:ssm:us-east-1:000000000000:parameter\/amplify\//,
    );
    expect(secrets.get(name)).toBeUndefined();
  });

  it('refuses bad input with AWS-shaped 400s, storing nothing', async () => {
    const c = client(issueFor(WRITER));
    const name = newName();
    const refusal = (input: Record<string, unknown>) =>
      c.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: 'v', ...input } as never)).then(
        () => undefined,
        (e: Error & { $metadata: { httpStatusCode?: number } }) => ({ name: e.name, status: e.$metadata.httpStatusCode, message: e.message }),
      );
    expect(await refusal({ Value: undefined })).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await refusal({ Value: '' })).toMatchObject({ name: 'ValidationException' });
    expect(await refusal({ Value: 'x'.repeat(4097) })).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('maximum parameter value of 4096') });
    expect(await refusal({ Type: 'Bogus' })).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('enum value set') });
    expect(await refusal({ Name: '/aws/reserved' })).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('prefixed with "aws"') });
    expect(await refusal({ Name: 'x/no-leading-slash' })).toMatchObject({ name: 'ValidationException' });
    expect(await refusal({ Name: `/x${'/a'.repeat(16)}` })).toMatchObject({ name: 'HierarchyLevelLimitExceededException' });
    expect(await refusal({ Type: 'String' })).toMatchObject({ name: 'UnsupportedOperationException', message: expect.stringContaining('SecureString') });
    expect(await refusal({ Tier: 'Advanced' })).toMatchObject({ name: 'UnsupportedOperationException' });
    expect(secrets.get(name)).toBeUndefined();
  });

  it("never overwrites a template's parameter", async () => {
    const c = client(issueFor(WRITER));
    const put = (Overwrite: boolean) => c.send(new PutParameterCommand({ Name: REFERENCE, Type: 'String', Value: 'other', Overwrite }));
    await expect(put(false)).rejects.toMatchObject({ name: 'ParameterAlreadyExists' });
    await expect(put(true)).rejects.toMatchObject({ name: 'UnsupportedOperationException' });
    const still = await client(issueFor(postConfirmationRole)).send(new GetParametersCommand({ Names: [REFERENCE] }));
    expect(still.Parameters![0].Value).toBe(poolId);
  });
});
