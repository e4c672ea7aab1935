import {
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  GetTokensFromRefreshTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { generateKeyPairSync } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealCloud, type CloudUser, type RealCloud, type Session } from '../../../localcloud/testing/real-cloud';
import { ADMIN_GROUP, type AuditPage, type AuditRecord, OWNER_NAMES_PREFIX, ownerNameKey, ROUTES, type RouteName, type UserPage } from '../../api/contract';
import { adminAppOn, claimsOf, proxyEvent, type ProxyEventOptions } from '../../testing/admin-api';
import { TOO_YOUNG_MESSAGE } from '../../auth/pre-sign-up/birthdate';
import { createApp } from './app';
import { AUDIT_PREFIX } from './audit-log';

/**
 * The admin API's handler against a real local cloud: its Cognito and S3 with
 * the function's own role credentials (so IAM checks exactly the grants the
 * template gives it), people signed up and signed in for real, and API
 * Gateway's proxy events carrying the claims of their real id tokens as the
 * Cognito authorizer hands them over (every claim a string, groups joined).
 */
type Person = CloudUser & Session;

let cloud: RealCloud;
let app: ReturnType<typeof createApp>;
let functionS3: S3Client;
let boss: Person;
let alice: Person;
let bob: Person;

async function call(who: Pick<Session, 'idToken'>, name: RouteName, options: ProxyEventOptions = {}): Promise<APIGatewayProxyResult & { json: any }> {
  const result = await app(proxyEvent(who.idToken, name, options));
  return { ...result, json: JSON.parse(result.body) };
}

/** The newest audit records, read through the API as an administrator. */
async function newestRecords(limit = 10): Promise<AuditRecord[]> {
  const page = await call(boss, 'readAuditLog', { query: { limit: String(limit) } });
  expect(page.statusCode).toBe(200);
  return (page.json as AuditPage).records;
}

const user = (who: CloudUser) => ({ username: who.sub });

beforeAll(async () => {
  cloud = await startRealCloud();
  ({ app, functionS3 } = adminAppOn(cloud));
  boss = await cloud.signedInUser('boss', [ADMIN_GROUP]);
  alice = await cloud.signedInUser('alice');
  bob = await cloud.signedInUser('bob');
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

describe('who may call what', () => {
  it('refuses every admin route to a signed-in person outside ADMINS (403), changing and recording nothing', async () => {
    const before = await newestRecords(50);
    const admin = ROUTES.filter((r) => r.admin);
    expect(admin.map((r) => r.name)).toEqual([
      'listUsers',
      'addToGroup',
      'removeFromGroup',
      'disableUser',
      'enableUser',
      'resetPassword',
      'signOutEverywhere',
      'readAuditLog',
    ]);
    for (const route of admin) {
      const answer = await call(alice, route.name, { params: { ...user(bob), group: ADMIN_GROUP } });
      expect([route.name, answer.statusCode, answer.json.code]).toEqual([route.name, 403, 'Forbidden']);
      expect(answer.json.message).toMatch(/Only members of ADMINS/);
    }
    // Groups claimed in the body or the query count for nothing.
    const sneaky = await call(alice, 'addToGroup', { params: { ...user(alice), group: ADMIN_GROUP }, body: { 'cognito:groups': ADMIN_GROUP }, query: { groups: 'ADMINS' } });
    expect(sneaky.statusCode).toBe(403);
    expect((await call(boss, 'listUsers', { query: { search: alice.email } })).json.users[0].groups).toEqual([]);
    expect(await newestRecords(50)).toEqual(before);
  });

  it('answers a request without verified claims with 401, and an unknown route with 404', async () => {
    const event = { resource: '/users', httpMethod: 'GET', headers: {}, requestContext: {} } as unknown as APIGatewayProxyEvent;
    expect((await app(event)).statusCode).toBe(401);
    const unknown = { ...event, resource: '/nope', requestContext: { authorizer: { claims: claimsOf(boss.idToken) } } } as unknown as APIGatewayProxyEvent;
    expect(JSON.parse((await app(unknown)).body)).toMatchObject({ code: 'NoSuchRoute' });
  });

  it("names the caller's origin for CORS only when it is the app's", async () => {
    expect((await call(boss, 'listUsers', { origin: 'http://localhost:5173' })).headers).toMatchObject({ 'Access-Control-Allow-Origin': 'http://localhost:5173' });
    expect((await call(boss, 'listUsers', { origin: 'https://evil.example' })).headers).not.toHaveProperty('Access-Control-Allow-Origin');
    expect((await call(alice, 'listUsers', { origin: 'https://vault.example.com' })).headers).toMatchObject({ 'Access-Control-Allow-Origin': 'https://vault.example.com' });
  });
});

describe('listing and searching users', () => {
  it('pages through users with their groups, and searches by the start of an email or phone number', async () => {
    const seen: UserPage['users'] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await call(boss, 'listUsers', { query: { limit: '1', ...(next ? { next } : {}) } });
      expect(page.statusCode).toBe(200);
      seen.push(...(page.json as UserPage).users);
      next = (page.json as UserPage).next;
      pages++;
    } while (next);
    expect(pages).toBe(seen.length);
    expect(seen.map((u) => u.email)).toEqual(expect.arrayContaining([boss.email, alice.email, bob.email]));
    expect(seen.find((u) => u.email === boss.email)).toMatchObject({ username: boss.sub, groups: [ADMIN_GROUP], enabled: true, status: 'CONFIRMED' });

    const found = await call(boss, 'listUsers', { query: { search: alice.email.slice(0, 12) } });
    expect((found.json as UserPage).users.map((u) => u.email)).toEqual([alice.email]);
    const byPhone = await call(boss, 'listUsers', { query: { search: bob.phone } });
    expect((byPhone.json as UserPage).users.map((u) => u.email)).toEqual([bob.email]);
  });

  it('refuses bad paging and search input in plain words', async () => {
    const queries: Record<string, string>[] = [{ limit: '0' }, { limit: '61' }, { limit: 'ten' }, { search: 'a"b' }, { search: 'x'.repeat(101) }];
    for (const query of queries) {
      const answer = await call(boss, 'listUsers', { query });
      expect(answer.statusCode).toBe(400);
      expect(answer.json.message).toMatch(/limit must be|Search for the start/);
    }
    expect((await call(boss, 'listUsers', { query: { next: 'forged' } })).statusCode).toBe(400);
  });
});

describe('changes, their rules and their audit records', () => {
  it('adds to and removes from a group, each change recorded with who, what, when, before and after', async () => {
    const added = await call(boss, 'addToGroup', { params: { ...user(alice), group: 'EDITORS' } });
    expect(added.statusCode).toBe(200);
    expect(added.json).toMatchObject({ changed: true, user: { username: alice.sub, groups: ['EDITORS'] } });
    const [record] = await newestRecords(1);
    expect(record).toMatchObject({
      action: 'addToGroup',
      actor: { sub: boss.sub, username: boss.sub, email: boss.email },
      target: { username: alice.sub, email: alice.email },
      before: { groups: [] },
      after: { groups: ['EDITORS'] },
    });
    expect(Date.now() - Date.parse(record.at)).toBeLessThan(60_000);

    // Adding again changes nothing and records nothing.
    expect((await call(boss, 'addToGroup', { params: { ...user(alice), group: 'EDITORS' } })).json.changed).toBe(false);
    expect((await newestRecords(1))[0].id).toBe(record.id);

    const removed = await call(boss, 'removeFromGroup', { params: { ...user(alice), group: 'EDITORS' } });
    expect(removed.json).toMatchObject({ changed: true, user: { groups: [] } });
    expect((await newestRecords(1))[0]).toMatchObject({ action: 'removeFromGroup', before: { groups: ['EDITORS'] }, after: { groups: [] } });
  });

  it('refuses unknown groups and users with 404', async () => {
    expect((await call(boss, 'addToGroup', { params: { ...user(alice), group: 'NOPE' } })).json).toMatchObject({ code: 'GroupNotFound' });
    const ghost = await call(boss, 'disableUser', { params: { username: '00000000-0000-0000-0000-000000000000' } });
    expect([ghost.statusCode, ghost.json.code]).toEqual([404, 'UserNotFound']);
  });

  it('never removes the last member of ADMINS, the caller included; with a second administrator it may', async () => {
    const last = await call(boss, 'removeFromGroup', { params: { ...user(boss), group: ADMIN_GROUP } });
    expect([last.statusCode, last.json.code]).toEqual([409, 'LastAdmin']);
    expect(last.json.message).toBe(`${boss.email} is the last member of ADMINS: make someone else an administrator first.`);
    await call(boss, 'addToGroup', { params: { ...user(bob), group: ADMIN_GROUP } });
    const removed = await call(boss, 'removeFromGroup', { params: { ...user(bob), group: ADMIN_GROUP } });
    expect(removed.json).toMatchObject({ changed: true, user: { groups: [] } });
    expect((await call(boss, 'removeFromGroup', { params: { ...user(boss), group: ADMIN_GROUP } })).statusCode).toBe(409);
  });

  it('never disables an administrator; disables and enables anyone else, recorded', async () => {
    const refused = await call(boss, 'disableUser', { params: user(boss) });
    expect([refused.statusCode, refused.json.code]).toEqual([409, 'AdminCannotBeDisabled']);
    const disabled = await call(boss, 'disableUser', { params: user(bob) });
    expect(disabled.json).toMatchObject({ changed: true, user: { enabled: false } });
    await expect(cloud.signIn(bob)).rejects.toMatchObject({ code: 'NotAuthorizedException', message: 'User is disabled.' });
    expect((await newestRecords(1))[0]).toMatchObject({ action: 'disableUser', before: { enabled: true }, after: { enabled: false } });
    const enabled = await call(boss, 'enableUser', { params: user(bob) });
    expect(enabled.json).toMatchObject({ changed: true, user: { enabled: true } });
    expect((await newestRecords(1))[0]).toMatchObject({ action: 'enableUser', before: { enabled: false }, after: { enabled: true } });
    await expect(cloud.signIn(bob)).resolves.toBeDefined();
  });

  it('resets a password by code: the old password stops working, the code sets a new one; recorded', async () => {
    const carol = await cloud.createUser('carol');
    const answer = await call(boss, 'resetPassword', { params: user(carol) });
    expect(answer.json).toMatchObject({ changed: true, user: { status: 'RESET_REQUIRED' } });
    await expect(cloud.signIn(carol)).rejects.toMatchObject({ code: 'PasswordResetRequiredException' });
    const code = cloud.cloud.outbox.list().filter((m) => m.to === carol.email).at(-1)!.code;
    await cloud.idp.send(new ConfirmForgotPasswordCommand({ ClientId: cloud.clientId, Username: carol.email, ConfirmationCode: code, Password: 'Brand-new-Pass-42!' }));
    await expect(cloud.signIn(carol, 'Brand-new-Pass-42!')).resolves.toBeDefined();
    expect((await newestRecords(1))[0]).toMatchObject({
      action: 'resetPassword',
      target: { username: carol.sub },
      before: { status: 'CONFIRMED' },
      after: { status: 'RESET_REQUIRED', event: expect.stringMatching(/reset code was sent/) },
    });
  });

  it('signs a person out everywhere: their refresh token stops working; recorded', async () => {
    const dave = await cloud.signedInUser('dave');
    expect((await call(boss, 'signOutEverywhere', { params: user(dave) })).statusCode).toBe(200);
    await expect(cloud.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: cloud.clientId, RefreshToken: dave.refreshToken }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    expect((await newestRecords(1))[0]).toMatchObject({ action: 'signOutEverywhere', target: { username: dave.sub }, after: { event: expect.stringMatching(/session was ended/) } });
  });
});

describe("a person's own birthdate", () => {
  it('is changed with the sign-up rule, by anyone signed in, for themselves only; recorded', async () => {
    const tooYoung = await call(alice, 'changeOwnBirthdate', { body: { birthdate: `${new Date().getUTCFullYear() - 10}-01-01` } });
    expect([tooYoung.statusCode, tooYoung.json]).toEqual([400, { code: 'InvalidBirthdate', message: TOO_YOUNG_MESSAGE }]);
    expect((await call(alice, 'changeOwnBirthdate', { body: { birthdate: '1990-02-30' } })).json.message).toMatch(/YYYY-MM-DD/);
    expect((await call(alice, 'changeOwnBirthdate', { body: '"1990-01-01"' })).statusCode).toBe(400);

    // A username in the body is ignored: the claims say whose birthdate it is.
    const changed = await call(alice, 'changeOwnBirthdate', { body: { birthdate: '1985-07-14', username: bob.sub } });
    expect(changed.json).toEqual({ birthdate: '1985-07-14', changed: true });
    const idp = new CognitoIdentityProviderClient({ region: cloud.region, endpoint: cloud.endpoint, credentials: cloud.functionRoleCredentials('admin-api'), maxAttempts: 1 });
    const birthdateOf = async (who: CloudUser) =>
      (await idp.send(new AdminGetUserCommand({ UserPoolId: cloud.userPoolId, Username: who.sub }))).UserAttributes?.find((a) => a.Name === 'birthdate')?.Value;
    expect(await birthdateOf(alice)).toBe('1985-07-14');
    expect(await birthdateOf(bob)).toBe('1990-01-01');
    expect((await newestRecords(1))[0]).toMatchObject({
      action: 'changeOwnBirthdate',
      actor: { sub: alice.sub },
      target: { username: alice.sub },
      before: { birthdate: '1990-01-01' },
      after: { birthdate: '1985-07-14' },
    });
    await call(alice, 'changeOwnBirthdate', { body: { birthdate: '1990-01-01' } });
  });

  it('is removed with null (AdminDeleteUserAttributes), and set again', async () => {
    const birthdateOf = async (who: CloudUser) =>
      (await cloud.operatorIdp().send(new AdminGetUserCommand({ UserPoolId: cloud.userPoolId, Username: who.sub }))).UserAttributes?.find((a) => a.Name === 'birthdate')?.Value;
    expect((await call(bob, 'changeOwnBirthdate', { body: { birthdate: null } })).json).toEqual({ birthdate: null, changed: true });
    expect(await birthdateOf(bob)).toBeUndefined();
    expect((await newestRecords(1))[0]).toMatchObject({ action: 'changeOwnBirthdate', before: { birthdate: '1990-01-01' }, after: { birthdate: null } });
    expect((await call(bob, 'changeOwnBirthdate', { body: { birthdate: null } })).json).toEqual({ birthdate: null, changed: false });
    expect((await call(bob, 'changeOwnBirthdate', { body: { birthdate: 19900101 } })).statusCode).toBe(400);
    expect((await call(bob, 'changeOwnBirthdate', { body: { birthdate: '1990-01-01' } })).json).toEqual({ birthdate: '1990-01-01', changed: true });
    expect(await birthdateOf(bob)).toBe('1990-01-01');
  });
});

describe('owner names', () => {
  // People of their own: other tests sign people out everywhere.
  let olive: Person;
  let oscar: Person;
  let editor: Person;
  beforeAll(async () => {
    olive = await cloud.signedInUser('olive');
    oscar = await cloud.signedInUser('oscar');
    editor = await cloud.signedInUser('editor', ['EDITORS']);
  }, 60_000);

  /** What a signed-in person reads at owners/{identity id}.json with their own identity-pool credentials. */
  async function readName(reader: Session, identityId: string) {
    const s3 = cloud.s3Client((await cloud.credentialsFor(reader.idToken)).credentials);
    const object = await s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: ownerNameKey(identityId) }));
    return JSON.parse(await object.Body!.transformToString());
  }

  it("publishes the caller's verified email under the caller's own identity id, whatever the body says", async () => {
    const own = (await cloud.credentialsFor(olive.idToken)).identityId;
    const oscars = (await cloud.credentialsFor(oscar.idToken)).identityId;
    const published = await call(olive, 'publishOwnerName', { body: { identityId: oscars, name: oscar.email } });
    expect([published.statusCode, published.json]).toEqual([200, { identityId: own, name: olive.email }]);
    expect(await readName(oscar, own)).toMatchObject({ identityId: own, name: olive.email });
    // Nothing was written for the identity id the body named.
    await expect(readName(oscar, oscars)).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('publishes no name while the email is unverified (replacing an older one)', async () => {
    const erin = { ...(await cloud.createUser('erin')) };
    const signedIn = { ...erin, ...(await cloud.signIn(erin)) };
    const own = (await cloud.credentialsFor(signedIn.idToken)).identityId;
    expect((await call(signedIn, 'publishOwnerName')).json).toEqual({ identityId: own, name: erin.email });
    await cloud
      .operatorIdp(['cognito-idp:AdminUpdateUserAttributes'])
      .send(new AdminUpdateUserAttributesCommand({ UserPoolId: cloud.userPoolId, Username: erin.sub, UserAttributes: [{ Name: 'email_verified', Value: 'false' }] }));
    // The token still says verified; the user pool, asked now, does not.
    expect((await call(signedIn, 'publishOwnerName')).json).toEqual({ identityId: own, name: null });
    expect(await readName(olive, own)).toMatchObject({ identityId: own, name: null });
  });

  it('never publishes a verified email in a form that passes for another address (look-alike domain, invisible characters)', async () => {
    const mallory = await cloud.signedInUser('mallory');
    const own = (await cloud.credentialsFor(mallory.idToken)).identityId;
    const admin = cloud.operatorIdp(['cognito-idp:AdminUpdateUserAttributes']);
    const verify = (email: string) =>
      admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: cloud.userPoolId, Username: mallory.sub, UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }));
    // A domain of their own that looks like example.com (a Cyrillic "а"), verified by mail they receive there.
    const suffix = mallory.email.split('@')[0];
    await verify(`${suffix}@ex\u0430mple.com`);
    const published = await call(mallory, 'publishOwnerName');
    expect(published.json.name).toMatch(new RegExp(`^${suffix}@xn--`));
    expect(await readName(olive, own)).toMatchObject({ name: published.json.name });
    // A right-to-left override in the local part: no name at all.
    await verify(`${suffix}\u202e@example.org`);
    expect((await call(mallory, 'publishOwnerName')).json).toEqual({ identityId: own, name: null });
  });

  it("refuses a header that is not the token the claims came from, and a token the identity pool does not accept", async () => {
    const mismatched = await call(olive, 'publishOwnerName', { authorization: oscar.idToken });
    expect([mismatched.statusCode, mismatched.json.code]).toEqual([401, 'Unauthorized']);
    const forged = cloud.reSign(olive.idToken, {}, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    const refused = await call(olive, 'publishOwnerName', { authorization: forged });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
  });

  it('cannot be written, listed or deleted by anyone but the function, nor read by guests', async () => {
    const own = (await cloud.credentialsFor(olive.idToken)).identityId;
    await call(olive, 'publishOwnerName');
    const key = ownerNameKey(own);
    for (const who of [olive, editor]) {
      const { credentials } = await cloud.credentialsFor(who.idToken);
      const s3 = cloud.s3Client(credentials);
      const forgedName = JSON.stringify({ identityId: own, name: 'grace@example.com', updatedAt: new Date().toISOString() });
      await expect(s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: key, Body: forgedName }))).rejects.toMatchObject({ name: 'AccessDenied' });
      await expect(s3.send(new DeleteObjectCommand({ Bucket: cloud.bucket, Key: key }))).rejects.toMatchObject({ name: 'AccessDenied' });
      await expect(s3.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: OWNER_NAMES_PREFIX }))).rejects.toMatchObject({ name: 'AccessDenied' });
    }
    const guest = cloud.s3Client((await cloud.credentialsFor()).credentials);
    await expect(guest.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: key }))).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(await readName(editor, own)).toMatchObject({ name: olive.email });
    await expect(functionS3.send(new DeleteObjectCommand({ Bucket: cloud.bucket, Key: key }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('the audit log', () => {
  it('is read newest first in pages, through the API only', async () => {
    await call(boss, 'addToGroup', { params: { ...user(bob), group: 'EDITORS' } });
    await call(boss, 'removeFromGroup', { params: { ...user(bob), group: 'EDITORS' } });
    const first = await call(boss, 'readAuditLog', { query: { limit: '1' } });
    const second = await call(boss, 'readAuditLog', { query: { limit: '1', next: first.json.next } });
    expect(first.json.records[0]).toMatchObject({ action: 'removeFromGroup', target: { username: bob.sub } });
    expect(second.json.records[0]).toMatchObject({ action: 'addToGroup', target: { username: bob.sub } });
    expect(Date.parse(first.json.records[0].at)).toBeGreaterThanOrEqual(Date.parse(second.json.records[0].at));
  });

  it('is out of reach of every identity-pool role, and append-only for the function', async () => {
    const [{ id }] = await newestRecords(1);
    const key = (await functionS3.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: AUDIT_PREFIX, MaxKeys: 1 }))).Contents![0].Key!;
    expect(key).toContain(id);
    for (const who of [boss, alice]) {
      const { credentials } = await cloud.credentialsFor(who.idToken);
      const s3 = cloud.s3Client(credentials);
      await expect(s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: key }))).rejects.toMatchObject({ name: 'AccessDenied' });
      await expect(s3.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: AUDIT_PREFIX }))).rejects.toMatchObject({ name: 'AccessDenied' });
      await expect(s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: `${AUDIT_PREFIX}forged.json`, Body: '{}' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    }
    await expect(functionS3.send(new DeleteObjectCommand({ Bucket: cloud.bucket, Key: key }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(functionS3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: key, Body: '{}', IfNoneMatch: '*' }))).rejects.toMatchObject({
      name: 'PreconditionFailed',
    });
  });
});
