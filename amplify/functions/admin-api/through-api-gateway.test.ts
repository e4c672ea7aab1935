import { generateKeyPairSync } from 'node:crypto';
import { AdminCreateUserCommand, AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Amplify } from 'aws-amplify';
import { signIn, signOut } from 'aws-amplify/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localExecuteApiUrl } from '../../../localcloud/apigateway/url';
import { PASSWORD, startRealCloud, type CloudUser, type RealCloud, type Session } from '../../../localcloud/testing/real-cloud';
import { callApi } from '../../../src/api/vault-api';
import { ADMIN_API_NAME, ADMIN_API_STAGE, ADMIN_GROUP, type AuditRecord, ownerNameKey, ROUTES, type UserPage } from '../../api/contract';

/**
 * The admin API end to end on the local cloud: the synthesized REST API
 * served by its API Gateway emulation, the Cognito authorizer verifying real
 * id tokens of people who signed up and signed in for real, the bundled
 * function run as Lambda runs it with its own role, and the web app's own
 * client (src/api/vault-api.ts, aws-amplify/api) for one of the calls.
 */
type Person = CloudUser & Session;

let cloud: RealCloud;
let base: string;
let boss: Person;
let alice: Person;
let bob: Person;

async function call(who: Pick<Session, 'idToken'> | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(who ? { Authorization: who.idToken } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

const pathOf = (resource: string, params: Record<string, string>) => resource.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(params[p]));

async function newest(n = 1): Promise<AuditRecord[]> {
  const page = await call(boss, 'GET', `/audit?limit=${n}`);
  expect(page.status).toBe(200);
  return page.json.records;
}

beforeAll(async () => {
  cloud = await startRealCloud();
  const apiId = cloud.assembly.ofType('AWS::ApiGateway::RestApi')[0].ref;
  base = localExecuteApiUrl(cloud.endpoint, apiId, ADMIN_API_STAGE);
  boss = await cloud.signedInUser('boss', [ADMIN_GROUP]);
  alice = await cloud.signedInUser('alice');
  bob = await cloud.signedInUser('bob');
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

describe('through API Gateway and its Cognito authorizer', () => {
  it('refuses every admin route to a signed-in person outside ADMINS with 403, and every route without a token with 401', async () => {
    for (const route of ROUTES) {
      const path = pathOf(route.resource, { username: bob.sub, group: 'EDITORS' });
      const body = route.name === 'changeOwnBirthdate' ? { birthdate: '1990-01-01' } : undefined;
      const anonymous = await call(undefined, route.method, path, body);
      expect([route.name, anonymous.status, anonymous.json]).toEqual([route.name, 401, { message: 'Unauthorized' }]);
      if (!route.admin) continue;
      const refused = await call(alice, route.method, path, body);
      expect([route.name, refused.status, refused.json.code]).toEqual([route.name, 403, 'Forbidden']);
    }
    expect((await call(boss, 'GET', `/users?search=${encodeURIComponent(bob.email)}`)).json.users[0]).toMatchObject({ groups: [], enabled: true });
  });

  it('refuses a tampered token before the function (401)', async () => {
    const forged = cloud.reSign(alice.idToken, { 'cognito:groups': [ADMIN_GROUP] }, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    expect((await call({ idToken: forged }, 'GET', '/users')).status).toBe(401);
    expect((await call({ idToken: alice.accessToken }, 'GET', '/users')).status).toBe(401);
  });

  it('answers the CORS preflight and the calls for the app origin', async () => {
    const preflight = await fetch(`${base}/users/x/groups/EDITORS`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    const listed = await call(boss, 'GET', '/users?limit=1', undefined, { Origin: 'http://localhost:5173' });
    expect(listed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const refused = await call(undefined, 'GET', '/users', undefined, { Origin: 'http://localhost:5173' });
    expect([refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([401, 'http://localhost:5173']);
  });

  it('keeps the last administrator and never disables one; records every change with before and after', async () => {
    const last = await call(boss, 'DELETE', `/users/${boss.sub}/groups/${ADMIN_GROUP}`);
    expect([last.status, last.json.code]).toEqual([409, 'LastAdmin']);
    const disable = await call(boss, 'POST', `/users/${boss.sub}/disable`);
    expect([disable.status, disable.json.code]).toEqual([409, 'AdminCannotBeDisabled']);

    expect((await call(boss, 'PUT', `/users/${alice.sub}/groups/${ADMIN_GROUP}`)).status).toBe(200);
    expect((await newest())[0]).toMatchObject({ action: 'addToGroup', actor: { sub: boss.sub }, target: { username: alice.sub }, before: { groups: [] }, after: { groups: [ADMIN_GROUP] } });
    const refusedDisable = await call(boss, 'POST', `/users/${alice.sub}/disable`);
    expect(refusedDisable.status).toBe(409);
    // With two administrators, one may go (even the caller).
    expect((await call(boss, 'DELETE', `/users/${alice.sub}/groups/${ADMIN_GROUP}`)).json).toMatchObject({ changed: true, user: { groups: [] } });
    expect((await newest())[0]).toMatchObject({ action: 'removeFromGroup', before: { groups: [ADMIN_GROUP] }, after: { groups: [] } });

    expect((await call(boss, 'POST', `/users/${bob.sub}/disable`)).json).toMatchObject({ user: { enabled: false } });
    expect((await newest())[0]).toMatchObject({ action: 'disableUser', target: { username: bob.sub }, before: { enabled: true }, after: { enabled: false } });
    expect((await call(boss, 'POST', `/users/${bob.sub}/enable`)).json).toMatchObject({ user: { enabled: true } });
    expect((await call(boss, 'POST', `/users/${bob.sub}/sign-out`)).status).toBe(200);
    expect((await call(boss, 'POST', `/users/${bob.sub}/reset-password`)).json).toMatchObject({ user: { status: 'RESET_REQUIRED' } });
    const records = await newest(3);
    expect(records.map((r) => r.action)).toEqual(['resetPassword', 'signOutEverywhere', 'enableUser']);
    for (const r of records) expect(r).toMatchObject({ actor: { sub: boss.sub, email: boss.email }, target: { username: bob.sub, email: bob.email } });
  });

  it("changes a person's own birthdate with the sign-up rule, through the web app's client (aws-amplify/api)", async () => {
    const carol = await cloud.createUser('carol');
    Amplify.configure({
      Auth: { Cognito: { userPoolId: cloud.userPoolId, userPoolClientId: cloud.clientId, userPoolEndpoint: cloud.endpoint } },
      API: { REST: { [ADMIN_API_NAME]: { endpoint: base, region: cloud.region } } },
    });
    await signIn({ username: carol.email, password: PASSWORD });
    try {
      await expect(callApi('PUT', '/me/birthdate', { body: { birthdate: `${new Date().getUTCFullYear() - 9}-03-03` } })).rejects.toMatchObject({
        name: 'InvalidBirthdate',
        message: 'You must be at least 13 years old to create an account.',
      });
      await expect(callApi('PUT', '/me/birthdate', { body: { birthdate: '1977-07-07' } })).resolves.toEqual({ birthdate: '1977-07-07', changed: true });
      await expect(callApi('GET', '/users')).rejects.toMatchObject({ name: 'Forbidden' });
    } finally {
      await signOut();
    }
    const attributes = (await cloud.operatorIdp().send(new AdminGetUserCommand({ UserPoolId: cloud.userPoolId, Username: carol.sub }))).UserAttributes;
    expect(attributes?.find((a) => a.Name === 'birthdate')?.Value).toBe('1977-07-07');
    expect((await newest())[0]).toMatchObject({ action: 'changeOwnBirthdate', actor: { sub: carol.sub }, before: { birthdate: '1990-01-01' }, after: { birthdate: '1977-07-07' } });
  });

  it("publishes a person's owner name for their own identity id, through the deployed function and its role", async () => {
    const olive = await cloud.signedInUser('olive');
    const { identityId, credentials } = await cloud.credentialsFor(olive.idToken);
    const published = await call(olive, 'PUT', '/me/owner-name', { identityId: 'us-east-1:00000000-0000-0000-0000-000000000000', name: 'grace@example.com' });
    expect([published.status, published.json]).toEqual([200, { identityId, name: olive.email }]);
    const object = await cloud.s3Client(credentials).send(new GetObjectCommand({ Bucket: cloud.bucket, Key: ownerNameKey(identityId) }));
    expect(JSON.parse(await object.Body!.transformToString())).toMatchObject({ identityId, name: olive.email });
    const forged = cloud.reSign(olive.idToken, { sub: bob.sub }, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    expect((await call({ idToken: forged }, 'PUT', '/me/owner-name')).status).toBe(401);
  });

  it('pages through more than 1,000 users, each exactly once', async () => {
    const op = cloud.operatorIdp(['cognito-idp:AdminCreateUser']);
    // AdminCreateUser runs the pre sign-up trigger for each, as Cognito does: ten at a time.
    const create = (i: number) =>
      op.send(
        new AdminCreateUserCommand({
          UserPoolId: cloud.userPoolId,
          Username: `bulk-${String(i).padStart(4, '0')}@example.com`,
          UserAttributes: [{ Name: 'phone_number', Value: `+1555${String(1_000_000 + i)}` }],
          MessageAction: 'SUPPRESS',
        }),
      );
    for (let i = 0; i < 1010; i += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => create(i + k)));
    const seen = new Set<string>();
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await call(boss, 'GET', `/users?limit=60${next ? `&next=${encodeURIComponent(next)}` : ''}`);
      expect(page.status).toBe(200);
      const body = page.json as UserPage;
      expect(body.users.length).toBeLessThanOrEqual(60);
      for (const u of body.users) {
        expect(seen.has(u.username)).toBe(false);
        seen.add(u.username);
      }
      next = body.next;
      pages++;
    } while (next);
    expect(seen.size).toBeGreaterThanOrEqual(1013);
    expect(pages).toBe(Math.ceil(seen.size / 60));
    const bulk = await call(boss, 'GET', '/users?search=bulk-100&limit=60');
    expect((bulk.json as UserPage).users.map((u) => u.email).sort()).toEqual(
      Array.from({ length: 10 }, (_, k) => `bulk-100${k}@example.com`),
    );
  }, 300_000);
});
