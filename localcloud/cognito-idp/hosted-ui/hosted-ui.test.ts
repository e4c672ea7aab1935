import { createHash, randomBytes } from 'node:crypto';
import {
  AssociateSoftwareTokenCommand,
  ConfirmSignUpCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../services/clock';
import { PASSWORD, startTestCloud, type TestCloud } from '../testing';
import { HttpsBrowser } from '../../testing/https-browser';

/**
 * The hosted UI over HTTPS on loopback, driven as a browser drives it (GET
 * authorize → login form → POST credentials → 302 with code and state →
 * token exchange), with Node's https client trusting the state folder's CA
 * through `ca` (certificate checks stay on).
 */
const CALLBACK = 'http://localhost:5173/';
const LOGOUT = 'http://localhost:5173/signed-out';
const oauthClient = (extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::Cognito::UserPoolClient',
  Properties: {
    UserPoolId: { Ref: 'Pool' },
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    PreventUserExistenceErrors: 'ENABLED',
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'],
    CallbackURLs: [CALLBACK, 'https://vault.example.com/'],
    LogoutURLs: [LOGOUT],
    SupportedIdentityProviders: ['COGNITO', 'Google'],
    ...extra,
  },
});

const clock = new ManualClock();
let t: TestCloud;
let oauthClientId: string;
let confidentialClientId: string;
let confidentialSecret: string;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  t = await startTestCloud({
    clock,
    resources: {
      Domain: { Type: 'AWS::Cognito::UserPoolDomain', Properties: { UserPoolId: { Ref: 'Pool' }, Domain: 'vault-test' } },
      OAuthClient: oauthClient(),
      ConfidentialClient: oauthClient({ GenerateSecret: true }),
    },
  });
  const clients = t.cloud.cognitoIdp.pools.byId(t.poolId)!.clients;
  oauthClientId = clients.find((c) => c.name === 'OAuthClient')!.clientId;
  const confidential = clients.find((c) => c.name === 'ConfidentialClient')!;
  confidentialClientId = confidential.clientId;
  confidentialSecret = confidential.clientSecret!;
  jwks = (await (await fetch(`${t.cloud.url}/${t.poolId}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  await createUser('ada@example.com');
});
afterAll(() => t.stop());

async function createUser(email: string) {
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
}

/** A minimal browser: one cookie jar, the local CA trusted through `ca`. */
class Browser extends HttpsBrowser {
  constructor() {
    super(t.cloud.oauthUrl, t.cloud.tls!.caCertificate);
  }
}

function pkce() {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(params: Record<string, string>) {
  return `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: oauthClientId, redirect_uri: CALLBACK, ...params })}`;
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const formAction = (html: string) => /<form method="post" action="([^"]+)"/.exec(html)![1].replace(/&amp;/g, '&');
const countRows = (table: string) => t.cloud.context.store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

/** authorize → login form → credentials: the answer to the credentials post. */
async function signInThroughForm(browser: Browser, params: Record<string, string>, username = 'ada@example.com', password = PASSWORD) {
  const authorize = await browser.send('GET', authorizeUrl(params));
  expect(authorize.status).toBe(302);
  expect(authorize.location).toMatch(/^\/login\?/);
  const page = await browser.send('GET', authorize.location!);
  expect(page.status).toBe(200);
  return browser.send('POST', formAction(page.body), { form: { username, password, _csrf: csrfOf(page.body) } });
}

async function redeem(form: Record<string, string>, headers: Record<string, string> = {}) {
  const answer = await new Browser().send('POST', '/oauth2/token', { form, headers });
  return { status: answer.status, json: JSON.parse(answer.body) as Record<string, string>, headers: answer.headers };
}

describe('the code grant with PKCE', () => {
  test('a signed-up user signs in on the login page; the code becomes tokens that verify against the JWKS', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const authorize = await browser.send('GET', authorizeUrl({ state: 'st-1', nonce: 'n-1', scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256' }));
    const page = await browser.send('GET', authorize.location!);
    // A strict page: no script, never framed, the form protected by a CSRF token bound to a cookie.
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'.*form-action 'self' http:\/\/localhost:5173.*frame-ancestors 'none'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).not.toMatch(/<script/i);
    expect(browser.cookies.get('XSRF-TOKEN')).toBe(csrfOf(page.body));

    const signedIn = await browser.send('POST', formAction(page.body), { form: { username: 'ada@example.com', password: PASSWORD, _csrf: csrfOf(page.body) } });
    expect(signedIn.status).toBe(302);
    const callback = new URL(signedIn.location!);
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('st-1');
    const code = callback.searchParams.get('code')!;

    const tokens = await redeem({ grant_type: 'authorization_code', client_id: oauthClientId, code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(tokens.status).toBe(200);
    expect(tokens.headers['cache-control']).toBe('no-store');
    expect(tokens.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const keys = createLocalJWKSet(jwks);
    const issuer = t.cloud.cognitoIdp.issuer(t.poolId);
    const { payload: id } = await jwtVerify(tokens.json.id_token, keys, { issuer, audience: oauthClientId, currentDate: clock.now() });
    const { payload: access } = await jwtVerify(tokens.json.access_token, keys, { issuer, currentDate: clock.now() });
    expect(id).toMatchObject({ token_use: 'id', nonce: 'n-1', email: 'ada@example.com', email_verified: true, 'cognito:username': expect.any(String) });
    expect(access).toMatchObject({ token_use: 'access', client_id: oauthClientId, scope: 'openid email', username: id['cognito:username'] });
    expect(access.auth_time).toBe(id.auth_time);
    expect(Math.abs(Number(id.auth_time) - clock.now().getTime() / 1000)).toBeLessThan(5);
    // As a backend verifies them: Cognito's issuer, the pool's JWKS, the client, the token use and the scope.
    const idVerifier = CognitoJwtVerifier.create({ userPoolId: t.poolId, tokenUse: 'id', clientId: oauthClientId });
    idVerifier.cacheJwks(jwks as never);
    await expect(idVerifier.verify(tokens.json.id_token)).resolves.toMatchObject({ nonce: 'n-1' });
    const accessVerifier = CognitoJwtVerifier.create({ userPoolId: t.poolId, tokenUse: 'access', clientId: oauthClientId, scope: 'email' });
    accessVerifier.cacheJwks(jwks as never);
    await expect(accessVerifier.verify(tokens.json.access_token)).resolves.toMatchObject({ scope: 'openid email' });

    // The code is single-use.
    const again = await redeem({ grant_type: 'authorization_code', client_id: oauthClientId, code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(again).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });

    // userInfo answers the user's attributes for an access token with openid.
    const info = await browser.send('GET', '/oauth2/userInfo', { headers: { authorization: `Bearer ${tokens.json.access_token}` } });
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ sub: id.sub, email: 'ada@example.com', email_verified: 'true', username: id['cognito:username'] });

    // Refresh keeps the scopes; revoke ends the family.
    const refreshed = await redeem({ grant_type: 'refresh_token', client_id: oauthClientId, refresh_token: tokens.json.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).toBeUndefined();
    expect((await jwtVerify(refreshed.json.access_token, keys, { currentDate: clock.now() })).payload.scope).toBe('openid email');
    const revoked = await browser.send('POST', '/oauth2/revoke', { form: { token: tokens.json.refresh_token, client_id: oauthClientId } });
    expect(revoked.status).toBe(200);
    expect(await redeem({ grant_type: 'refresh_token', client_id: oauthClientId, refresh_token: tokens.json.refresh_token })).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant' },
    });
    const afterRevoke = await browser.send('GET', '/oauth2/userInfo', { headers: { authorization: `Bearer ${tokens.json.access_token}` } });
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  test('the API takes a hosted-UI access token only with the aws.cognito.signin.user.admin scope', async () => {
    const accessTokenFor = async (scope: string) => {
      const { verifier, challenge } = pkce();
      const answer = await signInThroughForm(new Browser(), { scope, code_challenge: challenge, code_challenge_method: 'S256' });
      const code = new URL(answer.location!).searchParams.get('code')!;
      return (await redeem({ grant_type: 'authorization_code', client_id: oauthClientId, code, redirect_uri: CALLBACK, code_verifier: verifier })).json.access_token;
    };
    await expect(t.sdk.send(new GetUserCommand({ AccessToken: await accessTokenFor('openid email') }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Access Token does not have required scopes',
    });
    const user = await t.sdk.send(new GetUserCommand({ AccessToken: await accessTokenFor('openid aws.cognito.signin.user.admin') }));
    expect(user.UserAttributes).toContainEqual({ Name: 'email', Value: 'ada@example.com' });
  });

  test('the session cookie signs the browser in again without the form; prompt=login asks again; /logout ends it', async () => {
    const browser = new Browser();
    expect((await signInThroughForm(browser, { state: 's' })).status).toBe(302);
    const silent = await browser.send('GET', authorizeUrl({ state: 'again' }));
    expect(new URL(silent.location!).searchParams.get('state')).toBe('again');
    expect(new URL(silent.location!).searchParams.get('code')).toBeTruthy();
    expect((await browser.send('GET', authorizeUrl({ prompt: 'login' }))).location).toMatch(/^\/login\?/);

    const out = await browser.send('GET', `/logout?${new URLSearchParams({ client_id: oauthClientId, logout_uri: LOGOUT })}`);
    expect(out).toMatchObject({ status: 302, location: LOGOUT });
    expect(browser.cookies.has('cognito')).toBe(false);
    const none = await browser.send('GET', authorizeUrl({ prompt: 'none', state: 'p' }));
    expect(new URL(none.location!).searchParams.get('error')).toBe('login_required');
  });

  test('a user with TOTP answers it on the MFA page', async () => {
    const email = 'totp@example.com';
    await createUser(email);
    const signIn = await t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
    const AccessToken = signIn.AuthenticationResult!.AccessToken!;
    const { SecretCode } = await t.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    const totp = () => generateSync({ secret: SecretCode!, epoch: Math.floor(clock.now().getTime() / 1000) });
    await t.sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totp() }));
    await t.sdk.send(new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));

    const browser = new Browser();
    const mfaPage = await signInThroughForm(browser, { state: 'm' }, email);
    expect(mfaPage.status).toBe(200);
    expect(mfaPage.body).toMatch(/authenticator app/);
    const form = Object.fromEntries([...mfaPage.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2].replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"')]));
    const wrong = await browser.send('POST', formAction(mfaPage.body), { form: { ...form, code: '000000' === totp() ? '111111' : '000000' } });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatch(/Invalid code received for user/);
    const retry = { ...form, _csrf: csrfOf(wrong.body) };
    const done = await browser.send('POST', formAction(wrong.body), { form: { ...retry, code: totp() } });
    expect(done.status).toBe(302);
    expect(new URL(done.location!).searchParams.get('code')).toBeTruthy();
  });
});

describe('bad input is refused as Cognito refuses it, and creates nothing', () => {
  test('an unregistered client gets an error page; an unregistered redirect_uri goes to /error?error=redirect_mismatch', async () => {
    const codes = countRows('cognito_oauth_codes');
    const browser = new Browser();
    const unknown = await browser.send('GET', `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'nosuchclient', redirect_uri: CALLBACK })}`);
    expect(unknown.status).toBe(400);
    expect(unknown.location).toBeUndefined();
    const elsewhere = await browser.send('GET', authorizeUrl({ redirect_uri: 'http://localhost:5173/other' }));
    expect(elsewhere).toMatchObject({ status: 302, location: `/error?error=redirect_mismatch&client_id=${oauthClientId}` });
    // Not even a prefix or another letter case matches: the callback must be exact.
    expect((await browser.send('GET', authorizeUrl({ redirect_uri: 'HTTP://localhost:5173/' }))).location).toMatch(/redirect_mismatch/);
    // The API-only client has no OAuth: unauthorized_client, back to... no callback is registered, so redirect_mismatch.
    expect((await browser.send('GET', `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: t.clientId, redirect_uri: CALLBACK })}`)).location).toMatch(/redirect_mismatch/);
    expect(countRows('cognito_oauth_codes')).toBe(codes);
  });

  test('faults with a registered callback go back to it: scope, response_type, PKCE method', async () => {
    const browser = new Browser();
    const errorOf = async (params: Record<string, string>) => {
      const answer = await browser.send('GET', authorizeUrl({ state: 'x', ...params }));
      const url = new URL(answer.location!);
      expect(url.searchParams.get('state')).toBe('x');
      return url.searchParams.get('error');
    };
    expect(await errorOf({ scope: 'openid vault/files.read' })).toBe('invalid_scope');
    expect(await errorOf({ response_type: 'id_token' })).toBe('unsupported_response_type');
    expect(await errorOf({ code_challenge: pkce().challenge, code_challenge_method: 'plain' })).toBe('invalid_request');
  });

  test('an identity provider the client names but the pool does not have goes back to the app as invalid_request', async () => {
    const answer = await new Browser().send('GET', authorizeUrl({ identity_provider: 'Google', state: 'g' }));
    expect(answer.status).toBe(302);
    const url = new URL(answer.location!);
    expect(`${url.origin}${url.pathname}`).toBe(CALLBACK);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ error: 'invalid_request', state: 'g' });
  });

  test('the login form without its CSRF token is refused before the password is looked at', async () => {
    const browser = new Browser();
    const page = await browser.send('GET', (await browser.send('GET', authorizeUrl({ state: 'c' }))).location!);
    const user = () => t.cloud.cognitoIdp.users.bySignInName(t.cloud.cognitoIdp.pools.byId(t.poolId)!, 'ada@example.com')!;
    const failures = user().failedSignIns;
    const codes = countRows('cognito_oauth_codes');
    const missing = await browser.send('POST', formAction(page.body), { form: { username: 'ada@example.com', password: 'wrong-Password-1' } });
    expect(missing.status).toBe(403);
    expect(missing.body).toMatch(/CSRF/);
    const forged = await browser.send('POST', formAction(page.body), { form: { username: 'ada@example.com', password: PASSWORD, _csrf: 'x'.repeat(43) } });
    expect(forged.status).toBe(403);
    expect(forged.location).toBeUndefined();
    expect(user().failedSignIns).toBe(failures);
    expect(countRows('cognito_oauth_codes')).toBe(codes);
  });

  test('login_hint fills the username; a disabled user is told so (after the right password, under PreventUserExistenceErrors), no code', async () => {
    await createUser('grace@example.com');
    const browser = new Browser();
    const page = await browser.send('GET', (await browser.send('GET', authorizeUrl({ login_hint: 'grace@example.com' }))).location!);
    expect(page.body).toMatch(/name="username"[^>]*value="grace@example.com"/);
    const { users, pools } = t.cloud.cognitoIdp;
    const pool = pools.byId(t.poolId)!;
    users.update(pool, { ...users.bySignInName(pool, 'grace@example.com')!, enabled: false });
    const codes = countRows('cognito_oauth_codes');
    const answer = await browser.send('POST', formAction(page.body), { form: { username: 'grace@example.com', password: PASSWORD, _csrf: csrfOf(page.body) } });
    expect(answer.status).toBe(200);
    expect(answer.location).toBeUndefined();
    expect(answer.body).toMatch(/User is disabled\./);
    expect(countRows('cognito_oauth_codes')).toBe(codes);
  });

  test('a wrong password shows Cognito\'s message on the page and counts toward lockout', async () => {
    const answer = await signInThroughForm(new Browser(), {}, 'ada@example.com', 'Wrong-password-9');
    expect(answer.status).toBe(200);
    expect(answer.location).toBeUndefined();
    expect(answer.body).toMatch(/Incorrect username or password\./);
    const pool = t.cloud.cognitoIdp.pools.byId(t.poolId)!;
    expect(t.cloud.cognitoIdp.users.bySignInName(pool, 'ada@example.com')!.failedSignIns).toBeGreaterThan(0);
  });

  test('the token endpoint refuses a missing or wrong verifier, another redirect_uri, and spends the code on the first try', async () => {
    const { verifier, challenge } = pkce();
    const codeFor = async () =>
      new URL((await signInThroughForm(new Browser(), { code_challenge: challenge, code_challenge_method: 'S256' })).location!).searchParams.get('code')!;
    const base = { grant_type: 'authorization_code', client_id: oauthClientId, redirect_uri: CALLBACK };
    const families = countRows('cognito_refresh_tokens');

    const missingVerifier = await codeFor();
    expect(await redeem({ ...base, code: missingVerifier })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(await redeem({ ...base, code: missingVerifier, code_verifier: verifier })).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });

    const wrongVerifier = await codeFor();
    expect(await redeem({ ...base, code: wrongVerifier, code_verifier: pkce().verifier })).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });

    const otherRedirect = await codeFor();
    expect(await redeem({ ...base, code: otherRedirect, code_verifier: verifier, redirect_uri: 'https://vault.example.com/' })).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant' },
    });
    expect(await redeem({ ...base, code: 'made-up', code_verifier: verifier })).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    expect(await redeem({ ...base, grant_type: 'password', code: 'x' })).toMatchObject({ status: 400, json: { error: 'unsupported_grant_type' } });
    expect(countRows('cognito_refresh_tokens')).toBe(families);
  });

  test('a code expires after 5 minutes', async () => {
    const code = new URL((await signInThroughForm(new Browser(), {})).location!).searchParams.get('code')!;
    const start = clock.now();
    try {
      clock.advance(5 * 60 * 1000 + 1000);
      expect(await redeem({ grant_type: 'authorization_code', client_id: oauthClientId, code, redirect_uri: CALLBACK })).toMatchObject({
        status: 400,
        json: { error: 'invalid_grant' },
      });
    } finally {
      clock.set(start);
    }
  });

  test('a confidential client must authenticate with its secret (HTTP Basic)', async () => {
    const codeFor = async () => {
      const browser = new Browser();
      const authorize = await browser.send('GET', `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: confidentialClientId, redirect_uri: CALLBACK })}`);
      const page = await browser.send('GET', authorize.location!);
      const answer = await browser.send('POST', formAction(page.body), { form: { username: 'ada@example.com', password: PASSWORD, _csrf: csrfOf(page.body) } });
      return new URL(answer.location!).searchParams.get('code')!;
    };
    const basic = (secret: string) => ({ authorization: `Basic ${Buffer.from(`${confidentialClientId}:${secret}`).toString('base64')}` });
    const form = async () => ({ grant_type: 'authorization_code', code: await codeFor(), redirect_uri: CALLBACK });
    const families = countRows('cognito_refresh_tokens');
    expect(await redeem(await form(), basic('not-the-secret'))).toMatchObject({ status: 400, json: { error: 'invalid_client' } });
    expect(await redeem({ ...(await form()), client_id: confidentialClientId })).toMatchObject({ status: 400, json: { error: 'invalid_client' } });
    expect(countRows('cognito_refresh_tokens')).toBe(families);
    const ok = await redeem(await form(), basic(confidentialSecret));
    expect(ok.status).toBe(200);
    expect(ok.json.access_token).toBeTruthy();
  });

  test('logout refuses a logout_uri that is not registered', async () => {
    const browser = new Browser();
    const answer = await browser.send('GET', `/logout?${new URLSearchParams({ client_id: oauthClientId, logout_uri: 'https://evil.example/' })}`);
    expect(answer).toMatchObject({ status: 302, location: `/error?error=redirect_mismatch&client_id=${oauthClientId}` });
  });

  test('the HTTPS listener has the HTTP one\'s front door: hosts other than localhost (DNS rebinding) and pages of other sites are refused', async () => {
    const answer = await new Browser().send('GET', authorizeUrl({}), { headers: { host: 'evil.example' } });
    expect(answer.status).toBe(403);
    const browser = new Browser();
    const page = await browser.send('GET', (await browser.send('GET', authorizeUrl({}))).location!);
    const codes = countRows('cognito_oauth_codes');
    const foreign = await browser.send('POST', formAction(page.body), {
      form: { username: 'ada@example.com', password: PASSWORD, _csrf: csrfOf(page.body) },
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(countRows('cognito_oauth_codes')).toBe(codes);
  });

  test('openid-configuration lists the hosted UI endpoints that are served', async () => {
    const config = (await (await fetch(`${t.cloud.url}/${t.poolId}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({
      authorization_endpoint: `${t.cloud.oauthUrl}/oauth2/authorize`,
      token_endpoint: `${t.cloud.oauthUrl}/oauth2/token`,
      userinfo_endpoint: `${t.cloud.oauthUrl}/oauth2/userInfo`,
      revocation_endpoint: `${t.cloud.oauthUrl}/oauth2/revoke`,
      end_session_endpoint: `${t.cloud.oauthUrl}/logout`,
      response_types_supported: ['code'],
    });
  });
});
