import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCloudAssembly } from './cloud-assembly';
import { UNRESOLVED } from './types';

/** A two-stack assembly exercising each intrinsic the loader supports. */
function fixture(rootResources: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'assembly-'));
  const nested = {
    Parameters: { PoolArnParam: { Type: 'String' }, Stage: { Type: 'String', Default: 'dev' } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: { Statement: [] },
          Description: { 'Fn::Sub': 'reads ${PoolArnParam} in ${AWS::Region}, ${!Literal}' },
          Tags: [{ Key: 'stage', Value: { 'Fn::If': ['IsProd', 'production', { Ref: 'AWS::NoValue' }] } }],
        },
      },
      ProdOnly: { Type: 'AWS::SNS::Topic', Condition: 'IsProd', Properties: {} },
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'my-fixed-bucket' } },
    },
    Outputs: {
      RoleArn: { Value: { 'Fn::GetAtt': ['Role', 'Arn'] } },
      BucketRef: { Value: { Ref: 'Bucket' } },
    },
  };
  const root = {
    Metadata: { 'AWS::Amplify::Auth': { version: '1', stackOutputs: ['userPoolId'] } },
    Resources: {
      Pool: { Type: 'AWS::Cognito::UserPool', Properties: { UserPoolName: 'pool' } },
      Client: {
        Type: 'AWS::Cognito::UserPoolClient',
        Properties: {
          UserPoolId: { Ref: 'Pool' },
          CallbackURLs: { 'Fn::Split': [',', 'http://a/,http://b/'] },
          First: { 'Fn::Select': [1, ['x', 'y', 'z']] },
        },
      },
      Secrets: { Type: 'Custom::SecretFetcher', Properties: {} },
      Provider: {
        Type: 'AWS::Cognito::UserPoolIdentityProvider',
        Properties: {
          ProviderName: 'Google',
          ProviderDetails: {
            client_id: { 'Fn::GetAtt': ['Secrets', 'GOOGLE_ID'] },
            joined: { 'Fn::Join': ['-', ['x', { 'Fn::GetAtt': ['Secrets', 'OTHER'] }]] },
          },
        },
      },
      Child: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: {
          TemplateURL: { 'Fn::Join': ['', ['https://s3.', { Ref: 'AWS::Region' }, '.amazonaws.com/bucket/abc123.json']] },
          Parameters: { PoolArnParam: { 'Fn::GetAtt': ['Pool', 'Arn'] } },
        },
      },
      UsesChild: {
        Type: 'AWS::IAM::Policy',
        Properties: { Roles: [{ 'Fn::GetAtt': ['Child', 'Outputs.RoleArn'] }] },
      },
      ...rootResources,
    },
    Outputs: {
      userPoolId: { Value: { Ref: 'Pool' } },
      bucket: { Value: { 'Fn::GetAtt': ['Child', 'Outputs.BucketRef'] } },
    },
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'root.template.json'), JSON.stringify(root));
  writeFileSync(join(dir, 'child.nested.template.json'), JSON.stringify(nested));
  writeFileSync(
    join(dir, 'root.assets.json'),
    JSON.stringify({
      files: {
        abc123: { source: { path: 'child.nested.template.json' }, destinations: { d: { objectKey: 'abc123.json' } } },
      },
    }),
  );
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        'root.assets': { type: 'cdk:asset-manifest', properties: { file: 'root.assets.json' } },
        'amplify-app-dev-sandbox-0123456789': {
          type: 'aws:cloudformation:stack',
          properties: { templateFile: 'root.template.json' },
        },
      },
    }),
  );
  return dir;
}

describe('loadCloudAssembly', () => {
  it('gives Cognito-shaped, deterministic identifiers', () => {
    const dir = fixture();
    const a = loadCloudAssembly(dir);
    const b = loadCloudAssembly(fixture());
    const [pool] = a.ofType('AWS::Cognito::UserPool');
    expect(pool.ref).toMatch(/^us-east-1_[0-9A-Za-z]{9}$/);
    expect(pool.arn).toBe(`arn:aws:cognito-idp:us-east-1:000000000000:userpool/${pool.ref}`);
    expect(a.ofType('AWS::Cognito::UserPoolClient')[0].ref).toMatch(/^[a-z0-9]{26}$/);
    expect(b.ofType('AWS::Cognito::UserPool')[0].ref).toBe(pool.ref);
    expect(a.resources.map((r) => r.ref)).toEqual(b.resources.map((r) => r.ref));
  });

  it('resolves Ref, GetAtt, Join, Sub, Select, Split, If and AWS::NoValue', () => {
    const assembly = loadCloudAssembly(fixture());
    const pool = assembly.ofType('AWS::Cognito::UserPool')[0];
    const client = assembly.ofType('AWS::Cognito::UserPoolClient')[0];
    expect(client.properties).toEqual({ UserPoolId: pool.ref, CallbackURLs: ['http://a/', 'http://b/'], First: 'y' });
    const role = assembly.ofType('AWS::IAM::Role')[0];
    expect(role.properties.Description).toBe(`reads ${pool.arn} in us-east-1, \${Literal}`);
    expect(role.properties.Tags).toEqual([{ Key: 'stage' }]);
  });

  it('opens nested stacks with their parameters, and reads their outputs', () => {
    const assembly = loadCloudAssembly(fixture());
    const role = assembly.ofType('AWS::IAM::Role')[0];
    expect(assembly.ofType('AWS::IAM::Policy')[0].properties.Roles).toEqual([role.arn]);
    expect(assembly.rootOutputs).toEqual({ userPoolId: assembly.ofType('AWS::Cognito::UserPool')[0].ref, bucket: 'my-fixed-bucket' });
    expect(assembly.find('my-fixed-bucket')?.arn).toBe('arn:aws:s3:::my-fixed-bucket');
    expect(assembly.find(role.arn!)?.logicalId).toBe('Role');
  });

  it('skips resources whose condition is false', () => {
    expect(loadCloudAssembly(fixture()).ofType('AWS::SNS::Topic')).toEqual([]);
  });

  it('marks values that only exist at deploy time instead of inventing them', () => {
    const provider = loadCloudAssembly(fixture()).ofType('AWS::Cognito::UserPoolIdentityProvider')[0];
    expect(provider.properties).toEqual({
      ProviderName: 'Google',
      ProviderDetails: { client_id: { [UNRESOLVED]: 'Secrets.GOOGLE_ID' }, joined: { [UNRESOLVED]: 'Secrets.OTHER' } },
    });
  });

  it('names what is wrong with a broken assembly', () => {
    const dir = fixture({ Broken: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Missing' }] } } });
    expect(() => loadCloudAssembly(dir)).toThrow(/Ref to unknown "Missing"/);
    expect(() => loadCloudAssembly(join(dir, 'nope'))).toThrow(/manifest\.json/);
  });
});
