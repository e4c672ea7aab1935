import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hiddenField, HttpsBrowser, type HttpsAnswer } from '../testing/https-browser';
import { APPLE_ISSUER, CLIENT_SECRET_MAX_SECONDS } from './apple';
import type { ProviderEndpoints, ProviderRegistration } from './registrations';
import { startProviderCloud, type ProviderCloud } from './testing';

/**
 * Sign in with Apple driven as Cognito's side drives it: authorize with
 * response_mode=form_post (the auto-submitting form back to
 * /oauth2/idpresponse), then the token endpoint with a client secret JWT
 * signed with the registered key, the id token verified against /auth/keys.
 */
let p: ProviderCloud;
let apple: ProviderRegistration;
let endpoints: ProviderEndpoints;
let appleKey: KeyObject;

beforeAll(async () => {
  p = await startProviderCloud();
  apple = p.registration('SignInWithApple');
  endpoints = p.endpoints('SignInWithApple');
  appleKey = createPrivateKey(apple.details.private_key);
});
afterAll(() => p.stop());

const now = () => Math.floor(p.clock.now().getTime() / 1000);

/** The client secret as a developer makes it (Apple's documented claims), with parts overridden. */
function clientSecret(overrides: { key?: KeyObject; kid?: string; iss?: string; sub?: string; aud?: string; iat?: number; exp?: number } = {}): Promise<string> {
  const iat = overrides.iat ?? now();
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: overrides.kid ?? apple.details.key_id })
    .setIssuer(overrides.iss ?? apple.details.team_id)
    .setSubject(overrides.sub ?? apple.details.client_id)
    .setAudience(overrides.aud ?? APPLE_ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(overrides.exp ?? iat + 3600)
    .sign(overrides.key ?? appleKey);
}

const authorizeUrl = (params: Record<string, string> = {}) =>
  `${endpoints.authorize}?${new URLSearchParams({
    client_id: apple.details.client_id,
    redirect_uri: p.idpResponse,
    response_type: 'code id_token',
    response_mode: 'form_post',
    scope: 'name email',
    state: 'st-a',
    nonce: 'n-a',
    ...params,
  })}`;

/** The form_post page's fields, after checking it posts to Cognito by itself. */
function postedFields(page: HttpsAnswer): Record<string, string | undefined> {
  expect(page.status).toBe(200);
  expect(page.body).toContain(`<form method="post" action="${p.idpResponse}">`);
  expect(page.body).toContain('<script>document.forms[0].submit();</script>');
  expect(String(page.headers['content-security-policy'])).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
  const field = (name: string) => hiddenField(page.body, name);
  return { code: field('code'), state: field('state'), id_token: field('id_token'), user: field('user'), error: field('error') };
}

const exchange = async (code: string, secret?: string) =>
  p.browser().send('POST', endpoints.token, {
    form: { client_id: apple.details.client_id, client_secret: secret ?? (await clientSecret()), code, grant_type: 'authorization_code', redirect_uri: p.idpResponse },
    noCookies: true,
  });

async function verify(idToken: string) {
  const jwks = HttpsBrowser.json<JSONWebKeySet>(await p.browser().send('GET', endpoints.jwks!));
  return (await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: APPLE_ISSUER, audience: apple.details.client_id, algorithms: ['RS256'] })).payload;
}

async function codeFor(email: string): Promise<string> {
  return postedFields(await p.browser().send('GET', authorizeUrl({ login_hint: email }))).code!;
}

describe('Sign in with Apple, end to end', () => {
  test('form_post brings code, state, id token and — on the first consent only — the user JSON', async () => {
    const first = postedFields(await p.browser().send('GET', authorizeUrl({ login_hint: 'ada.lovelace@example.com' })));
    expect(first.state).toBe('st-a');
    expect(JSON.parse(first.user!)).toEqual({ name: { firstName: 'Ada', lastName: 'Lovelace' }, email: 'ada.lovelace@example.com' });
    const early = await verify(first.id_token!);
    expect(early).toMatchObject({ nonce: 'n-a', email: 'ada.lovelace@example.com' });

    const token = await exchange(first.code!);
    expect(token.status).toBe(200);
    const body = HttpsBrowser.json(token);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const claims = await verify(body.id_token as string);
    expect(claims).toMatchObject({ iss: APPLE_ISSUER, aud: apple.details.client_id, email: 'ada.lovelace@example.com', email_verified: 'true', is_private_email: 'false', nonce: 'n-a' });
    expect(claims.sub).toMatch(/^00\d{4}\.[0-9a-f]{32}\.\d{4}$/);
    expect(claims.sub).toBe(early.sub);

    const hidden = postedFields(await p.browser().send('GET', authorizeUrl({ login_hint: 'x7k2p9@privaterelay.appleid.com' })));
    expect(await verify(HttpsBrowser.json(await exchange(hidden.code!)).id_token as string)).toMatchObject({ email: 'x7k2p9@privaterelay.appleid.com', is_private_email: 'true' });

    const second = postedFields(await p.browser().send('GET', authorizeUrl({ login_hint: 'ada.lovelace@example.com' })));
    expect(second.code).toBeTruthy();
    expect(second.user).toBeUndefined();
  });

  test('an unverified person created on the page; cancel posts user_cancelled_authorize', async () => {
    const browser = p.browser();
    const page = await browser.send('GET', authorizeUrl({ response_type: 'code' }));
    expect(page.body).toContain('<title>Sign in with Apple (emulated)</title>');
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)![1].replace(/&amp;/g, '&');
    const created = postedFields(await browser.send('POST', action, { form: { _csrf: hiddenField(page.body, '_csrf')!, intent: 'create', email: 'tim@example.com', name: 'Tim', email_verified: 'false' } }));
    expect(created.id_token).toBeUndefined();
    expect(JSON.parse(created.user!)).toEqual({ name: { firstName: 'Tim', lastName: '' }, email: 'tim@example.com' });
    const claims = await verify(HttpsBrowser.json(await exchange(created.code!)).id_token as string);
    expect(claims.email_verified).toBe('false');

    const again = await browser.send('GET', authorizeUrl());
    const cancelled = postedFields(await browser.send('POST', action, { form: { _csrf: hiddenField(again.body, '_csrf')!, intent: 'cancel' } }));
    expect(cancelled).toEqual({ error: 'user_cancelled_authorize', state: 'st-a', code: undefined, id_token: undefined, user: undefined });
  });
});

describe('Sign in with Apple refuses bad input as Apple does', () => {
  test('name and email need form_post; an unregistered client or redirect URI is refused on the page', async () => {
    const query = await p.browser().send('GET', authorizeUrl({ response_mode: 'query', response_type: 'code', login_hint: 'q@example.com' }));
    expect([query.status, query.location]).toEqual([400, undefined]);
    expect(query.body).toContain('response_mode must be form_post');
    const stranger = await p.browser().send('GET', authorizeUrl({ client_id: 'com.example.other', login_hint: 'q@example.com' }));
    expect([stranger.status, stranger.location]).toEqual([401, undefined]);
    expect(stranger.body).toContain('invalid_client');
    const elsewhere = await p.browser().send('GET', authorizeUrl({ redirect_uri: 'https://localhost:1/oauth2/idpresponse', login_hint: 'q@example.com' }));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).not.toContain('<form method="post" action="https://localhost:1');
    expect(p.cloud.identityProviders!.accounts.byEmail('apple', 'q@example.com')).toBeUndefined();
  });

  test('an unsigned, wrongly signed, mislabelled or expired client secret is invalid_client and spends no code', async () => {
    const code = await codeFor('mallory@example.com');
    const otherKey = createPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { iss: apple.details.team_id, sub: apple.details.client_id, aud: APPLE_ISSUER, iat: now(), exp: now() + 3600 };
    const bad: Record<string, string> = {
      unsigned: `${encode({ alg: 'none', kid: apple.details.key_id })}.${encode(claims)}.`,
      'another key': await clientSecret({ key: otherKey }),
      'another kid': await clientSecret({ kid: 'ABCDEFGHIJ' }),
      'another team': await clientSecret({ iss: 'TEAM000000' }),
      'another client': await clientSecret({ sub: 'com.example.other' }),
      'another audience': await clientSecret({ aud: 'https://example.com' }),
      expired: await clientSecret({ iat: now() - 7200, exp: now() - 60 }),
      'beyond six months': await clientSecret({ exp: now() + CLIENT_SECRET_MAX_SECONDS + 60 }),
      'not a JWT': 'local-placeholder-siwa-private-key',
    };
    for (const [what, secret] of Object.entries(bad)) {
      const answer = await exchange(code, secret);
      expect([what, answer.status, HttpsBrowser.json(answer)]).toEqual([what, 400, { error: 'invalid_client' }]);
    }
    const good = await exchange(code, await clientSecret({ exp: now() + CLIENT_SECRET_MAX_SECONDS }));
    expect(good.status).toBe(200);
    const reused = await exchange(code);
    expect([reused.status, HttpsBrowser.json(reused).error]).toEqual([400, 'invalid_grant']);
  });

  test('a code expires after 5 minutes', async () => {
    const code = await codeFor('slow@example.com');
    p.clock.advance(5 * 60 * 1000 + 1);
    const late = await exchange(code);
    expect([late.status, HttpsBrowser.json(late).error]).toEqual([400, 'invalid_grant']);
  });
});
