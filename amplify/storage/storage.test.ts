import { beforeAll, describe, expect, it } from 'vitest';
import type { Template } from 'aws-cdk-lib/assertions';
import { loadBackend, logicalId, readable, resourcesOf } from '../testing/synthesized-backend';

/**
 * Each storage rule, as the exact IAM statements every identity-pool role gets.
 * Statements are flattened to one line per grant so the expectations below
 * read like the access table in amplify/storage/resource.ts.
 */
let storage: Template;
let names: Record<string, string>;

beforeAll(async () => {
  ({ storage } = await loadBackend());
  names = { [logicalId(storage, 'AWS::S3::Bucket', 'vaultFilesBucket')]: 'BUCKET' };
  // Role references arrive in the storage stack as parameters from the auth stack.
  for (const parameter of Object.keys(storage.toJSON().Parameters ?? {})) {
    const role = /amplifyAuth(unauthenticatedUserRole|authenticatedUserRole|ADMINSGroupRole|EDITORSGroupRole)/.exec(parameter);
    if (role) {
      names[parameter] = {
        unauthenticatedUserRole: 'GUEST',
        authenticatedUserRole: 'AUTHENTICATED',
        ADMINSGroupRole: 'ADMINS',
        EDITORSGroupRole: 'EDITORS',
      }[role[1]]!;
    }
  }
});

type Statement = { Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: any };

function grantsOf(role: string): string[] {
  const lines = new Set<string>();
  for (const [, policy] of resourcesOf(storage, 'AWS::IAM::Policy')) {
    const roles: string[] = readable(policy.Roles, names);
    if (!roles.includes(role)) continue;
    for (const s of readable(policy.PolicyDocument.Statement, names) as Statement[]) {
      for (const action of [s.Action].flat()) {
        for (const resource of [s.Resource].flat()) {
          if (s.Condition) {
            const prefixes = s.Condition.StringLike['s3:prefix'];
            expect(Object.keys(s.Condition)).toEqual(['StringLike']);
            for (const prefix of [prefixes].flat()) lines.add(`${s.Effect} ${action} ${resource} prefix=${prefix}`);
          } else {
            lines.add(`${s.Effect} ${action} ${resource}`);
          }
        }
      }
    }
  }
  return [...lines].sort();
}

const SUB = '${cognito-identity.amazonaws.com:sub}';

const AUTHENTICATED = [
  'Allow s3:DeleteObject BUCKET/private/' + SUB + '/*',
  'Allow s3:DeleteObject BUCKET/protected/' + SUB + '/*',
  'Allow s3:DeleteObject BUCKET/public/' + SUB + '/*',
  'Allow s3:GetObject BUCKET/owners/*',
  'Allow s3:GetObject BUCKET/private/' + SUB + '/*',
  'Allow s3:GetObject BUCKET/protected/*',
  'Allow s3:GetObject BUCKET/public/*',
  'Allow s3:GetObject BUCKET/shared/*',
  'Allow s3:ListBucket BUCKET prefix=private/' + SUB + '/',
  'Allow s3:ListBucket BUCKET prefix=private/' + SUB + '/*',
  'Allow s3:ListBucket BUCKET prefix=protected/',
  'Allow s3:ListBucket BUCKET prefix=protected/*',
  'Allow s3:ListBucket BUCKET prefix=public/',
  'Allow s3:ListBucket BUCKET prefix=public/*',
  'Allow s3:ListBucket BUCKET prefix=shared/',
  'Allow s3:ListBucket BUCKET prefix=shared/*',
  'Allow s3:PutObject BUCKET/private/' + SUB + '/*',
  'Allow s3:PutObject BUCKET/protected/' + SUB + '/*',
  'Allow s3:PutObject BUCKET/public/' + SUB + '/*',
];

// Delete, never put: an editor removes someone's public file but cannot replace it.
const EDITORS_EXTRA = [
  'Allow s3:DeleteObject BUCKET/public/*',
  'Allow s3:DeleteObject BUCKET/shared/*',
  'Allow s3:PutObject BUCKET/shared/*',
];

const ADMINS_EXTRA = [
  ...EDITORS_EXTRA,
  'Allow s3:DeleteObject BUCKET/admin/*',
  'Allow s3:GetObject BUCKET/admin/*',
  'Allow s3:ListBucket BUCKET prefix=admin/',
  'Allow s3:ListBucket BUCKET prefix=admin/*',
  'Allow s3:PutObject BUCKET/admin/*',
];

describe('storage access through identity-pool roles', () => {
  it('guests read public/ and nothing else', () => {
    expect(grantsOf('GUEST')).toEqual([
      'Allow s3:GetObject BUCKET/public/*',
      'Allow s3:ListBucket BUCKET prefix=public/',
      'Allow s3:ListBucket BUCKET prefix=public/*',
    ]);
  });

  it('signed-in users: read all public/ and protected/, write and delete only their own public/, protected/ and private/ folders, read shared/', () => {
    expect(grantsOf('AUTHENTICATED')).toEqual(AUTHENTICATED);
  });

  it('EDITORS keep every signed-in grant (issue 1771 fix) and also delete any public/ file (not replace it) and manage shared/', () => {
    expect(grantsOf('EDITORS')).toEqual([...AUTHENTICATED, ...EDITORS_EXTRA].sort());
  });

  it('ADMINS keep every signed-in grant (issue 1771 fix) and also manage shared/ and admin/', () => {
    expect(grantsOf('ADMINS')).toEqual([...new Set([...AUTHENTICATED, ...ADMINS_EXTRA])].sort());
  });

  it('nobody but the owner writes a public/ folder', () => {
    for (const role of ['GUEST', 'AUTHENTICATED', 'EDITORS', 'ADMINS']) {
      const publicPuts = grantsOf(role).filter((line) => line.startsWith('Allow s3:PutObject BUCKET/public/'));
      expect(publicPuts).toEqual(role === 'GUEST' ? [] : [`Allow s3:PutObject BUCKET/public/${SUB}/*`]);
    }
  });

  it('only ADMINS reach admin/, and nobody but the owner writes a private/ folder', () => {
    for (const role of ['GUEST', 'AUTHENTICATED', 'EDITORS']) {
      expect(grantsOf(role).filter((line) => line.includes('admin/'))).toEqual([]);
    }
    for (const role of ['GUEST', 'AUTHENTICATED', 'EDITORS', 'ADMINS']) {
      const privateGrants = grantsOf(role).filter((line) => line.includes('/private/') || line.includes('=private/'));
      expect(privateGrants.every((line) => line.includes(`private/${SUB}/`))).toBe(true);
    }
  });

  it('owner names: every signed-in role gets an entry by its key, none lists, writes or deletes them, guests see none', () => {
    for (const role of ['GUEST', 'AUTHENTICATED', 'EDITORS', 'ADMINS']) {
      expect(grantsOf(role).filter((line) => line.includes('owners/'))).toEqual(role === 'GUEST' ? [] : ['Allow s3:GetObject BUCKET/owners/*']);
    }
  });

  it('the bucket refuses requests that are not over TLS', () => {
    const [[, bucketPolicy]] = resourcesOf(storage, 'AWS::S3::BucketPolicy');
    const statements = readable(bucketPolicy.PolicyDocument.Statement, names);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('the bucket lets the browser upload (CORS exposes ETag for multipart)', () => {
    const [[, bucket]] = resourcesOf(storage, 'AWS::S3::Bucket');
    const rules = bucket.CorsConfiguration.CorsRules;
    expect(rules[0].ExposedHeaders).toContain('ETag');
    expect(rules[0].AllowedMethods).toEqual(expect.arrayContaining(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']));
  });
});
