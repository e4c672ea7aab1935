import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfirmSignUpCommand, CognitoIdentityProviderClient, GlobalSignOutCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizedAssembly } from '../lambda/testing/synthesized';
import type { ProvisionedAssembly } from '../provisioning/types';
import { type LocalCloud, startLocalCloud } from '../server';

/**
 * The whole chain on the real server: sign up and SRP sign-in on the local user
 * pool, id token → identity pool credentials (Logins key = the token's issuer
 * without scheme), S3 with them; state survives a restart; reset wipes it.
 */
const PASSWORD = 'Correct-horse-battery-9!';
let assembly: ProvisionedAssembly;
let cloud: LocalCloud;
let root: string;

let phones = 0;
async function signedInIdToken(email: string): Promise<string> {
  const poolId = assembly.ofType('AWS::Cognito::UserPool')[0].ref;
  const clientId = assembly.ofType('AWS::Cognito::UserPoolClient')[0].ref;
  const idp = new CognitoIdentityProviderClient({ region: assembly.region, endpoint: cloud.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await idp.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: email,
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'phone_number', Value: `+1555000${String(1000 + ++phones)}` }, // unique per user
      ],
    }),
  );
  const code = cloud.outbox.list().filter((m) => m.to === email).at(-1)!.code;
  await idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));
  const user = new CognitoUser({ Username: email, Pool: new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: cloud.url }) });
  const session = await new Promise<any>((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: email, Password: PASSWORD }), { onSuccess: resolve, onFailure: reject }),
  );
  return session.getIdToken().getJwtToken();
}

async function credentials(idToken?: string) {
  const identity = new CognitoIdentityClient({ region: assembly.region, endpoint: cloud.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const poolId = assembly.ofType('AWS::Cognito::IdentityPool')[0].ref;
  const Logins = idToken ? { [String(decodeJwt(idToken).iss).replace(/^https?:\/\//, '')]: idToken } : undefined;
  const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins }));
  const out = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
  const s3 = new S3Client({
    region: assembly.region,
    endpoint: cloud.url,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretKey!, sessionToken: out.Credentials!.SessionToken! },
  });
  return { identityId: IdentityId!, s3 };
}

beforeAll(async () => {
  assembly = synthesizedAssembly();
  root = mkdtempSync(join(tmpdir(), 's3-server-'));
  cloud = await startLocalCloud({ stateDir: join(root, 'state'), assemblyDir: assembly.directory, port: 0 });
}, 120_000);
afterAll(async () => {
  await cloud?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('identity pool + S3 on the local cloud server', () => {
  it('a user signed in on the local user pool writes their private folder; a guest cannot read it', async () => {
    const bucket = assembly.ofType('AWS::S3::Bucket')[0].ref;
    const idToken = await signedInIdToken('s3-user@example.com');
    expect(String(decodeJwt(idToken).iss)).toMatch(/^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_/);
    const me = await credentials(idToken);
    const again = await credentials(idToken);
    expect(again.identityId).toBe(me.identityId);
    await me.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `private/${me.identityId}/a.txt`, Body: 'mine' }));
    const got = await me.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `private/${me.identityId}/a.txt` }));
    expect(await got.Body!.transformToString()).toBe('mine');
    const guest = await credentials();
    await expect(guest.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `private/${me.identityId}/a.txt` }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(guest.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'public/' }))).resolves.toMatchObject({ KeyCount: 0 });
  });

  it('unsigned requests for unknown paths still get the server’s 404; S3-signed ones to unknown buckets get NoSuchBucket', async () => {
    const unknown = await fetch(`${cloud.url}/nowhere`);
    expect(unknown.status).toBe(404);
    const me = await credentials();
    await expect(me.s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket', Prefix: 'public/' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it("answers with the bucket's CORS rules, ETag exposed", async () => {
    const bucket = assembly.ofType('AWS::S3::Bucket')[0].ref;
    const me = await credentials();
    const url = await (await import('@aws-sdk/s3-request-presigner')).getSignedUrl(
      me.s3,
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'public/' }),
      { expiresIn: 60 },
    );
    const res = await fetch(url, { headers: { origin: 'http://localhost:5173' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*'); // AllowedOrigins: ["*"]
    expect(res.headers.get('access-control-expose-headers')!.split(', ')).toEqual(['x-amz-server-side-encryption', 'x-amz-request-id', 'x-amz-id-2', 'ETag']);
  });

  it("answers browser preflights for the bucket from the bucket's CORS rules", async () => {
    const bucket = assembly.ofType('AWS::S3::Bucket')[0].ref;
    const preflight = (method: string, origin = 'http://localhost:5173', path = `/${bucket}/public/a.txt`) =>
      fetch(`${cloud.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,x-amz-date,content-type' },
      });
    const put = await preflight('PUT');
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-max-age')).toBe('3000'); // the bucket rule's MaxAge
    expect(put.headers.get('access-control-allow-methods')).toContain('PUT');
    // The bucket-less POST /?delete of aws-amplify's test endpoint is the bucket's too.
    expect((await preflight('POST', undefined, '/?delete')).status).toBe(200);
    // A method no rule allows is refused, as S3 does.
    expect((await preflight('PATCH')).status).toBe(403);
    // Foreign sites get nothing from the local cloud, whatever the bucket allows.
    expect((await preflight('PUT', 'https://evil.example')).status).toBe(403);
  });

  it('refuses an id token revoked by GlobalSignOut', async () => {
    const email = 'revoked@example.com';
    const idToken = await signedInIdToken(email);
    await credentials(idToken);
    const clientId = assembly.ofType('AWS::Cognito::UserPoolClient')[0].ref;
    const poolId = assembly.ofType('AWS::Cognito::UserPool')[0].ref;
    const user = new CognitoUser({ Username: email, Pool: new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: cloud.url }) });
    const session = await new Promise<any>((resolve, reject) =>
      user.authenticateUser(new AuthenticationDetails({ Username: email, Password: PASSWORD }), { onSuccess: resolve, onFailure: reject }),
    );
    const idp = new CognitoIdentityProviderClient({ region: assembly.region, endpoint: cloud.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await idp.send(new GlobalSignOutCommand({ AccessToken: session.getAccessToken().getJwtToken() }));
    await expect(credentials(session.getIdToken().getJwtToken())).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('reset wipes objects, identities and credentials', async () => {
    const bucket = assembly.ofType('AWS::S3::Bucket')[0].ref;
    const idToken = await signedInIdToken('reset-user@example.com');
    const me = await credentials(idToken);
    await me.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `private/${me.identityId}/gone.txt`, Body: 'x' }));
    expect((await fetch(`${cloud.url}/_localcloud/reset`, { method: 'POST' })).status).toBe(200);
    await expect(me.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `private/${me.identityId}/gone.txt` }))).rejects.toMatchObject({
      name: 'InvalidAccessKeyId',
    });
  });
});
