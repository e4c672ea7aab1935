import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfirmSignUpCommand, CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { S3Client } from '@aws-sdk/client-s3';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { decodeJwt } from 'jose';
import { synthesizedAssembly } from '../../lambda/testing/synthesized';
import type { ProvisionedAssembly } from '../../provisioning/types';
import { type LocalCloud, startLocalCloud } from '../../server';

/**
 * The real local cloud (startLocalCloud, port 0, a temp state dir) and
 * identity-pool credentials for a user who really signed up, confirmed with
 * the outbox's code and signed in with SRP — or for a guest.
 */
export interface Caller {
  identityId: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  s3: S3Client;
}

export interface SignedInCloud {
  cloud: LocalCloud;
  assembly: ProvisionedAssembly;
  bucket: string;
  region: string;
  /** A new user (unique email per call), signed in. */
  user(name: string): Promise<Caller>;
  /** A new user (unique email per call), signed in with SRP: their id token. */
  idToken(name: string): Promise<string>;
  guest(): Promise<Caller>;
  close(): Promise<void>;
}

const PASSWORD = 'Correct-horse-battery-9!';

/** `assembly`: another cloud assembly than the synthesized backend (e.g. a patched copy of it). */
export async function startSignedInCloud(options: { assembly?: ProvisionedAssembly } = {}): Promise<SignedInCloud> {
  const assembly = options.assembly ?? synthesizedAssembly();
  const root = mkdtempSync(join(tmpdir(), 's3-real-'));
  const cloud = await startLocalCloud({ stateDir: join(root, 'state'), assemblyDir: assembly.directory, port: 0 });
  const region = assembly.region;
  const dummy = { accessKeyId: 'x', secretAccessKey: 'x' };
  let users = 0;

  const signIn = async (email: string): Promise<string> => {
    const poolId = assembly.ofType('AWS::Cognito::UserPool')[0].ref;
    const clientId = assembly.ofType('AWS::Cognito::UserPoolClient')[0].ref;
    const idp = new CognitoIdentityProviderClient({ region, endpoint: cloud.url, credentials: dummy });
    const n = ++users;
    await idp.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: email,
        Password: PASSWORD,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'phone_number', Value: `+1555${String(process.pid % 1000).padStart(3, '0')}${String(n).padStart(4, '0')}` },
          { Name: 'birthdate', Value: '1990-01-01' },
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
  };

  const caller = async (idToken?: string): Promise<Caller> => {
    const identity = new CognitoIdentityClient({ region, endpoint: cloud.url, credentials: dummy });
    const poolId = assembly.ofType('AWS::Cognito::IdentityPool')[0].ref;
    const Logins = idToken ? { [String(decodeJwt(idToken).iss).replace(/^https?:\/\//, '')]: idToken } : undefined;
    const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins }));
    const out = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    const credentials = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretKey!, sessionToken: out.Credentials!.SessionToken! };
    const s3 = new S3Client({ region, endpoint: cloud.url, forcePathStyle: true, maxAttempts: 1, credentials });
    return { identityId: IdentityId!, credentials, s3 };
  };

  return {
    cloud,
    assembly,
    region,
    bucket: assembly.ofType('AWS::S3::Bucket')[0].ref,
    user: async (name) => caller(await signIn(`${name}-${process.pid}@example.com`)),
    idToken: (name) => signIn(`${name}-${process.pid}@example.com`),
    guest: () => caller(),
    async close() {
      await cloud.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
