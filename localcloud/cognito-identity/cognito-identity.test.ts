import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { startRealCloud, type CloudUser, type RealCloud, type Session } from '../testing/real-cloud';
import { buildIdentityPools } from './identity-pools';
import { GetId } from './get-id';
import { GetCredentialsForIdentity } from './get-credentials-for-identity';
import { createOpenIdTokens } from './open-id-tokens';
import { IdentityStore } from './identity-store';
import { CognitoIdentityError } from './errors';
import { CredentialsStore } from '../iam/credentials';
import { buildIamAccount } from '../iam/iam-account';
import { openDatabase } from '../store/store';
import { generateRsaKeyPair } from '../services/keys';
import type { IdentityServices } from './services';

let cloud: RealCloud;
// People signed in on the local user pool (shared: no test changes who they are or what they belong to).
let plain: CloudUser & Session;
let editor: CloudUser & Session;
let both: CloudUser & Session;
beforeAll(async () => {
  cloud = await startRealCloud();
  [plain, editor, both] = await Promise.all([
    cloud.signedInUser('plain'),
    cloud.signedInUser('editor', ['EDITORS']),
    cloud.signedInUser('both', ['EDITORS', 'ADMINS']),
  ]);
});
afterAll(() => cloud?.close());

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
};

describe('cognito-identity through @aws-sdk/client-cognito-identity', () => {
  it('provisions the identity pool from the templates', () => {
    const [pool] = buildIdentityPools(cloud.assembly);
    expect(pool.id).toBe(cloud.identityPoolId);
    expect(pool.allowUnauthenticated).toBe(true);
    expect(pool.cognitoProviders).toEqual([
      { providerName: `cognito-idp.${cloud.region}.amazonaws.com/${cloud.userPoolId}`, clientId: cloud.clientId, serverSideTokenCheck: false },
    ]);
    expect(pool.authenticatedRoleArn).toMatch(/^arn:aws:iam::000000000000:role\//);
    expect(pool.unauthenticatedRoleArn).toMatch(/^arn:aws:iam::000000000000:role\//);
    expect([...pool.roleMappings.values()]).toEqual([{ type: 'Token', ambiguousRoleResolution: 'AuthenticatedRole', rules: [] }]);
  });

  it('gives the same identity to the same login, a new one to each guest, temporary credentials in epoch seconds', async () => {
    const a = await cloud.credentialsFor(plain.idToken);
    const b = await cloud.credentialsFor((await cloud.signIn(plain)).idToken); // another sign-in, another token
    expect(a.identityId).toBe(b.identityId);
    expect(a.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    const g1 = await cloud.credentialsFor();
    const g2 = await cloud.credentialsFor();
    expect(g1.identityId).not.toBe(g2.identityId);
    // A guest keeps its identity (aws-amplify stores it) and gets fresh credentials for it.
    const again = await cloud.credentialsFor(undefined, g1.identityId);
    expect(again.identityId).toBe(g1.identityId);
    expect(again.credentials.accessKeyId).not.toBe(g1.credentials.accessKeyId);
    const expiration = a.credentials.expiration!.getTime();
    expect(Math.abs(expiration - (Date.now() + 3600_000))).toBeLessThan(5_000);
    expect(expiration % 1000).toBe(0); // epoch seconds on the wire
    const bound = cloud.iam.lookupCredentials(a.credentials.accessKeyId)!;
    expect(bound.identityId).toBe(a.identityId);
    expect(bound.roleArn).toBe(buildIdentityPools(cloud.assembly)[0].authenticatedRoleArn);
    expect(bound.sessionToken).toBe(a.credentials.sessionToken);
    const guestBound = cloud.iam.lookupCredentials(g1.credentials.accessKeyId)!;
    expect(guestBound.roleArn).toBe(buildIdentityPools(cloud.assembly)[0].unauthenticatedRoleArn);
    expect(guestBound.amr).toEqual(['unauthenticated']);
  });

  it("maps group members to their group's role (cognito:preferred_role), others to the authenticated role", async () => {
    const asEditor = await cloud.credentialsFor(editor.idToken);
    expect(cloud.iam.lookupCredentials(asEditor.credentials.accessKeyId)!.roleArn).toBe(cloud.groupRole('EDITORS'));
    const asBoth = await cloud.credentialsFor(both.idToken);
    expect(cloud.iam.lookupCredentials(asBoth.credentials.accessKeyId)!.roleArn).toBe(cloud.groupRole('ADMINS')); // precedence 0
    const custom = await cloud.identityClient.send(
      new GetCredentialsForIdentityCommand({ IdentityId: asBoth.identityId, Logins: { [cloud.providerName]: both.idToken }, CustomRoleArn: cloud.groupRole('EDITORS') }),
    );
    expect(cloud.iam.lookupCredentials(custom.Credentials!.AccessKeyId!)!.roleArn).toBe(cloud.groupRole('EDITORS'));
    const notMine = cloud.identityClient.send(
      new GetCredentialsForIdentityCommand({ IdentityId: asEditor.identityId, Logins: { [cloud.providerName]: editor.idToken }, CustomRoleArn: cloud.groupRole('ADMINS') }),
    );
    expect(await errorOf(notMine)).toMatch(/^NotAuthorizedException/);
  });

  it('refuses tokens that are forged, expired, for another client, from another issuer, or access tokens', async () => {
    const token = plain.idToken;
    const { privateKey: otherKey } = generateRsaKeyPair();
    const getId = (login: string, provider = cloud.providerName) =>
      errorOf(cloud.identityClient.send(new GetIdCommand({ IdentityPoolId: cloud.identityPoolId, Logins: { [provider]: login } })));
    expect(await getId(cloud.reSign(token, {}, otherKey))).toMatch(/^NotAuthorizedException: Invalid login token/);
    expect(await getId(cloud.reSign(token, { exp: Math.floor(Date.now() / 1000) - 10 }))).toMatch(/^NotAuthorizedException/);
    expect(await getId(cloud.reSign(token, { aud: 'another-client' }))).toBe('NotAuthorizedException: Invalid login token. Incorrect token audience.');
    expect(await getId(cloud.reSign(token, { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other' }))).toBe(
      "NotAuthorizedException: Invalid login token. Issuer doesn't match providerName",
    );
    expect(await getId(plain.accessToken)).toMatch(/^NotAuthorizedException/);
    expect(await getId(token, 'cognito-idp.us-east-1.amazonaws.com/us-east-1_other')).toMatch(/^NotAuthorizedException/);
    const tampered = token.replace(/\.([A-Za-z0-9_-]+)\./, (_m, p: string) => {
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      claims['cognito:preferred_role'] = cloud.groupRole('ADMINS');
      return `.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    });
    expect(await getId(tampered)).toMatch(/^NotAuthorizedException/);
    expect(await errorOf(cloud.identityClient.send(new GetIdCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' })))).toMatch(/^ResourceNotFoundException/);
    expect(await errorOf(cloud.identityClient.send(new GetIdCommand({ IdentityPoolId: 'bad id' })))).toMatch(/^InvalidParameterException/);
  });

  it("an authenticated identity needs its login: no credentials without it, or with someone else's", async () => {
    const me = await cloud.credentialsFor(plain.idToken);
    expect(await errorOf(cloud.identityClient.send(new GetCredentialsForIdentityCommand({ IdentityId: me.identityId })))).toMatch(/^NotAuthorizedException/);
    await cloud.credentialsFor(editor.idToken);
    expect(
      await errorOf(cloud.identityClient.send(new GetCredentialsForIdentityCommand({ IdentityId: me.identityId, Logins: { [cloud.providerName]: editor.idToken } }))),
    ).toMatch(/^NotAuthorizedException: Logins don't match/);
  });

  it('a guest that signs in becomes authenticated (same id); merged into the existing identity if the login had one', async () => {
    const guest = await cloud.credentialsFor();
    const newcomer = await cloud.signedInUser('newcomer'); // signs in for the first time: no identity yet
    const signedIn = await cloud.credentialsFor(newcomer.idToken, guest.identityId);
    expect(signedIn.identityId).toBe(guest.identityId);
    expect((await cloud.credentialsFor(newcomer.idToken)).identityId).toBe(guest.identityId);

    const existing = await cloud.credentialsFor(plain.idToken);
    const guest2 = await cloud.credentialsFor();
    const merged = await cloud.credentialsFor(plain.idToken, guest2.identityId);
    expect(merged.identityId).toBe(existing.identityId);
    expect(await errorOf(cloud.identityClient.send(new GetCredentialsForIdentityCommand({ IdentityId: guest2.identityId })))).toMatch(/^ResourceNotFoundException/);
    // The retired guest's credentials no longer sign anything.
    expect(cloud.iam.lookupCredentials(guest2.credentials.accessKeyId)).toBeUndefined();
  });

  it('answers bad JSON and unknown operations with JSON 4xx errors', async () => {
    const post = (target: string, body: string) =>
      fetch(`${cloud.endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body });
    const bad = await post('AWSCognitoIdentityService.GetId', '{not json');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ __type: 'SerializationException' });
    const notEmulated = await post('AWSCognitoIdentityService.DeleteIdentityPool', '{}');
    expect(notEmulated.status).toBe(501);
    expect(await notEmulated.json()).toMatchObject({ __type: 'UnsupportedOperationException', message: 'The local cloud does not implement AWSCognitoIdentityService.DeleteIdentityPool.' });
    const unknown = await post('AWSCognitoIdentityService.NoSuchOperation', '{}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const missing = await post('AWSCognitoIdentityService.GetCredentialsForIdentity', '{}');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ __type: 'InvalidParameterException' });
  });
});

describe('pool configuration and trust policies (in-process)', () => {
  function services(mutate: (s: IdentityServices) => void = () => {}): IdentityServices {
    const db = openDatabase(':memory:');
    const s: IdentityServices = {
      region: 'us-east-1',
      pools: buildIdentityPools(cloud.assembly),
      iam: buildIamAccount(cloud.assembly),
      identities: new IdentityStore(db),
      credentials: new CredentialsStore(db),
      verifyIdToken: async () => ({}),
      openIdTokens: createOpenIdTokens({ kid: 'test', ...generateRsaKeyPair() }, () => new Date()),
      now: () => new Date(),
    };
    mutate(s);
    return s;
  }
  // In process there is no server URL: logins use the provider name as the pool is configured (AWS's form).
  const configuredProvider = () => buildIdentityPools(cloud.assembly)[0].cognitoProviders[0].providerName;
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'ok';
    } catch (e) {
      return (e as CognitoIdentityError).type;
    }
  };

  it('resolves ambiguous tokens per AmbiguousRoleResolution, and Rules mappings by claim', async () => {
    const pool = () => buildIdentityPools(cloud.assembly)[0];
    const claims = (sub: string, extra: Record<string, unknown>) => ({
      iss: `https://${configuredProvider()}`,
      aud: cloud.clientId,
      token_use: 'id',
      exp: Math.floor(Date.now() / 1000) + 600,
      sub,
      ...extra,
    });
    const roleOf = async (s: IdentityServices) => {
      const Logins = { [configuredProvider()]: 'token' };
      const { IdentityId } = await GetId(s)({ IdentityPoolId: cloud.identityPoolId, Logins });
      const out = (await GetCredentialsForIdentity(s)({ IdentityId, Logins })) as { Credentials: { AccessKeyId: string } };
      return s.credentials.lookup(out.Credentials.AccessKeyId)!.roleArn;
    };
    const twoRoles = { 'cognito:roles': [cloud.groupRole('ADMINS'), cloud.groupRole('EDITORS')] };
    const lenient = services((x) => (x.verifyIdToken = async () => claims('lenient', twoRoles)));
    expect(await roleOf(lenient)).toBe(pool().authenticatedRoleArn);
    const strict = services((x) => {
      x.verifyIdToken = async () => claims('strict', twoRoles);
      [...x.pools[0].roleMappings.values()][0].ambiguousRoleResolution = 'Deny';
    });
    expect(await code(roleOf(strict))).toBe('NotAuthorizedException');
    const rules = services((x) => {
      x.verifyIdToken = async () => claims('rules', { 'custom:team': 'editors-west' });
      const mapping = [...x.pools[0].roleMappings.values()][0];
      mapping.type = 'Rules';
      mapping.rules = [
        { claim: 'custom:team', matchType: 'Equals', value: 'admins', roleArn: cloud.groupRole('ADMINS') },
        { claim: 'custom:team', matchType: 'StartsWith', value: 'editors', roleArn: cloud.groupRole('EDITORS') },
      ];
    });
    expect(await roleOf(rules)).toBe(cloud.groupRole('EDITORS'));
  });

  it('refuses guests when the pool disallows them', async () => {
    const s = services((x) => (x.pools[0].allowUnauthenticated = false));
    expect(await code(GetId(s)({ IdentityPoolId: cloud.identityPoolId }))).toBe('NotAuthorizedException');
  });

  it("evaluates each role's trust policy (aud and amr) before issuing credentials", async () => {
    const ok = services();
    const { IdentityId } = await GetId(ok)({ IdentityPoolId: cloud.identityPoolId });
    expect(await code(GetCredentialsForIdentity(ok)({ IdentityId }))).toBe('ok');

    // The guest role trusting another pool: refused.
    const otherAud = services((x) => {
      const role = x.iam.roles.get(x.pools[0].unauthenticatedRoleArn!)!;
      role.trustPolicy = JSON.parse(JSON.stringify(role.trustPolicy).replace(cloud.identityPoolId, 'us-east-1:11111111-1111-1111-1111-111111111111'));
    });
    const other = await GetId(otherAud)({ IdentityPoolId: cloud.identityPoolId });
    expect(await code(GetCredentialsForIdentity(otherAud)({ IdentityId: other.IdentityId }))).toBe('InvalidIdentityPoolConfigurationException');

    // The authenticated role configured as the guest role: its trust policy wants amr "authenticated".
    const swapped = services((x) => (x.pools[0].unauthenticatedRoleArn = x.pools[0].authenticatedRoleArn));
    const swappedId = await GetId(swapped)({ IdentityPoolId: cloud.identityPoolId });
    expect(await code(GetCredentialsForIdentity(swapped)({ IdentityId: swappedId.IdentityId }))).toBe('InvalidIdentityPoolConfigurationException');
  });
});
