import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startProviderCloud, type ProviderCloud } from './testing';

/**
 * The front door and the providers' sign-in pages: Chromium opens them from
 * the app's page through Cognito's redirect, marked `Sec-Fetch-Site:
 * cross-site` with no Referer (what a real browser sends; the Playwright spec
 * e2e/social-sign-in.spec.ts found it refused). A top-level navigation is
 * answered; anything else a page of another site sends is still refused.
 */
let p: ProviderCloud;

beforeAll(async () => {
  p = await startProviderCloud();
});
afterAll(() => p.stop());

const NAVIGATION = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };

const authorizeUrl = (type: 'Google' | 'SignInWithApple') => {
  const registration = p.registration(type === 'Google' ? 'Google' : 'SignInWithApple');
  const params: Record<string, string> = { client_id: registration.details.client_id, redirect_uri: p.idpResponse, response_type: 'code', scope: 'openid email', state: 's' };
  if (type === 'SignInWithApple') Object.assign(params, { response_mode: 'form_post', scope: 'openid email name' });
  return `${p.endpoints(type).authorize}?${new URLSearchParams(params)}`;
};

describe("the providers' sign-in pages behind the front door", () => {
  test.each(['Google', 'SignInWithApple'] as const)('%s: a cross-site top-level navigation gets the sign-in page', async (type) => {
    const answer = await p.browser().send('GET', authorizeUrl(type), { headers: NAVIGATION });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Create an account');
  });

  test('a cross-site fetch, a frame, or another endpoint is still refused before anything acts', async () => {
    const browser = p.browser();
    const refused = [
      await browser.send('GET', authorizeUrl('Google'), { headers: { ...NAVIGATION, 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' } }),
      await browser.send('GET', authorizeUrl('Google'), { headers: { ...NAVIGATION, 'sec-fetch-dest': 'iframe' } }),
      await browser.send('GET', p.endpoints('Google').jwks!, { headers: NAVIGATION }),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('Sec-Fetch-Site: cross-site');
    }
  });
});
