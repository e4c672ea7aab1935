import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hiddenField, HttpsBrowser } from '../testing/https-browser';
import { placeholderNotice } from '.';
import { GOOGLE_ISSUER } from './google';
import type { ProviderEndpoints } from './registrations';
import { redirectParams, startProviderCloud, type ProviderCloud } from './testing';

/**
 * The emulated Google driven as Cognito's side drives it: the browser to the
 * authorize endpoint (login_hint or the sign-in page), back to
 * /oauth2/idpresponse with a code, the code exchanged server to server, the
 * id token verified with jose against the provider's JWKS, the profile read.
 */
let p: ProviderCloud;
let clientId: string;
let clientSecret: string;
let endpoints: ProviderEndpoints;

beforeAll(async () => {
  p = await startProviderCloud();
  const google = p.registration('Google');
  clientId = google.details.client_id;
  clientSecret = google.details.client_secret;
  endpoints = p.endpoints('Google');
});
afterAll(() => p.stop());

const authorizeUrl = (params: Record<string, string> = {}) =>
  `${endpoints.authorize}?${new URLSearchParams({ client_id: clientId, redirect_uri: p.idpResponse, response_type: 'code', scope: 'openid email profile', state: 'st-1', nonce: 'n-1', ...params })}`;

const exchange = (browser: HttpsBrowser, form: Record<string, string>, headers: Record<string, string> = {}) =>
  browser.send('POST', endpoints.token, { form: { grant_type: 'authorization_code', redirect_uri: p.idpResponse, ...form }, headers, noCookies: true });

async function codeFor(email: string, params: Record<string, string> = {}): Promise<string> {
  const answer = await p.browser().send('GET', authorizeUrl({ login_hint: email, ...params }));
  expect(answer.status).toBe(302);
  return redirectParams(answer.location).get('code')!;
}

async function verifyIdToken(browser: HttpsBrowser, idToken: string) {
  const jwks = HttpsBrowser.json<JSONWebKeySet>(await browser.send('GET', endpoints.jwks!));
  return (await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: GOOGLE_ISSUER, audience: clientId, algorithms: ['RS256'] })).payload;
}

describe('the emulated Google, end to end', () => {
  test('login_hint signs a new person in without a click; the code gives a verifiable id token and the profile', async () => {
    const browser = p.browser();
    const answer = await browser.send('GET', authorizeUrl({ login_hint: 'ada.lovelace@example.com' }));
    expect(answer.status).toBe(302);
    const back = new URL(answer.location!);
    expect(`${back.origin}${back.pathname}`).toBe(p.idpResponse);
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('iss')).toBe(GOOGLE_ISSUER);
    const code = back.searchParams.get('code')!;
    expect(code).toMatch(/^4\/0A/);

    const token = await exchange(browser, { code, client_id: clientId, client_secret: clientSecret });
    expect(token.status).toBe(200);
    expect(token.headers['cache-control']).toBe('no-store');
    const body = HttpsBrowser.json(token);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, scope: 'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile' });
    const claims = await verifyIdToken(browser, body.id_token as string);
    expect(claims).toMatchObject({
      iss: GOOGLE_ISSUER,
      aud: clientId,
      azp: clientId,
      email: 'ada.lovelace@example.com',
      email_verified: true,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      nonce: 'n-1',
    });
    expect(claims.sub).toMatch(/^1\d{20}$/);
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(String(claims.picture)).toContain('/_providers/google/avatar.svg');

    const profile = await browser.send('GET', endpoints.userInfo!, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(profile.status).toBe(200);
    expect(HttpsBrowser.json(profile)).toMatchObject({ sub: claims.sub, email: 'ada.lovelace@example.com', email_verified: true, name: 'Ada Lovelace' });
    const picture = await browser.send('GET', String(claims.picture));
    expect(picture.status).toBe(200);
    expect(picture.body).toContain('>AL</text>');

    // The same hint is the same person.
    const again = await exchange(browser, { code: await codeFor('ADA.lovelace@example.com'), client_id: clientId, client_secret: clientSecret });
    expect((await verifyIdToken(browser, HttpsBrowser.json(again).id_token as string)).sub).toBe(claims.sub);
  });

  test('the sign-in page creates an unverified person, then offers them to pick; cancel is access_denied', async () => {
    const browser = p.browser();
    const page = await browser.send('GET', authorizeUrl());
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Google (emulated)</title>');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    // Every form-action source is one Chromium accepts: a host source has no IPv6 literal (Chromium prints a console error and drops it).
    const formAction = /form-action ([^;]+)/.exec(String(page.headers['content-security-policy']))![1].trim().split(/\s+/);
    expect(formAction.filter((source) => !/^('self'|https?:\/\/[A-Za-z0-9.-]+(:(\d+|\*))?)$/.test(source))).toEqual([]);
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)![1].replace(/&amp;/g, '&');
    const csrf = hiddenField(page.body, '_csrf')!;

    const refused = await browser.send('POST', action, { form: { intent: 'create', email: 'grace@example.com', name: 'Grace Hopper', email_verified: 'false', _csrf: 'forged-'.repeat(8) } });
    expect(refused.status).toBe(403);

    const created = await browser.send('POST', action, { form: { _csrf: csrf, intent: 'create', email: 'grace@example.com', name: 'Grace <b>Hopper</b>', email_verified: 'false' } });
    expect(created.status).toBe(302);
    const token = HttpsBrowser.json(await exchange(browser, { code: redirectParams(created.location).get('code')!, client_id: clientId, client_secret: clientSecret }));
    const claims = await verifyIdToken(browser, token.id_token as string);
    expect(claims).toMatchObject({ email: 'grace@example.com', email_verified: false, name: 'Grace <b>Hopper</b>' });

    const chooser = await browser.send('GET', authorizeUrl({ state: 'st-2' }));
    expect(chooser.body).toContain('Grace &lt;b&gt;Hopper&lt;/b&gt; — grace@example.com (email not verified)');
    expect(chooser.body).not.toContain('<b>Hopper</b>');
    const picked = await browser.send('POST', action, { form: { _csrf: hiddenField(chooser.body, '_csrf')!, account: String(claims.sub) } });
    expect(picked.status).toBe(302);
    expect(redirectParams(picked.location).get('code')).toBeTruthy();

    const again = await browser.send('GET', authorizeUrl());
    const cancelled = await browser.send('POST', action, { form: { _csrf: hiddenField(again.body, '_csrf')!, intent: 'cancel' } });
    expect(cancelled.status).toBe(302);
    expect(Object.fromEntries(redirectParams(cancelled.location))).toEqual({ error: 'access_denied', state: 'st-1' });
  });

  test('prompt=none without a hint answers login_required; the client authenticates with HTTP Basic too', async () => {
    const none = await p.browser().send('GET', authorizeUrl({ prompt: 'none' }));
    expect(Object.fromEntries(redirectParams(none.location))).toEqual({ error: 'login_required', state: 'st-1' });
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const token = await exchange(p.browser(), { code: await codeFor('basic@example.com') }, { authorization: basic });
    expect(token.status).toBe(200);
  });
});

describe('the emulated Google refuses bad input as Google does', () => {
  test('an unregistered client or redirect_uri is refused on its own page, the browser never sent on', async () => {
    const browser = p.browser();
    const unknown = await browser.send('GET', authorizeUrl({ client_id: 'someone-else.apps.googleusercontent.com', login_hint: 'x@example.com' }));
    expect([unknown.status, unknown.location]).toEqual([401, undefined]);
    expect(unknown.body).toContain('Error 401: invalid_client');
    const elsewhere = await browser.send('GET', authorizeUrl({ redirect_uri: 'https://evil.example.com/oauth2/idpresponse', login_hint: 'x@example.com' }));
    expect([elsewhere.status, elsewhere.location]).toEqual([400, undefined]);
    expect(elsewhere.body).toContain('redirect_uri_mismatch');
    const noScope = await browser.send('GET', authorizeUrl({ scope: '' }));
    expect(noScope.body).toContain('Missing required parameter: scope');
    const badScope = await browser.send('GET', authorizeUrl({ scope: 'openid drive' }));
    expect(badScope.body).toContain('Some requested scopes were invalid. {invalid=[drive]}');
    expect(p.cloud.identityProviders!.accounts.byEmail('google', 'x@example.com')).toBeUndefined();
  });

  test('a wrong secret is invalid_client and spends nothing; a code is single-use, bound to the redirect URI, and expires', async () => {
    const browser = p.browser();
    const code = await codeFor('eve@example.com');
    const wrong = await exchange(browser, { code, client_id: clientId, client_secret: `${clientSecret}x` });
    expect([wrong.status, HttpsBrowser.json(wrong)]).toEqual([401, { error: 'invalid_client', error_description: 'Unauthorized' }]);
    const stranger = await exchange(browser, { code, client_id: 'stranger', client_secret: clientSecret });
    expect([stranger.status, HttpsBrowser.json(stranger)]).toEqual([401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' }]);
    expect((await exchange(browser, { code, client_id: clientId, client_secret: clientSecret })).status).toBe(200);
    const reused = await exchange(browser, { code, client_id: clientId, client_secret: clientSecret });
    expect([reused.status, HttpsBrowser.json(reused)]).toEqual([400, { error: 'invalid_grant', error_description: 'Bad Request' }]);

    const moved = await exchange(browser, { code: await codeFor('eve@example.com'), client_id: clientId, client_secret: clientSecret, redirect_uri: 'https://localhost/elsewhere' });
    expect([moved.status, HttpsBrowser.json(moved).error]).toEqual([400, 'redirect_uri_mismatch']);

    const late = await codeFor('eve@example.com');
    p.clock.advance(10 * 60 * 1000 + 1);
    const expired = await exchange(browser, { code: late, client_id: clientId, client_secret: clientSecret });
    expect([expired.status, HttpsBrowser.json(expired).error]).toEqual([400, 'invalid_grant']);

    const grantType = await exchange(browser, { code: 'x', client_id: clientId, client_secret: clientSecret, grant_type: 'password' });
    expect(HttpsBrowser.json(grantType)).toEqual({ error: 'unsupported_grant_type', error_description: 'Invalid grant_type: password' });
  });

  test('userinfo refuses a missing or unknown access token', async () => {
    for (const headers of [{}, { authorization: 'Bearer ya29.forged' }] as Record<string, string>[]) {
      const answer = await p.browser().send('GET', endpoints.userInfo!, { headers });
      expect(answer.status).toBe(401);
      expect(HttpsBrowser.json(answer)).toEqual({ error: 'invalid_request', error_description: 'Invalid Credentials' });
      expect(answer.headers['www-authenticate']).toContain('invalid_token');
    }
  });
});

test('the console is told once which provider secrets are placeholders, never a value', () => {
  const notice = placeholderNotice(p.cloud.context.providerRegistrations)!;
  expect(notice).toContain('GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET');
  expect(notice).toContain('npm run secret -- set NAME');
  expect(notice).not.toContain(clientSecret);
});

test('accounts are kept in the store and wiped by the reset', async () => {
  await codeFor('kept@example.com');
  expect(p.cloud.identityProviders!.accounts.byEmail('google', 'kept@example.com')).toBeDefined();
  const reset = await fetch(`${p.cloud.url}/_localcloud/reset`, { method: 'POST' });
  expect(reset.status).toBe(200);
  expect(p.cloud.identityProviders!.accounts.list('google')).toEqual([]);
});
