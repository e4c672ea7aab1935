import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hiddenField, HttpsBrowser } from '../testing/https-browser';
import type { ProviderEndpoints, ProviderRegistration } from './registrations';
import { redirectParams, startProviderCloud, type ProviderCloud } from './testing';

/**
 * Login with Amazon driven as Cognito's side drives it: /ap/oa (login_hint
 * or the page) back to /oauth2/idpresponse with a code, the code exchanged
 * at /auth/o2/token, the profile read at /user/profile with the token.
 */
let p: ProviderCloud;
let amazon: ProviderRegistration;
let endpoints: ProviderEndpoints;

beforeAll(async () => {
  p = await startProviderCloud();
  amazon = p.registration('LoginWithAmazon');
  endpoints = p.endpoints('LoginWithAmazon');
});
afterAll(() => p.stop());

const authorizeUrl = (params: Record<string, string> = {}) =>
  `${endpoints.authorize}?${new URLSearchParams({ client_id: amazon.details.client_id, redirect_uri: p.idpResponse, response_type: 'code', scope: 'profile', state: 'st-z', ...params })}`;

const exchange = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  p.browser().send('POST', endpoints.token, {
    form: { grant_type: 'authorization_code', redirect_uri: p.idpResponse, client_id: amazon.details.client_id, client_secret: amazon.details.client_secret, ...form },
    headers,
    noCookies: true,
  });

async function codeFor(email: string): Promise<string> {
  const answer = await p.browser().send('GET', authorizeUrl({ login_hint: email }));
  expect(answer.status).toBe(302);
  return redirectParams(answer.location).get('code')!;
}

const profile = (headers: Record<string, string>, query = '') => p.browser().send('GET', `${endpoints.userInfo}${query}`, { headers, noCookies: true });

describe('Login with Amazon, end to end', () => {
  test('login_hint → code → Atza| token → the profile with an amzn1.account user_id', async () => {
    const answer = await p.browser().send('GET', authorizeUrl({ login_hint: 'jeff.b@example.com' }));
    expect(answer.status).toBe(302);
    const back = redirectParams(answer.location);
    expect(answer.location!.startsWith(`${p.idpResponse}?`)).toBe(true);
    expect([back.get('state'), back.get('scope')]).toEqual(['st-z', 'profile']);
    const token = await exchange({ code: back.get('code')! });
    expect(token.status).toBe(200);
    const body = HttpsBrowser.json(token);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(String(body.access_token)).toMatch(/^Atza\|/);
    for (const [headers, query] of [[{ authorization: `Bearer ${body.access_token}` }, ''], [{}, `?access_token=${encodeURIComponent(String(body.access_token))}`]] as const) {
      const read = await profile(headers, query);
      expect(read.status).toBe(200);
      const person = HttpsBrowser.json(read);
      expect(person).toEqual({ user_id: expect.stringMatching(/^amzn1\.account\.[A-Z0-9]{28}$/), name: 'Jeff B', email: 'jeff.b@example.com' });
    }
  });

  test('the page creates a person (no verified question: Amazon does not say); cancel is access_denied; Basic works', async () => {
    const browser = p.browser();
    const page = await browser.send('GET', authorizeUrl());
    expect(page.body).toContain('<title>Login with Amazon (emulated)</title>');
    expect(page.body).not.toContain('email_verified');
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)![1].replace(/&amp;/g, '&');
    const created = await browser.send('POST', action, { form: { _csrf: hiddenField(page.body, '_csrf')!, intent: 'create', email: 'ann@example.com', name: 'Ann Other' } });
    const basic = `Basic ${Buffer.from(`${amazon.details.client_id}:${amazon.details.client_secret}`).toString('base64')}`;
    const token = await p.browser().send('POST', endpoints.token, {
      form: { grant_type: 'authorization_code', code: redirectParams(created.location).get('code')!, redirect_uri: p.idpResponse },
      headers: { authorization: basic },
      noCookies: true,
    });
    expect(token.status).toBe(200);
    const again = await browser.send('GET', authorizeUrl());
    const cancelled = await browser.send('POST', action, { form: { _csrf: hiddenField(again.body, '_csrf')!, intent: 'cancel' } });
    expect(Object.fromEntries(redirectParams(cancelled.location))).toEqual({ error: 'access_denied', error_description: 'The user denied the request.', state: 'st-z' });
  });
});

describe('Login with Amazon refuses bad input as Amazon does', () => {
  test('client and redirect URI on the page; other faults back to the client with error and state', async () => {
    const stranger = await p.browser().send('GET', authorizeUrl({ client_id: 'amzn1.application-oa2-client.other', login_hint: 'z@example.com' }));
    expect([stranger.status, stranger.location]).toEqual([401, undefined]);
    const elsewhere = await p.browser().send('GET', authorizeUrl({ redirect_uri: 'https://example.com/', login_hint: 'z@example.com' }));
    expect([elsewhere.status, elsewhere.location]).toEqual([400, undefined]);
    const scope = await p.browser().send('GET', authorizeUrl({ scope: 'profile alexa::all', login_hint: 'z@example.com' }));
    expect(Object.fromEntries(redirectParams(scope.location))).toEqual({ error_description: 'An unknown scope was requested : alexa::all', error: 'invalid_scope', state: 'st-z' });
    expect(p.cloud.identityProviders!.accounts.byEmail('amazon', 'z@example.com')).toBeUndefined();
  });

  test('wrong secret, reused or expired code, bad access token: Amazon errors, nothing issued', async () => {
    const code = await codeFor('carol@example.com');
    const wrong = await exchange({ code, client_secret: 'nope' });
    expect([wrong.status, HttpsBrowser.json(wrong)]).toEqual([401, { error_description: 'Client authentication failed', error: 'invalid_client' }]);
    expect((await exchange({ code })).status).toBe(200);
    const reused = await exchange({ code });
    expect([reused.status, HttpsBrowser.json(reused)]).toEqual([400, { error_description: 'The request has an invalid grant parameter : code', error: 'invalid_grant' }]);
    const late = await codeFor('carol@example.com');
    p.clock.advance(5 * 60 * 1000 + 1);
    expect(HttpsBrowser.json(await exchange({ code: late })).error).toBe('invalid_grant');

    const forged = await profile({ authorization: 'Bearer Atza|forged' });
    expect([forged.status, HttpsBrowser.json(forged).error]).toEqual([401, 'invalid_token']);
    const missing = await profile({});
    expect([missing.status, HttpsBrowser.json(missing).error]).toEqual([400, 'invalid_request']);
  });
});
