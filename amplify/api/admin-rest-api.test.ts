import { beforeAll, describe, expect, it } from 'vitest';
import type { Template } from 'aws-cdk-lib/assertions';
import { loadBackend, logicalId, readable, resourcesOf } from '../testing/synthesized-backend';
import { ADMIN_API_ACTIONS } from './admin-rest-api';
import { ROUTES } from './contract';

/** The admin REST API as synthesized: what deploys to AWS and what the local cloud serves. */
let api: Template;
let functions: Template;
let storage: Template;
let root: Template;

beforeAll(async () => {
  ({ api, functions, storage, root } = await loadBackend());
});

const resources = () => api.toJSON().Resources as Record<string, { Type: string; Properties: any }>;

/** `/users/{username}/groups/{group}` for an AWS::ApiGateway::Resource or the root. */
function pathOf(resourceId: unknown): string {
  if (typeof resourceId === 'object' && resourceId && 'Fn::GetAtt' in resourceId) return '';
  const id = (resourceId as { Ref: string }).Ref;
  const { ParentId, PathPart } = resources()[id].Properties;
  return `${pathOf(ParentId)}/${PathPart}`;
}

const methods = () => resourcesOf(api, 'AWS::ApiGateway::Method').map(([, m]) => ({ ...m, path: pathOf(m.ResourceId) }));

describe('the admin REST API', () => {
  it('has exactly the routes of the contract, each behind the Cognito user pools authorizer and the function', () => {
    const authorizerId = logicalId(api, 'AWS::ApiGateway::Authorizer', 'AdminApiAuthorizer');
    const routes = methods().filter((m) => m.HttpMethod !== 'OPTIONS');
    expect(routes.map((m) => `${m.HttpMethod} ${m.path}`).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.resource}`).sort());
    for (const method of routes) {
      expect(method).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: authorizerId },
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
      expect(JSON.stringify(method.Integration.Uri)).toContain('adminapilambda');
    }
    const [[, authorizer]] = resourcesOf(api, 'AWS::ApiGateway::Authorizer');
    expect(authorizer).toMatchObject({ Type: 'COGNITO_USER_POOLS', IdentitySource: 'method.request.header.Authorization' });
    expect(JSON.stringify(authorizer.ProviderARNs)).toMatch(/amplifyAuthUserPool.*Arn/);
  });

  it("answers CORS preflights for the app's origins only, without authorization", () => {
    const preflights = methods().filter((m) => m.HttpMethod === 'OPTIONS');
    expect(preflights.length).toBeGreaterThan(0);
    for (const preflight of preflights) {
      expect(preflight.AuthorizationType).toBe('NONE');
      const [response] = preflight.Integration.IntegrationResponses;
      expect(response.ResponseParameters).toMatchObject({
        'method.response.header.Access-Control-Allow-Origin': "'http://localhost:5173'",
        'method.response.header.Access-Control-Allow-Headers': "'Authorization,Content-Type'",
        'method.response.header.Access-Control-Allow-Methods': "'GET,PUT,POST,DELETE'",
      });
      // The second origin (the deployed app) is chosen by API Gateway's template when it is the caller's.
      expect(response.ResponseTemplates['application/json']).toContain('$origin == "https://vault.example.com"');
    }
    const gateway = resourcesOf(api, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => r);
    expect(gateway.map((r) => r.ResponseType).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
  });

  it('deploys one stage, owns no account-wide API Gateway settings, and is in amplify_outputs.json as custom.API.adminApi', () => {
    expect(resourcesOf(api, 'AWS::ApiGateway::Stage').map(([, s]) => s.StageName)).toEqual(['prod']);
    expect(resourcesOf(api, 'AWS::ApiGateway::Account')).toEqual([]);
    const outputs = JSON.stringify(root.toJSON().Outputs.customOutputs.Value);
    expect(outputs).toContain('{\\"custom\\":{\\"API\\":{\\"adminApi\\":{\\"endpoint\\":\\"https://');
    expect(outputs).toContain('\\"apiName\\":\\"adminApi\\"');
  });
});

describe("the function's role: exactly what its routes use", () => {
  const fnId = () => logicalId(functions, 'AWS::Lambda::Function', 'adminapilambda');
  const roleId = () => functions.toJSON().Resources[fnId()].Properties.Role['Fn::GetAtt'][0];

  it('may call the thirteen user-pool actions of its routes on this pool, and read the bucket name it is given', () => {
    const statements = resourcesOf(functions, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Roles).includes(`"${roleId()}"`))
      .flatMap(([, p]) => p.PolicyDocument.Statement);
    const pool = statements.find((s: any) => JSON.stringify(s.Action).includes('cognito-idp'));
    expect(pool.Action).toEqual(ADMIN_API_ACTIONS);
    expect(ADMIN_API_ACTIONS).toHaveLength(13);
    expect(JSON.stringify(pool.Resource)).toMatch(/amplifyAuthUserPool.*Arn/);
    const others = statements.filter((s: any) => s !== pool);
    expect(others.map((s: any) => s.Action)).toEqual(['ssm:GetParameters']);
    expect(JSON.stringify(others[0].Resource)).toMatch(/VAULT_FILES_BUCKET_NAME/);
  });

  it('reads and writes the audit log under audit/ and writes owner names under owners/, and deletes nothing', () => {
    const bucket = logicalId(storage, 'AWS::S3::Bucket', 'vaultFilesBucket');
    const grants = resourcesOf(storage, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Roles).includes('adminapilambdaServiceRole'))
      .flatMap(([, p]) => readable(p.PolicyDocument.Statement, { [bucket]: 'BUCKET' }));
    expect(grants).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: 'BUCKET/audit/*' },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: 'BUCKET', Condition: { StringLike: { 's3:prefix': ['audit/*', 'audit/'] } } },
      { Action: 's3:PutObject', Effect: 'Allow', Resource: ['BUCKET/audit/*', 'BUCKET/owners/*'] },
    ]);
  });

  it('is told the pools, the bucket and the app origins, and runs on the current Node.js runtime', () => {
    const { Environment, Runtime, Timeout } = functions.toJSON().Resources[fnId()].Properties;
    expect(Runtime).toBe('nodejs24.x');
    expect(Timeout).toBe(10);
    expect(Environment.Variables.ALLOWED_ORIGINS).toBe('http://localhost:5173,https://vault.example.com');
    expect(JSON.stringify(Environment.Variables.USER_POOL_ID)).toMatch(/amplifyAuthUserPool.*Ref/);
    expect(JSON.stringify(Environment.Variables.IDENTITY_POOL_ID)).toMatch(/amplifyAuthIdentityPool.*Ref/);
    expect(Environment.Variables.AMPLIFY_SSM_ENV_CONFIG).toContain('VAULT_FILES_BUCKET_NAME');
  });
});
