import { describe, expect, it } from 'vitest';
import { loadCloudAssembly } from './cloud-assembly';
import { generateLocalClientOutputs } from './client-outputs';
import { ASSEMBLY_DIR as ASSEMBLY } from '../../scripts/synth-context';

// Vitest's global setup (scripts/vitest-global-setup.ts) synthesizes it when it is missing or stale.
describe('amplify_outputs.json from the synthesized backend', () => {
  it('carries the local identifiers and the local cloud endpoints', async () => {
    const assembly = loadCloudAssembly(ASSEMBLY);
    const outputs: any = await generateLocalClientOutputs(assembly, 'http://localhost:20005', 'localhost:20443');
    const pool = assembly.ofType('AWS::Cognito::UserPool')[0];
    const client = assembly.ofType('AWS::Cognito::UserPoolClient')[0];
    const identityPool = assembly.ofType('AWS::Cognito::IdentityPool')[0];
    const bucket = assembly.ofType('AWS::S3::Bucket')[0];
    expect(outputs.auth).toMatchObject({
      user_pool_id: pool.ref,
      user_pool_client_id: client.ref,
      identity_pool_id: identityPool.ref,
      aws_region: 'us-east-1',
      username_attributes: ['email', 'phone_number'],
      password_policy: { min_length: 12 },
      mfa_methods: ['SMS', 'TOTP'],
      unauthenticated_identities_enabled: true,
    });
    // aws-amplify opens https://<domain>/oauth2/authorize: the local cloud's HTTPS listener.
    expect(outputs.auth.oauth.domain).toBe('localhost:20443');
    expect(outputs.auth.oauth.identity_providers).toEqual(['GOOGLE', 'FACEBOOK', 'LOGIN_WITH_AMAZON', 'SIGN_IN_WITH_APPLE']);
    expect(outputs.storage.bucket_name).toBe(bucket.ref);
    expect(Object.keys(outputs.storage.buckets[0].paths)).toContain('private/${cognito-identity.amazonaws.com:sub}/*');
    expect(outputs.custom.local_cloud).toEqual({
      endpoint: 'http://localhost:20005',
      userPoolEndpoint: 'http://localhost:20005',
      identityPoolEndpoint: 'http://localhost:20005',
      s3Endpoint: 'http://localhost:20005',
      outbox: 'http://localhost:20005/_localcloud/outbox',
    });
  });
});
