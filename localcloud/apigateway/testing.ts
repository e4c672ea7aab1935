import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PASSWORD, writeTestAssembly } from '../cognito-idp/testing';
import { startLocalCloud, type LocalCloud } from '../server';
import { ManualClock } from '../services/clock';
import type { RestApi } from './rest-apis';
import { localExecuteApiUrl } from './url';

/**
 * Test support: a small cloud assembly written as CloudFormation, the way
 * CDK's RestApi synthesizes one — the cognito-idp test pool (plus a second
 * pool), a Lambda function (test-functions/echo) with its role, a REST API
 * with a resource tree, a Cognito authorizer, a CORS preflight (MOCK, two
 * allowed origins), a throttled method, a method its function's permission
 * does not cover, an AWS_IAM method (not emulated), a DEFAULT_4XX gateway response, and the stage `dev` —
 * served by a real local cloud on port 0 with a manual clock. The function's
 * runs are counted from its log (`START` lines).
 */
const ECHO_CODE = fileURLToPath(new URL('./test-functions/echo', import.meta.url));
const ASSET_KEY = 'echo.zip';
export const ALLOWED_ORIGINS = ['http://localhost:5173', 'https://app.example.com'];

const ref = (id: string) => ({ Ref: id });
const fnArn = { 'Fn::GetAtt': ['Echo', 'Arn'] };
const invocationUri = { 'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':apigateway:', ref('AWS::Region'), ':lambda:path/2015-03-31/functions/', fnArn, '/invocations']] };
const proxy = { IntegrationHttpMethod: 'POST', Type: 'AWS_PROXY', Uri: invocationUri };
const cognito = (scopes?: string[]) => ({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: ref('Authorizer'), ...(scopes ? { AuthorizationScopes: scopes } : {}) });

function resource(parent: unknown, pathPart: string) {
  return { Type: 'AWS::ApiGateway::Resource', Properties: { ParentId: parent, PathPart: pathPart, RestApiId: ref('Api') } };
}
function method(resourceId: unknown, httpMethod: string, props: Record<string, unknown>) {
  return { Type: 'AWS::ApiGateway::Method', Properties: { HttpMethod: httpMethod, ResourceId: resourceId, RestApiId: ref('Api'), AuthorizationType: 'NONE', ...props } };
}
function permission(suffix: string) {
  return {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      Action: 'lambda:InvokeFunction',
      FunctionName: fnArn,
      Principal: 'apigateway.amazonaws.com',
      SourceArn: { 'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':execute-api:', ref('AWS::Region'), ':', ref('AWS::AccountId'), ':', ref('Api'), '/', ref('Stage'), suffix]] },
    },
  };
}
const rootId = { 'Fn::GetAtt': ['Api', 'RootResourceId'] };
const corsPreflight = (resourceId: unknown) =>
  method(resourceId, 'OPTIONS', {
    Integration: {
      Type: 'MOCK',
      RequestTemplates: { 'application/json': '{ statusCode: 200 }' },
      IntegrationResponses: [
        {
          StatusCode: '204',
          ResponseParameters: {
            'method.response.header.Access-Control-Allow-Headers': "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent'",
            'method.response.header.Access-Control-Allow-Origin': `'${ALLOWED_ORIGINS[0]}'`,
            'method.response.header.Vary': "'Origin'",
            'method.response.header.Access-Control-Allow-Methods': "'OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD'",
          },
          ResponseTemplates: {
            'application/json': `#set($origin = $input.params().header.get("Origin"))\n#if($origin == "")\n  #set($origin = $input.params().header.get("origin"))\n#end\n#if($origin == "${ALLOWED_ORIGINS[1]}")\n  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n#end`,
          },
        },
      ],
    },
    MethodResponses: [{ StatusCode: '204' }],
  });

export function writeApiAssembly(dir: string): void {
  writeTestAssembly(dir);
  const templateFile = join(dir, 'TestStack.template.json');
  const template = JSON.parse(readFileSync(templateFile, 'utf8'));
  Object.assign(template.Resources, {
    OtherPool: { Type: 'AWS::Cognito::UserPool', Properties: { UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] } },
    OtherClient: { Type: 'AWS::Cognito::UserPoolClient', Properties: { UserPoolId: ref('OtherPool'), ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] } },
    EchoRole: {
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } },
    },
    Echo: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: 'cdk-assets', S3Key: ASSET_KEY },
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Timeout: 60,
        Role: { 'Fn::GetAtt': ['EchoRole', 'Arn'] },
        Tags: [{ Key: 'amplify:friendly-name', Value: 'echo' }],
      },
    },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'TestApi', BinaryMediaTypes: ['application/octet-stream'] } },
    Authorizer: {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: { Name: 'PoolAuthorizer', Type: 'COGNITO_USER_POOLS', IdentitySource: 'method.request.header.Authorization', ProviderARNs: [{ 'Fn::GetAtt': ['Pool', 'Arn'] }], RestApiId: ref('Api') },
    },
    Items: resource(rootId, 'items'),
    ItemId: resource(ref('Items'), '{id}'),
    ItemsMine: resource(ref('Items'), 'mine'),
    Open: resource(rootId, 'open'),
    OpenProxy: resource(ref('Open'), '{proxy+}'),
    Scoped: resource(rootId, 'scoped'),
    Custom: resource(rootId, 'custom-scope'),
    Limited: resource(rootId, 'limited'),
    NoPermission: resource(rootId, 'no-permission'),
    Iam: resource(rootId, 'iam'),
    RootGet: method(rootId, 'GET', { Integration: { Type: 'MOCK' } }),
    ItemsGet: method(ref('Items'), 'GET', { ...cognito(), Integration: proxy }),
    ItemsOptions: corsPreflight(ref('Items')),
    ItemIdAny: method(ref('ItemId'), 'ANY', { ...cognito(), Integration: proxy }),
    ItemsMineGet: method(ref('ItemsMine'), 'GET', { ...cognito(), Integration: proxy }),
    OpenProxyAny: method(ref('OpenProxy'), 'ANY', { Integration: proxy }),
    ScopedGet: method(ref('Scoped'), 'GET', { ...cognito(['aws.cognito.signin.user.admin']), Integration: proxy }),
    CustomGet: method(ref('Custom'), 'GET', { ...cognito(['vault/admin']), Integration: proxy }),
    LimitedGet: method(ref('Limited'), 'GET', { Integration: proxy }),
    NoPermissionGet: method(ref('NoPermission'), 'GET', { Integration: proxy }),
    IamGet: method(ref('Iam'), 'GET', { AuthorizationType: 'AWS_IAM', Integration: proxy }),
    PermitItems: permission('/GET/items'),
    PermitItemId: permission('/*/items/*'),
    PermitOpen: permission('/*/open/*'),
    PermitScoped: permission('/GET/scoped'),
    PermitCustom: permission('/GET/custom-scope'),
    PermitLimited: permission('/GET/limited'),
    PermitIam: permission('/GET/iam'),
    Deployment: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: ref('Api') } },
    Stage: {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: ref('Api'),
        DeploymentId: ref('Deployment'),
        StageName: 'dev',
        Variables: { flavour: 'vanilla' },
        MethodSettings: [
          { HttpMethod: '*', ResourcePath: '/*', ThrottlingBurstLimit: 1000, ThrottlingRateLimit: 1000 },
          { HttpMethod: 'GET', ResourcePath: '/~1limited', ThrottlingBurstLimit: 2, ThrottlingRateLimit: 1 },
        ],
      },
    },
    Default4xx: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: { RestApiId: ref('Api'), ResponseType: 'DEFAULT_4XX', ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" } },
    },
  });
  template.Outputs = {
    ApiEndpoint: { Value: { 'Fn::Join': ['', ['https://', ref('Api'), '.execute-api.', ref('AWS::Region'), '.', ref('AWS::URLSuffix'), '/', ref('Stage'), '/']] } },
  };
  writeFileSync(templateFile, JSON.stringify(template));
  cpSync(ECHO_CODE, join(dir, 'asset.echo'), { recursive: true });
  writeFileSync(
    join(dir, 'TestStack.assets.json'),
    JSON.stringify({
      version: '48.0.0',
      files: { echo: { source: { path: 'asset.echo', packaging: 'zip' }, destinations: { 'current_account-current_region': { bucketName: 'cdk-assets', objectKey: ASSET_KEY } } } },
    }),
  );
  const manifestFile = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  manifest.artifacts['TestStack.assets'] = { type: 'cdk:asset-manifest', properties: { file: 'TestStack.assets.json' } };
  writeFileSync(manifestFile, JSON.stringify(manifest));
}

export interface Tokens {
  idToken: string;
  accessToken: string;
}

export interface ApiTestCloud {
  cloud: LocalCloud;
  clock: ManualClock;
  api: RestApi;
  /** The stage's base URL, `<cloud>/_aws/execute-api/<apiId>/dev`. */
  base: string;
  poolId: string;
  clientId: string;
  otherClientId: string;
  sdk: CognitoIdentityProviderClient;
  /** How many times the echo function has run (its START lines). */
  invocations(): number;
  /** Signs a new person up in the pool (or the other pool), confirms and signs them in. */
  signIn(email: string, options?: { otherPool?: boolean; groups?: string[] }): Promise<Tokens>;
  close(): Promise<void>;
}

export async function startApiTestCloud(options: { integrationTimeoutMs?: number } = {}): Promise<ApiTestCloud> {
  const root = mkdtempSync(join(tmpdir(), 'apigateway-test-'));
  const assemblyDir = join(root, 'cdk.out');
  writeApiAssembly(assemblyDir);
  const clock = new ManualClock();
  let starts = 0;
  const cloud = await startLocalCloud({
    stateDir: join(root, 'state'),
    assemblyDir,
    port: 0,
    clock,
    apiIntegrationTimeoutMs: options.integrationTimeoutMs,
    functionLog: (fn, line) => {
      if (fn.friendlyName === 'echo' && line.startsWith('START ')) starts++;
    },
  });
  const [pool, otherPool] = cloud.cognitoIdp.pools.all();
  const service = cloud.services.find((s) => s.name === 'apigateway') as unknown as { apis: RestApi[] };
  const api = service.apis[0];
  const sdk = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: cloud.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  return {
    cloud,
    clock,
    api,
    base: localExecuteApiUrl(cloud.url, api.id, 'dev'),
    poolId: pool.id,
    clientId: pool.clients[0].clientId,
    otherClientId: otherPool.clients[0].clientId,
    sdk,
    invocations: () => starts,
    async signIn(email, { otherPool: other = false, groups = [] } = {}) {
      const ClientId = other ? otherPool.clients[0].clientId : pool.clients[0].clientId;
      await sdk.send(new SignUpCommand({ ClientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
      const code = cloud.outbox.list().filter((m) => m.to === email).at(-1)!.code;
      await sdk.send(new ConfirmSignUpCommand({ ClientId, Username: email, ConfirmationCode: code }));
      const target = other ? otherPool : pool;
      const username = cloud.cognitoIdp.users.bySignInName(target, email)!.username;
      for (const group of groups) cloud.cognitoIdp.users.addToGroup(target.id, group, username);
      const signedIn = await sdk.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
      return { idToken: signedIn.AuthenticationResult!.IdToken!, accessToken: signedIn.AuthenticationResult!.AccessToken! };
    },
    async close() {
      sdk.destroy();
      await cloud.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
