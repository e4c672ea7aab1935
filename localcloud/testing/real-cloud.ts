import { createHash, randomInt, sign as rsaSign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfirmSignUpCommand, CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ASSEMBLY_DIR } from '../../scripts/synth-context';
import { loadCloudAssembly } from '../provisioning/cloud-assembly';
import type { ProvisionedAssembly } from '../provisioning/types';
import type { ObjectStore } from '../s3/object-store';
import { startLocalCloud, type LocalCloud, type LocalCloudService } from '../server';
import type { Clock } from '../services/clock';
import { rendezvous } from './rendezvous';

/**
 * Test support for integration tests: the real local cloud (startLocalCloud,
 * port 0, a temporary state folder, the synthesized backend in
 * .amplify/synth/cdk.out — vitest's global setup keeps it current), people
 * signed up and confirmed through its cognito-idp (codes read from the
 * outbox) and signed in with SRP by amazon-cognito-identity-js, and their
 * identity-pool credentials from GetId + GetCredentialsForIdentity.
 *
 * Sign-ins cost CPU (SRP on both sides, the sign-up triggers run as Lambda
 * would): a test file starts one cloud and signs its people in once, in
 * beforeAll; tests that need a person of their own create one.
 */
export const PASSWORD = 'Correct-horse-battery-9!';
/** The birthdate every person signed up here has. */
export const BIRTHDATE = '1990-01-01';

export interface CloudUser {
  /** The sign-in name (email). */
  email: string;
  phone: string;
  sub: string;
  groups: string[];
}

export interface Session {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

export interface RealCloudOptions {
  /** The server's clock (tests that move time). */
  clock?: Clock;
  /** A state folder to use (and keep); by default a temporary one, removed by close(). */
  stateDir?: string;
  /** Another assembly than the project's (e.g. one synthesized with ADMIN_EMAILS). */
  assemblyDir?: string;
}

/** The ids a client needs (what amplify_outputs.json gives the app). */
export interface CloudIds {
  region: string;
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
}

/**
 * People on a local cloud at `endpoint`, through its public APIs only: sign-up
 * and confirmation (the code from `access.codeFor`: the outbox), SRP sign-in,
 * identity-pool credentials, S3 clients. Used in process (startRealCloud) and
 * against a local cloud in another process (its outbox read over HTTP).
 */
export function peopleOn(
  endpoint: string,
  { region, userPoolId, clientId, identityPoolId }: CloudIds,
  access: { codeFor(email: string): Promise<string | undefined>; addToGroup?(sub: string, group: string): void },
) {
  const unsigned = { accessKeyId: 'unused', secretAccessKey: 'unused' };
  const idp = new CognitoIdentityProviderClient({ region, endpoint, credentials: unsigned, maxAttempts: 1 });
  const identityClient = new CognitoIdentityClient({ region, endpoint, credentials: unsigned, maxAttempts: 1 });
  const userPool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint });

  /**
   * SignUp + ConfirmSignUp (the code from the outbox), then the groups (as an
   * operator would add them). One at a time: each runs the sign-up triggers in
   * a Lambda process, whose timeout a crowd of cold starts on a busy machine can pass.
   */
  let signUps: Promise<unknown> = Promise.resolve();
  function createUser(name: string, groups: string[] = []): Promise<CloudUser> {
    const next = signUps.then(() => signUp(name, groups));
    signUps = next.catch(() => undefined);
    return next;
  }
  async function signUp(name: string, groups: string[]): Promise<CloudUser> {
    const email = `${name}-${randomInt(1e9)}@example.com`;
    const phone = `+1555${String(randomInt(1e7)).padStart(7, '0')}`;
    const { UserSub } = await idp.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: email,
        Password: PASSWORD,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'phone_number', Value: phone },
        ],
        // As the web app signs up: the app client may not write the birthdate attribute, so it travels as
        // ClientMetadata (the pre sign-up trigger checks it; the post-confirmation trigger stores it).
        ClientMetadata: { birthdate: BIRTHDATE },
      }),
    );
    const code = await access.codeFor(email);
    if (!code) throw new Error(`No confirmation code was sent to ${email}`);
    await idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code, ClientMetadata: { birthdate: BIRTHDATE } }));
    if (groups.length > 0 && !access.addToGroup) throw new Error('Groups need the local cloud in process');
    for (const group of groups) access.addToGroup!(UserSub!, group);
    return { email, phone, sub: UserSub!, groups };
  }

  /** USER_SRP_AUTH with amazon-cognito-identity-js (its own SRP implementation), as aws-amplify v5 did it. */
  async function signIn(user: Pick<CloudUser, 'email'>, password = PASSWORD): Promise<Session> {
    const cognitoUser = new CognitoUser({ Username: user.email, Pool: userPool });
    const session = await new Promise<CognitoUserSession>((resolve, reject) =>
      cognitoUser.authenticateUser(new AuthenticationDetails({ Username: user.email, Password: password }), { onSuccess: resolve, onFailure: reject }),
    );
    return { idToken: session.getIdToken().getJwtToken(), accessToken: session.getAccessToken().getJwtToken(), refreshToken: session.getRefreshToken().getToken() };
  }

  /** A new person, signed up, confirmed and signed in. */
  async function signedInUser(name: string, groups: string[] = []): Promise<CloudUser & Session> {
    const user = await createUser(name, groups);
    return { ...user, ...(await signIn(user)) };
  }

  /** GetId + GetCredentialsForIdentity with the SDK, as aws-amplify does it (no token: a guest). */
  async function credentialsFor(idToken?: string, identityId?: string): Promise<{ identityId: string; credentials: Credentials }> {
    // The Logins key is the token's issuer without its scheme, as aws-amplify makes it.
    const Logins = idToken ? { [String(decodeJwt(idToken).iss).replace(/^\w+:\/\//, '')]: idToken } : undefined;
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

  const s3Client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, extra: Partial<S3ClientConfig> = {}) =>
    new S3Client({ region, endpoint, forcePathStyle: true, credentials, maxAttempts: 1, ...extra });

  return {
    idp,
    identityClient,
    createUser,
    signIn,
    signedInUser,
    credentialsFor,
    s3Client,
    destroy() {
      idp.destroy();
      identityClient.destroy();
    },
  };
}

/** The outbox of a local cloud in another process, over HTTP: the newest code sent to `to`. */
export async function outboxCode(endpoint: string, to: string): Promise<string | undefined> {
  const messages = (await (await fetch(`${endpoint}/_localcloud/outbox`)).json()) as { to: string; code: string }[];
  return messages.filter((m) => m.to === to).at(-1)?.code;
}

export async function startRealCloud(options: RealCloudOptions = {}) {
  const assemblyDir = options.assemblyDir ?? ASSEMBLY_DIR;
  const assembly: ProvisionedAssembly = loadCloudAssembly(assemblyDir);
  const root = options.stateDir ? undefined : mkdtempSync(join(tmpdir(), 'localcloud-real-'));
  const stateDir = options.stateDir ?? join(root!, 'state');
  const cloud: LocalCloud = await startLocalCloud({ stateDir, assemblyDir, port: 0, clock: options.clock });
  const { region } = assembly;
  const endpoint = cloud.url;
  const userPoolId = assembly.ofType('AWS::Cognito::UserPool')[0].ref;
  const clientId = assembly.ofType('AWS::Cognito::UserPoolClient')[0].ref;
  const identityPoolId = assembly.ofType('AWS::Cognito::IdentityPool')[0].ref;
  const bucket = assembly.ofType('AWS::S3::Bucket')[0].ref;
  const groupRole = (group: string) =>
    assembly.ofType('AWS::Cognito::UserPoolGroup').find((g) => g.properties.GroupName === group)!.properties.RoleArn as string;
  // The identity pools' Logins key: the user pool's token issuer without its scheme.
  const providerName = cloud.cognitoIdp.issuer(userPoolId).replace(/^\w+:\/\//, '');
  // The server's S3 object store (checks of what is stored, and test setup).
  const objects = (cloud.services.find((s) => s.name === 's3') as LocalCloudService & { objects: ObjectStore }).objects;
  const people = peopleOn(endpoint, { region, userPoolId, clientId, identityPoolId }, {
    codeFor: async (email) => cloud.outbox.list().filter((m) => m.to === email).at(-1)?.code,
    addToGroup(sub, group) {
      cloud.cognitoIdp.users.addToGroup(userPoolId, group, cloud.cognitoIdp.userBySub(userPoolId, sub)!.username);
    },
  });

  /** Writes an object straight into the store (test setup, bypassing IAM). */
  function seedObject(key: string, body: string | Buffer, contentType = 'text/plain') {
    const data = Buffer.from(body);
    const temp = objects.newTempPath();
    writeFileSync(temp, data);
    const file = objects.seal(temp);
    objects.put({
      bucket,
      key,
      size: data.length,
      etag: `"${createHash('md5').update(data).digest('hex')}"`,
      lastModified: new Date(),
      contentType,
      headers: {},
      metadata: {},
      segments: [{ file, size: data.length }],
    });
  }

  /**
   * `token` with some claims changed, signed again — by default with the
   * server's own key, as if the local user pool had issued it (a token for
   * another client, another issuer, already expired…); `key` signs a forgery.
   */
  function reSign(token: string, changes: Record<string, unknown>, key: KeyObject = cloud.context.keys.signing.privateKey): string {
    const header = Buffer.from(JSON.stringify(decodeProtectedHeader(token))).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(token), ...changes })).toString('base64url');
    const signature = rsaSign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
    return `${header}.${payload}.${signature}`;
  }

  /** Credentials of a backend function's execution role, as Lambda hands them to it (by its friendly name, e.g. `admin-api`). */
  function functionRoleCredentials(name: string) {
    const fn = assembly.ofType('AWS::Lambda::Function').find((f) => f.properties.Tags?.some((t: { Value: string }) => t.Value === name));
    if (!fn) throw new Error(`No function ${name} in the assembly`);
    const c = cloud.context.iam.issueRoleCredentials({ roleArn: fn.properties.Role as string, sessionName: name, durationSeconds: 3600 });
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
  }

  /**
   * A user-pool client signed with a back-office operator's role, allowed
   * `actions` on every pool — for setup the backend's own roles may not do
   * (AdminCreateUser in bulk, reading a user back).
   */
  function operatorIdp(actions: string[] = ['cognito-idp:*']): CognitoIdentityProviderClient {
    const arn = `arn:aws:iam::000000000000:role/test-operator-${randomInt(1e9)}`;
    cloud.context.iam.account.roles.set(arn, {
      name: arn.split('/')[1],
      arn,
      roleId: `AROATESTOPERATOR${randomInt(1e6)}`,
      logicalId: 'TestOperator',
      trustPolicy: { Statement: [] },
      policies: [{ name: 'operator', document: { Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] } }],
      unknownManagedPolicies: [],
    });
    const credentials = cloud.context.iam.issueRoleCredentials({ roleArn: arn, sessionName: 'operator', durationSeconds: 3600 });
    return new CognitoIdentityProviderClient({ region, endpoint, credentials, maxAttempts: 1 });
  }

  /**
   * Holds cognito-idp requests for `operation` (X-Amz-Target's, e.g. `ListUsersInGroup`) in groups
   * of `sizes` until each group has arrived, then lets the group go on at once (see rendezvous):
   * a race between callers in other processes (the functions Lambda runs) made deterministic.
   * `release()` stops holding and lets any held request go; call it before the test goes on.
   */
  function holdTogether(operation: string, ...sizes: number[]) {
    // cognito-idp-admin (Admin*, List*: SigV4 + IAM) and cognito-idp (the user-facing operations).
    const services = cloud.services.filter((s) => s.name.startsWith('cognito-idp'));
    const handles = services.map((service) => service.handle);
    const meeting = rendezvous(...sizes);
    services.forEach((service, i) => {
      service.handle = async (req, res) => {
        if (String(req.headers['x-amz-target'] ?? '').endsWith(`.${operation}`)) await meeting.arrive();
        return handles[i].call(service, req, res);
      };
    });
    return {
      get arrived() {
        return meeting.arrived;
      },
      release() {
        services.forEach((service, i) => (service.handle = handles[i]));
        meeting.open();
      },
    };
  }

  return {
    cloud,
    assembly,
    region,
    endpoint,
    port: cloud.port,
    stateDir,
    iam: cloud.context.iam,
    objects,
    userPoolId,
    clientId,
    identityPoolId,
    bucket,
    providerName,
    groupRole,
    ...people,
    seedObject,
    reSign,
    functionRoleCredentials,
    operatorIdp,
    holdTogether,
    async close() {
      people.destroy();
      await cloud.close();
      if (root) rmSync(root, { recursive: true, force: true });
    },
  };
}

export type RealCloud = Awaited<ReturnType<typeof startRealCloud>>;
