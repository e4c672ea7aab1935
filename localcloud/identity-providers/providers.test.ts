import { afterAll, beforeAll, expect, test } from 'vitest';
import { HttpsBrowser } from '../testing/https-browser';
import { SOCIAL_PROVIDER_TYPES } from './registrations';
import { startProviderCloud, type ProviderCloud } from './testing';

/** What all four emulated providers share: no request, however malformed, gets a 500 or hangs. */
let p: ProviderCloud;
beforeAll(async () => {
  p = await startProviderCloud();
});
afterAll(() => p.stop());

test('an oversized token request is refused in the provider\'s own error shape, 413', async () => {
  const bodies: Record<string, unknown> = {};
  for (const type of SOCIAL_PROVIDER_TYPES) {
    const answer = await p.browser().send('POST', p.endpoints(type).token, { form: { code: 'x'.repeat(20_000) }, noCookies: true });
    expect([type, answer.status]).toEqual([type, 413]);
    bodies[type] = HttpsBrowser.json(answer);
  }
  expect(bodies.Google).toMatchObject({ error: 'invalid_request' });
  expect(bodies.SignInWithApple).toEqual({ error: 'invalid_request' });
  expect(bodies.LoginWithAmazon).toMatchObject({ error: 'invalid_request' });
  expect(bodies.Facebook).toMatchObject({ error: { type: 'OAuthException', code: 100 } });
});

test('malformed requests get 4xx answers: garbage parameters, wrong methods, unknown paths', async () => {
  const browser = p.browser();
  for (const type of SOCIAL_PROVIDER_TYPES) {
    const endpoints = p.endpoints(type);
    const garbage = '?client_id=%E0%A4%A&redirect_uri=%&scope=%00&state=<script>&login_hint=%FF';
    for (const url of [`${endpoints.authorize}${garbage}`, `${endpoints.authorize}?client_id=&client_id=x`, endpoints.authorize]) {
      const answer = await browser.send('GET', url);
      expect([url, answer.status >= 400 && answer.status < 500]).toEqual([url, true]);
      expect(answer.body).not.toContain('<script>');
    }
    const posted = await browser.send('POST', `${endpoints.authorize}${garbage}`, { form: { intent: 'create' } });
    expect(posted.status).toBeGreaterThanOrEqual(400);
    expect(posted.status).toBeLessThan(500);
    const notJson = await browser.send('POST', endpoints.token, { headers: { 'content-type': 'application/json' }, noCookies: true });
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);
  }
  const method = await browser.send('DELETE', p.endpoints('Google').token);
  expect([method.status, method.headers.allow]).toEqual([405, 'POST']);
  expect((await browser.send('GET', '/_providers/myspace/oauth')).status).toBe(404);
  expect((await browser.send('GET', '/_providers/google/nothing-here')).status).toBe(404);
});
