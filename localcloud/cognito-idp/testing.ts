import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { CognitoIdentityProviderClient, InitiateAuthCommand, type RespondToAuthChallengeCommandInput } from '@aws-sdk/client-cognito-identity-provider';
import { g, k, modPow, N, padHex, srpPoolName, srpTimestamp } from '../services/srp';
import { startLocalCloud, type LocalCloud, type StartOptions } from '../server';
import type { OutboxMessage } from '../services/outbox';

/**
 * Test support: a small hand-made cloud assembly (one pool that signs in
 * with email, MFA optional, two clients, two groups), a local cloud on an
 * ephemeral port with a temporary state folder, and a real SDK client.
 */
export const PASSWORD = 'Correct-horse-9';

export function writeTestAssembly(
  dir: string,
  pool: Record<string, unknown> = {},
  webClient: Record<string, unknown> = {},
  resources: Record<string, unknown> = {},
): void {
  mkdirSync(dir, { recursive: true });
  const template = {
    Resources: {
      Pool: {
        Type: 'AWS::Cognito::UserPool',
        Properties: {
          UsernameAttributes: ['email'],
          UsernameConfiguration: { CaseSensitive: false },
          AutoVerifiedAttributes: ['email'],
          Schema: [
            { Name: 'email', Required: true, Mutable: true },
            { Name: 'phone_number', Required: false, Mutable: true },
            { Name: 'is_beta_user', AttributeDataType: 'Boolean', Mutable: true },
          ],
          Policies: { PasswordPolicy: { MinimumLength: 10, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
          MfaConfiguration: 'OPTIONAL',
          EnabledMfas: ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'],
          AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
          UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
          VerificationMessageTemplate: { EmailSubject: 'Your code', EmailMessage: 'Your code is {####}.', SmsMessage: 'Code {####}' },
          ...pool,
        },
      },
      WebClient: {
        Type: 'AWS::Cognito::UserPoolClient',
        Properties: {
          UserPoolId: { Ref: 'Pool' },
          ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          PreventUserExistenceErrors: 'ENABLED',
          AccessTokenValidity: 60,
          IdTokenValidity: 60,
          TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
          ...webClient,
        },
      },
      LegacyClient: {
        Type: 'AWS::Cognito::UserPoolClient',
        Properties: { UserPoolId: { Ref: 'Pool' }, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], PreventUserExistenceErrors: 'LEGACY' },
      },
      Admins: { Type: 'AWS::Cognito::UserPoolGroup', Properties: { UserPoolId: { Ref: 'Pool' }, GroupName: 'ADMINS', Precedence: 0, RoleArn: 'arn:aws:iam::000000000000:role/admins' } },
      Editors: { Type: 'AWS::Cognito::UserPoolGroup', Properties: { UserPoolId: { Ref: 'Pool' }, GroupName: 'EDITORS', Precedence: 1, RoleArn: 'arn:aws:iam::000000000000:role/editors' } },
      ...resources,
    },
  };
  writeFileSync(join(dir, 'TestStack.template.json'), JSON.stringify(template));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ version: '48.0.0', artifacts: { TestStack: { type: 'aws:cloudformation:stack', properties: { templateFile: 'TestStack.template.json' } } } }),
  );
}

export interface TestCloud {
  cloud: LocalCloud;
  stateDir: string;
  assemblyDir: string;
  poolId: string;
  clientId: string;
  legacyClientId: string;
  sdk: CognitoIdentityProviderClient;
  /** The newest code the outbox sent to `to`. */
  lastCode(to: string): string;
  messages(): OutboxMessage[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestCloud(
  options: Partial<StartOptions> & { pool?: Record<string, unknown>; webClient?: Record<string, unknown>; resources?: Record<string, unknown> } = {},
): Promise<TestCloud> {
  const root = mkdtempSync(join(tmpdir(), 'localcloud-test-'));
  const assemblyDir = join(root, 'cdk.out');
  const stateDir = join(root, 'state');
  writeTestAssembly(assemblyDir, options.pool, options.webClient, options.resources);
  const start = () => startLocalCloud({ stateDir, assemblyDir, port: 0, ...options });
  let cloud = await start();
  const pool = cloud.cognitoIdp.pools.all()[0];
  const [web, legacy] = pool.clients;
  const sdkFor = (url: string) =>
    new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  const test: TestCloud = {
    cloud,
    stateDir,
    assemblyDir,
    poolId: pool.id,
    clientId: web.clientId,
    legacyClientId: legacy.clientId,
    sdk: sdkFor(cloud.url),
    messages: () => test.cloud.outbox.list(),
    lastCode(to) {
      const message = test.cloud.outbox.list().filter((m) => m.to === to).at(-1);
      if (!message) throw new Error(`No message was sent to ${to}`);
      return message.code;
    },
    async restart() {
      await test.cloud.close();
      cloud = await startLocalCloud({ stateDir, assemblyDir, port: test.cloud.port, ...options });
      test.cloud = cloud;
      // The old client's kept-alive sockets died with the old server.
      test.sdk.destroy();
      test.sdk = sdkFor(cloud.url);
    },
    async stop() {
      test.sdk.destroy();
      await test.cloud.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return test;
}

/**
 * A minimal SRP client (the same math as aws-amplify's): starts USER_SRP_AUTH
 * and returns the PASSWORD_VERIFIER answer, for tests that replay or tamper with it.
 */
export async function passwordVerifierAnswer(
  t: TestCloud,
  username: string,
  password: string,
  now = new Date(),
  clientId = t.clientId,
): Promise<RespondToAuthChallengeCommandInput> {
  const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
  const hashHex = (hex: string) => sha(Buffer.from(hex, 'hex'));
  const a = BigInt(`0x${randomBytes(32).toString('hex')}`);
  const A = modPow(g, a);
  const start = await t.sdk.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: A.toString(16) } }));
  const p = start.ChallengeParameters!;
  const poolName = srpPoolName(t.poolId);
  const x = BigInt(`0x${hashHex(padHex(BigInt(`0x${p.SALT}`)) + sha(`${poolName}${p.USER_ID_FOR_SRP}:${password}`))}`);
  const B = BigInt(`0x${p.SRP_B}`);
  const u = BigInt(`0x${hashHex(padHex(A) + padHex(B))}`);
  const S = modPow((((B - k * modPow(g, x)) % N) + N) % N, a + u * x);
  const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex')).update(Buffer.from(padHex(S), 'hex')).digest();
  const key = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])])).digest().subarray(0, 16);
  const timestamp = srpTimestamp(now);
  const signature = createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(poolName), Buffer.from(p.USER_ID_FOR_SRP), Buffer.from(p.SECRET_BLOCK, 'base64'), Buffer.from(timestamp)]))
    .digest('base64');
  return {
    ClientId: clientId,
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeResponses: { USERNAME: p.USERNAME, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp },
  };
}

/**
 * An SDK client signed with credentials of an operator role the local cloud
 * issued, allowed every `cognito-idp:*` action on the pool (the Admin* operations).
 */
export function operatorSdk(cloud: LocalCloud, poolId: string, region = 'us-east-1'): CognitoIdentityProviderClient {
  const arn = 'arn:aws:iam::000000000000:role/test-pool-operator';
  const roles = cloud.context.iam.account.roles;
  if (!roles.get(arn)) {
    roles.set(arn, {
      name: 'test-pool-operator',
      arn,
      roleId: 'AROATESTPOOLOPERATOR',
      logicalId: 'TestPoolOperator',
      trustPolicy: { Statement: [] },
      policies: [{ name: 'all', document: { Statement: [{ Effect: 'Allow', Action: 'cognito-idp:*', Resource: `arn:aws:cognito-idp:${region}:000000000000:userpool/${poolId}` }] } }],
      unknownManagedPolicies: [],
    });
  }
  const role = roles.get(arn)!;
  const c = cloud.context.iam.credentials.issue({ roleArn: arn, roleId: role.roleId, sessionName: 'operator', durationSeconds: 3600 });
  return new CognitoIdentityProviderClient({
    region,
    endpoint: cloud.url,
    maxAttempts: 1,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
  });
}

/** AWS::Cognito::UserPoolIdentityProvider resources for the test pool (plain client ids and secrets). */
export function socialProviders(...types: ('Google' | 'Facebook' | 'LoginWithAmazon' | 'SignInWithApple')[]): Record<string, unknown> {
  return Object.fromEntries(
    types.map((type) => [
      `${type}Provider`,
      {
        Type: 'AWS::Cognito::UserPoolIdentityProvider',
        Properties: {
          UserPoolId: { Ref: 'Pool' },
          ProviderName: type,
          ProviderType: type,
          ProviderDetails: { client_id: `${type.toLowerCase()}-client`, client_secret: `${type.toLowerCase()}-secret`, authorize_scopes: 'openid email profile' },
          AttributeMapping: { email: 'email' },
        },
      },
    ]),
  );
}
