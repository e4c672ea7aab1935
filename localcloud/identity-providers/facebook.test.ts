import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hiddenField, HttpsBrowser, type HttpsAnswer } from '../testing/https-browser';
import type { ProviderEndpoints, ProviderRegistration } from './registrations';
import { startProviderCloud, type ProviderCloud } from './testing';

/**
 * Facebook Login driven as Cognito's side drives it: the OAuth dialog
 * (login_hint or the page) back to /oauth2/idpresponse with a code and
 * `#_=_`, the code exchanged at /oauth/access_token (GET with the query, as
 * Cognito does, or POST), then /me?fields=… with the access token.
 */
let p: ProviderCloud;
let facebook: ProviderRegistration;
let endpoints: ProviderEndpoints;

beforeAll(async () => {
  p = await startProviderCloud();
  facebook = p.registration('Facebook');
  endpoints = p.endpoints('Facebook');
});
afterAll(() => p.stop());

const dialogUrl = (params: Record<string, string> = {}) =>
  `${endpoints.authorize}?${new URLSearchParams({ client_id: facebook.details.client_id, redirect_uri: p.idpResponse, response_type: 'code', scope: 'email,public_profile', state: 'st-f', ...params })}`;

/** The redirect's query, after checking it ends in Facebook's `#_=_`. */
function answerParams(location: string | undefined): Record<string, string> {
  const url = new URL(location!);
  expect(url.hash).toBe('#_=_');
  expect(`${url.origin}${url.pathname}`).toBe(p.idpResponse);
  return Object.fromEntries(url.searchParams);
}

const exchange = (params: Record<string, string>) =>
  p.browser().send('GET', `${endpoints.token}?${new URLSearchParams({ client_id: facebook.details.client_id, client_secret: facebook.details.client_secret, redirect_uri: p.idpResponse, ...params })}`, { noCookies: true });

async function codeFor(email: string, params: Record<string, string> = {}): Promise<string> {
  return answerParams((await p.browser().send('GET', dialogUrl({ login_hint: email, ...params }))).location).code;
}

const graphError = (answer: HttpsAnswer) => [answer.status, HttpsBrowser.json<{ error: Record<string, unknown> }>(answer).error];

describe('Facebook Login, end to end', () => {
  test('login_hint → code → token (GET, as Cognito asks) → /me with the fields asked, by access_token or Bearer', async () => {
    const answer = await p.browser().send('GET', dialogUrl({ login_hint: 'mark.z@example.com' }));
    expect(answer.status).toBe(302);
    const back = answerParams(answer.location);
    expect(back.state).toBe('st-f');
    const token = await exchange({ code: back.code });
    expect(token.status).toBe(200);
    const body = HttpsBrowser.json(token);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: expect.any(Number) });
    expect(String(body.access_token)).toMatch(/^EAA/);

    const fields = 'id,name,email,first_name,last_name';
    const byQuery = await p.browser().send('GET', `${endpoints.userInfo}?${new URLSearchParams({ fields, access_token: String(body.access_token) })}`);
    expect(byQuery.status).toBe(200);
    const person = HttpsBrowser.json(byQuery);
    expect(person).toEqual({ id: expect.stringMatching(/^\d{17}$/), name: 'Mark Z', email: 'mark.z@example.com', first_name: 'Mark', last_name: 'Z' });
    const byBearer = await p.browser().send('GET', `${endpoints.userInfo}`, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(HttpsBrowser.json(byBearer)).toEqual({ id: person.id, name: 'Mark Z' });
  });

  test('without the email permission /me leaves the email out; the token endpoint takes a POST form too', async () => {
    const code = await codeFor('nomail@example.com', { scope: 'public_profile' });
    const token = await p.browser().send('POST', endpoints.token, {
      form: { client_id: facebook.details.client_id, client_secret: facebook.details.client_secret, redirect_uri: p.idpResponse, code },
      noCookies: true,
    });
    expect(token.status).toBe(200);
    const me = await p.browser().send('GET', `${endpoints.userInfo}?fields=id,email&access_token=${encodeURIComponent(String(HttpsBrowser.json(token).access_token))}`);
    expect(Object.keys(HttpsBrowser.json(me))).toEqual(['id']);
  });

  test('the page creates a person; cancel is access_denied with error_reason=user_denied', async () => {
    const browser = p.browser();
    const page = await browser.send('GET', dialogUrl());
    expect(page.body).toContain('<title>Facebook (emulated)</title>');
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)![1].replace(/&amp;/g, '&');
    const created = await browser.send('POST', action, { form: { _csrf: hiddenField(page.body, '_csrf')!, intent: 'create', email: 'sheryl@example.com', name: 'Sheryl S' } });
    expect(answerParams(created.location).code).toBeTruthy();
    const again = await browser.send('GET', dialogUrl());
    const cancelled = await browser.send('POST', action, { form: { _csrf: hiddenField(again.body, '_csrf')!, intent: 'cancel' } });
    expect(answerParams(cancelled.location)).toEqual({ error: 'access_denied', error_code: '200', error_description: 'Permissions error', error_reason: 'user_denied', state: 'st-f' });
  });
});

describe('Facebook Login refuses bad input as Facebook does', () => {
  test('unknown app, unregistered redirect URI and invalid scopes are refused on the dialog itself', async () => {
    const app = await p.browser().send('GET', dialogUrl({ client_id: '1234567890', login_hint: 'q@example.com' }));
    expect([app.status, app.location]).toEqual([401, undefined]);
    expect(app.body).toContain('Invalid App ID');
    const url = await p.browser().send('GET', dialogUrl({ redirect_uri: 'https://example.com/cb', login_hint: 'q@example.com' }));
    expect([url.status, url.location]).toEqual([400, undefined]);
    expect(url.body).toContain('URL blocked');
    const scopes = await p.browser().send('GET', dialogUrl({ scope: 'email,user_friends', login_hint: 'q@example.com' }));
    expect(scopes.body).toContain('Invalid Scopes: user_friends');
    expect(p.cloud.identityProviders!.accounts.byEmail('facebook', 'q@example.com')).toBeUndefined();
  });

  test("the token endpoint's Graph API errors: app, secret, used, expired and moved codes", async () => {
    const code = await codeFor('olivia@example.com');
    expect(graphError(await exchange({ code, client_id: '999' }))).toEqual([400, expect.objectContaining({ message: 'Error validating application. Invalid application ID.', type: 'OAuthException', code: 101 })]);
    expect(graphError(await exchange({ code, client_secret: 'wrong' }))).toEqual([400, expect.objectContaining({ message: 'Error validating client secret.', type: 'OAuthException', code: 1 })]);
    expect((await exchange({ code })).status).toBe(200);
    expect(graphError(await exchange({ code }))).toEqual([400, expect.objectContaining({ message: 'This authorization code has been used.', code: 100, error_subcode: 36009 })]);
    expect(graphError(await exchange({ code: 'AQforged' }))).toEqual([400, expect.objectContaining({ message: 'Invalid verification code format.', code: 100 })]);
    const moved = await exchange({ code: await codeFor('olivia@example.com'), redirect_uri: `${p.idpResponse}/x` });
    expect(graphError(moved)).toEqual([400, expect.objectContaining({ code: 100, error_subcode: 36008 })]);
    const late = await codeFor('olivia@example.com');
    p.clock.advance(10 * 60 * 1000 + 1);
    expect(graphError(await exchange({ code: late }))).toEqual([400, expect.objectContaining({ message: 'This authorization code has expired.', error_subcode: 36007 })]);
  });

  test('/me refuses a bad or missing access token and unknown fields', async () => {
    expect(graphError(await p.browser().send('GET', `${endpoints.userInfo}?access_token=EAAforged`))).toEqual([400, expect.objectContaining({ code: 190, type: 'OAuthException' })]);
    expect(graphError(await p.browser().send('GET', `${endpoints.userInfo}`))).toEqual([400, expect.objectContaining({ code: 2500 })]);
    const token = HttpsBrowser.json(await exchange({ code: await codeFor('f@example.com') })).access_token as string;
    const unknown = await p.browser().send('GET', `${endpoints.userInfo}?fields=id,friends&access_token=${encodeURIComponent(token)}`);
    expect(graphError(unknown)).toEqual([400, expect.objectContaining({ message: '(#100) Tried accessing nonexisting field (friends) on node type (User)', code: 100 })]);
  });
});
