import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { startLocalCloud, type LocalCloud, type StartOptions } from '../server';
import type { OutboxMessage } from '../services/outbox';

/**
 * Test support: a small hand-made cloud assembly (one pool that signs in
 * with email, MFA optional, two clients, two groups), a local cloud on an
 * ephemeral port with a temporary state folder, and a real SDK client.
 */
export const PASSWORD = 'Correct-horse-9';

export function writeTestAssembly(dir: string, pool: Record<string, unknown> = {}): void {
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
        },
      },
      LegacyClient: {
        Type: 'AWS::Cognito::UserPoolClient',
        Properties: { UserPoolId: { Ref: 'Pool' }, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], PreventUserExistenceErrors: 'LEGACY' },
      },
      Admins: { Type: 'AWS::Cognito::UserPoolGroup', Properties: { UserPoolId: { Ref: 'Pool' }, GroupName: 'ADMINS', Precedence: 0, RoleArn: 'arn:aws:iam::000000000000:role/admins' } },
      Editors: { Type: 'AWS::Cognito::UserPoolGroup', Properties: { UserPoolId: { Ref: 'Pool' }, GroupName: 'EDITORS', Precedence: 1, RoleArn: 'arn:aws:iam::000000000000:role/editors' } },
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

export async function startTestCloud(options: Partial<StartOptions> & { pool?: Record<string, unknown> } = {}): Promise<TestCloud> {
  const root = mkdtempSync(join(tmpdir(), 'localcloud-test-'));
  const assemblyDir = join(root, 'cdk.out');
  const stateDir = join(root, 'state');
  writeTestAssembly(assemblyDir, options.pool);
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
