import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { S3Client } from '@aws-sdk/client-s3';
import { synthesizedAssembly } from '../../lambda/testing/synthesized';
import { createCognitoIdentityService } from '../../cognito-identity';
import { createIamServices } from '../../iam';
import { generateRsaKeyPair } from '../../services/keys';
import { openDatabase } from '../../store/store';
import { loadCloudAssembly } from '../../provisioning/cloud-assembly';
import type { ProvisionedAssembly } from '../../provisioning/types';
import { createS3Service } from '..';

/**
 * A local cloud for tests: the real synthesized backend (amplify/ synthesized
 * offline, cached by input hash), cognito-identity + S3 on an http server on
 * port 0, and id tokens minted with a test RS256 key (standing in for the user
 * pool, which is another service).
 */
export function testAssemblyDir(): string {
  return synthesizedAssembly().directory;
}

export interface TestUser {
  sub: string;
  username: string;
  groups?: string[];
}

export async function startTestCloud(options: { now?: () => Date; stateDir?: string } = {}) {
  const assembly = loadCloudAssembly(testAssemblyDir());
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'localcloud-state-'));
  const db = openDatabase(join(stateDir, 'state.sqlite'));
  const now = options.now ?? (() => new Date());
  const { privateKey, publicKey } = generateRsaKeyPair();
  const iam = createIamServices(assembly, db, now);
  const identity = createCognitoIdentityService({
    assembly,
    db,
    iam,
    now,
    verifyIdToken: async (token) => (await jwtVerify(token, publicKey, { algorithms: ['RS256'], clockTolerance: 0, currentDate: now() })).payload,
  });
  const s3 = createS3Service({ assembly, db, stateDir, iam, now });
  const services = [identity, s3];
  const server: Server = createServer((req, res) => {
    const service = services.find((s) => s.matches(req)) ?? s3;
    service.handle(req, res).catch((e) => {
      console.error(e);
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;

  const userPool = assembly.ofType('AWS::Cognito::UserPool')[0];
  const client = assembly.ofType('AWS::Cognito::UserPoolClient')[0];
  const identityPoolId = assembly.ofType('AWS::Cognito::IdentityPool')[0].ref;
  const bucket = assembly.ofType('AWS::S3::Bucket')[0].ref;
  const groupRole = (group: string) => assembly.ofType('AWS::Cognito::UserPoolGroup').find((g) => g.properties.GroupName === group)?.properties.RoleArn as string;
  const issuer = `https://cognito-idp.${assembly.region}.amazonaws.com/${userPool.ref}`;
  const providerName = issuer.replace('https://', '');

  async function mintIdToken(user: TestUser, overrides: Record<string, unknown> = {}, key = privateKey): Promise<string> {
    const iat = Math.floor(now().getTime() / 1000);
    const groups = user.groups ?? [];
    const claims: Record<string, unknown> = {
      sub: user.sub,
      'cognito:username': user.username,
      token_use: 'id',
      auth_time: iat,
      email: `${user.username}@example.com`,
    };
    if (groups.length > 0) {
      // As Cognito does: groups by precedence, their roles, the best one preferred.
      const sorted = assembly
        .ofType('AWS::Cognito::UserPoolGroup')
        .filter((g) => groups.includes(g.properties.GroupName))
        .sort((a, b) => (a.properties.Precedence ?? 1e9) - (b.properties.Precedence ?? 1e9));
      claims['cognito:groups'] = sorted.map((g) => g.properties.GroupName);
      claims['cognito:roles'] = sorted.map((g) => g.properties.RoleArn);
      claims['cognito:preferred_role'] = sorted[0].properties.RoleArn;
    }
    Object.assign(claims, overrides);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test' })
      .setIssuer(String(overrides.iss ?? issuer))
      .setAudience(String(overrides.aud ?? client.ref))
      .setIssuedAt(iat)
      .setExpirationTime(Number(overrides.exp ?? iat + 3600))
      .sign(key);
  }

  const identityClient = new CognitoIdentityClient({ region: assembly.region, endpoint, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });

  /** GetId + GetCredentialsForIdentity with the real SDK client, as aws-amplify does it. */
  async function credentialsFor(idToken?: string, identityId?: string) {
    const Logins = idToken ? { [providerName]: idToken } : undefined;
    const id = identityId ?? (await identityClient.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins }))).IdentityId!;
    const out = await identityClient.send(new GetCredentialsForIdentityCommand({ IdentityId: id, Logins }));
    return {
      identityId: out.IdentityId!,
      credentials: {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretKey!,
        sessionToken: out.Credentials!.SessionToken!,
        expiration: out.Credentials!.Expiration,
      },
    };
  }

  const s3Client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, extra: Record<string, unknown> = {}) =>
    new S3Client({ region: assembly.region, endpoint, forcePathStyle: true, credentials, maxAttempts: 1, ...extra });

  /** Writes an object straight into the store (test setup, bypassing IAM). */
  function seedObject(key: string, body: string | Buffer, contentType = 'text/plain') {
    const temp = s3.objects.newTempPath();
    writeFileSync(temp, body);
    const data = Buffer.from(body);
    const file = s3.objects.seal(temp);
    s3.objects.put({
      bucket,
      key,
      size: data.length,
      etag: `"${createHash('md5').update(data).digest('hex')}"`,
      lastModified: now(),
      contentType,
      headers: {},
      metadata: {},
      segments: [{ file, size: data.length }],
    });
  }

  return {
    seedObject,
    assembly: assembly as ProvisionedAssembly,
    port,
    endpoint,
    stateDir,
    db,
    iam,
    objects: s3.objects,
    server,
    userPoolId: userPool.ref,
    clientId: client.ref,
    identityPoolId,
    providerName,
    bucket,
    groupRole,
    mintIdToken,
    identityClient,
    credentialsFor,
    s3Client,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      db.close();
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export type TestCloud = Awaited<ReturnType<typeof startTestCloud>>;
