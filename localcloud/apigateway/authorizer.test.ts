import { createHmac, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { GlobalSignOutCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiTestCloud, type ApiTestCloud, type Tokens } from './testing';

/**
 * The COGNITO_USER_POOLS authorizer against forged and unfit tokens: each is
 * 401 {"message":"Unauthorized"} and the function is never invoked (its runs
 * are counted from its log). Real tokens come from the local pool's sign-in.
 */
let t: ApiTestCloud;
let ada: Tokens;

beforeAll(async () => {
  t = await startApiTestCloud();
  ada = await t.signIn('ada@example.com', { groups: ['ADMINS'] });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const parts = (token: string) => token.split('.');
const header = (token: string) => JSON.parse(Buffer.from(parts(token)[0], 'base64url').toString());
const payload = (token: string) => JSON.parse(Buffer.from(parts(token)[1], 'base64url').toString());

async function get(path: string, authorization?: string) {
  const res = await fetch(`${t.base}${path}`, { headers: authorization === undefined ? {} : { Authorization: authorization } });
  return { status: res.status, body: await res.json(), errorType: res.headers.get('x-amzn-errortype') };
}

/** Calls the method with the token and checks: 401 Unauthorized, the function not run. */
async function expectUnauthorized(token: string | undefined, path = '/items') {
  const before = t.invocations();
  const res = await get(path, token);
  expect(res).toEqual({ status: 401, body: { message: 'Unauthorized' }, errorType: 'UnauthorizedException' });
  expect(t.invocations()).toBe(before);
}

describe('a real token', () => {
  test('an id token of the pool reaches the function; an access token with the scope reaches a scoped method', async () => {
    const before = t.invocations();
    const res = await get('/items', ada.idToken);
    expect(res.status).toBe(200);
    expect(res.body.requestContext.authorizer.claims.sub).toBe(payload(ada.idToken).sub);
    // After a Bearer scheme too.
    expect((await get('/items', `Bearer ${ada.idToken}`)).status).toBe(200);
    const scoped = await get('/scoped', ada.accessToken);
    expect(scoped.status).toBe(200);
    expect(scoped.body.requestContext.authorizer.claims).toMatchObject({ token_use: 'access', scope: 'aws.cognito.signin.user.admin', 'cognito:groups': '[ADMINS]' });
    expect(t.invocations()).toBe(before + 3);
  });

  test('an access token without the scopes the method asks for: 403, the function not run', async () => {
    const before = t.invocations();
    const res = await get('/custom-scope', ada.accessToken);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: 'Forbidden' });
    expect(t.invocations()).toBe(before);
  });
});

describe('refused: 401 and the function never invoked', () => {
  test('no token, an empty one, garbage, a scheme alone, another scheme', async () => {
    await expectUnauthorized(undefined);
    await expectUnauthorized('');
    await expectUnauthorized('not-a-token');
    await expectUnauthorized('Bearer ');
    await expectUnauthorized(`Basic ${ada.idToken}`);
  });

  test('alg "none" with the real payload', async () => {
    const forged = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${parts(ada.idToken)[1]}.`;
    await expectUnauthorized(forged);
  });

  test('HS256 signed with the pool’s public key (key confusion)', async () => {
    const jwks = await (await fetch(`${t.cloud.url}/${t.poolId}/.well-known/jwks.json`)).json();
    const jwk = jwks.keys[0];
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const head = b64url(JSON.stringify({ alg: 'HS256', kid: jwk.kid, typ: 'JWT' }));
    const body = parts(ada.idToken)[1];
    const signature = createHmac('sha256', pem).update(`${head}.${body}`).digest('base64url');
    await expectUnauthorized(`${head}.${body}.${signature}`);
  });

  test('RS256 signed by a foreign key under its own kid, and under the pool’s kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forge = (kid: string) => {
      const head = b64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }));
      const body = parts(ada.idToken)[1];
      return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
    };
    await expectUnauthorized(forge('foreign-key'));
    await expectUnauthorized(forge(header(ada.idToken).kid));
  });

  test('an edited payload (groups added) under the original signature', async () => {
    const edited = b64url(JSON.stringify({ ...payload(ada.idToken), 'cognito:groups': ['ADMINS', 'EDITORS'], sub: '00000000-0000-4000-8000-000000000000' }));
    const [head, , signature] = parts(ada.idToken);
    await expectUnauthorized(`${head}.${edited}.${signature}`);
  });

  test('an access token where the method takes an id token, and an id token where it takes an access token', async () => {
    await expectUnauthorized(ada.accessToken, '/items');
    await expectUnauthorized(ada.idToken, '/scoped');
  });

  test('a token of another pool (and so of another app client)', async () => {
    const other = await t.signIn('grace@example.com', { otherPool: true });
    expect(payload(other.idToken).aud).toBe(t.otherClientId);
    await expectUnauthorized(other.idToken);
    await expectUnauthorized(other.accessToken, '/scoped');
  });

  test("a token signed with the pool's own key for an audience that is no app client of the pool", async () => {
    const head = parts(ada.idToken)[0];
    const body = b64url(JSON.stringify({ ...payload(ada.idToken), aud: 'not-a-client-of-this-pool' }));
    const signature = sign('sha256', Buffer.from(`${head}.${body}`), t.cloud.context.keys.signing.privateKey).toString('base64url');
    await expectUnauthorized(`${head}.${body}.${signature}`);
    // The same re-signing with the real audience passes: the refusal was the audience.
    const same = b64url(JSON.stringify(payload(ada.idToken)));
    const good = sign('sha256', Buffer.from(`${head}.${same}`), t.cloud.context.keys.signing.privateKey).toString('base64url');
    expect((await get('/items', `${head}.${same}.${good}`)).status).toBe(200);
  });

  test('an expired token', async () => {
    const mine = await t.signIn('expiring@example.com');
    const exp = payload(mine.idToken).exp as number;
    const now = t.clock.now();
    t.clock.set(new Date((exp + 1) * 1000));
    try {
      await expectUnauthorized(mine.idToken);
    } finally {
      t.clock.set(now);
    }
    // The same token inside its lifetime passes: the refusal was its expiry.
    expect((await get('/items', mine.idToken)).status).toBe(200);
  });

  test('a token revoked by GlobalSignOut', async () => {
    const mine = await t.signIn('leaving@example.com');
    expect((await get('/items', mine.idToken)).status).toBe(200);
    await t.sdk.send(new GlobalSignOutCommand({ AccessToken: mine.accessToken }));
    await expectUnauthorized(mine.idToken);
  });

  test('a disabled user’s token', async () => {
    const mine = await t.signIn('disabled@example.com');
    const pool = t.cloud.cognitoIdp.pools.byId(t.poolId)!;
    const user = t.cloud.cognitoIdp.users.bySignInName(pool, 'disabled@example.com')!;
    t.cloud.cognitoIdp.users.update(pool, { ...user, enabled: false });
    await expectUnauthorized(mine.idToken);
  });
});
