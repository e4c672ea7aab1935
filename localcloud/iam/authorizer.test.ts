import { describe, expect, it } from 'vitest';
import { synthesizedAssembly } from '../lambda/testing/synthesized';
import { openDatabase } from '../store/store';
import { createIamServices } from '.';

/** The authorizer on the synthesized backend: identity policies + the bucket policy, and the transport rule. */
describe('authorize() on the synthesized backend', () => {
  const assembly = synthesizedAssembly();
  const iam = createIamServices(assembly, openDatabase(':memory:'));
  const bucket = assembly.ofType('AWS::S3::Bucket')[0].ref;
  const roles = assembly.ofType('AWS::Cognito::IdentityPoolRoleAttachment')[0].properties.Roles;
  const auth = iam.account.roles.get(roles.authenticated)!;
  const credentials = iam.credentials.issue({ roleArn: auth.arn, roleId: auth.roleId, identityId: 'us-east-1:aaaa', identityPoolId: 'us-east-1:pool', amr: ['authenticated'] });

  it('binds issued credentials to role, identity and expiry, and finds them by access key', () => {
    const found = iam.lookupCredentials(credentials.accessKeyId)!;
    expect(found).toMatchObject({ roleArn: auth.arn, identityId: 'us-east-1:aaaa', sessionName: 'CognitoIdentityCredentials' });
    expect(found.expiration.getTime() - found.issuedAt.getTime()).toBe(3600_000);
    expect(iam.lookupCredentials('ASIANOPE')).toBeUndefined();
  });

  it('allows own-folder writes from loopback, and denies everything from a non-loopback address (the bucket policy’s TLS rule)', () => {
    const resource = `arn:aws:s3:::${bucket}/private/us-east-1:aaaa/x`;
    expect(iam.authorize({ credentials, action: 's3:PutObject', resource, sourceIp: '127.0.0.1' })).toMatchObject({ allowed: true, decision: 'Allow' });
    expect(iam.authorize({ credentials, action: 's3:PutObject', resource, sourceIp: '::1' })).toMatchObject({ allowed: true });
    const remote = iam.authorize({ credentials, action: 's3:PutObject', resource, sourceIp: '10.1.2.3' });
    expect(remote).toMatchObject({ allowed: false, decision: 'ExplicitDeny' });
    expect(remote.decidedBy).toMatch(/bucket policy/);
    expect(iam.authorize({ credentials, action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/private/us-east-1:bbbb/x` })).toMatchObject({
      allowed: false,
      decision: 'ImplicitDeny',
    });
  });

  it('issues role credentials for a Lambda execution role (no identity) that authorize against that role', () => {
    const fn = assembly.ofType('AWS::Lambda::Function').find((f) => f.properties.Tags?.some((t: { Value: string }) => t.Value === 'post-confirmation'))!;
    const c = iam.issueRoleCredentials({ roleArn: fn.properties.Role, sessionName: 'post-confirmation', durationSeconds: 900 });
    const bound = iam.lookupCredentials(c.accessKeyId)!;
    expect(bound.identityId).toBeUndefined();
    const pool = assembly.ofType('AWS::Cognito::UserPool')[0];
    expect(iam.authorize({ credentials: bound, action: 'cognito-idp:AdminAddUserToGroup', resource: pool.arn! }).allowed).toBe(true);
    expect(iam.authorize({ credentials: bound, action: 'cognito-idp:AdminDeleteUser', resource: pool.arn! }).allowed).toBe(false);
  });
});
