/**
 * Where the web app runs, for OAuth callback and logout URLs.
 *
 * Local development is the Vite dev server. The deployed domain comes from
 * VAULT_APP_URL at synthesis time (set it as an Amplify Hosting environment
 * variable, or before `npx ampx sandbox`); the placeholder keeps synthesis
 * deterministic when it is unset.
 */
export const LOCAL_APP_URL = 'http://localhost:5173/';
export const DEPLOYED_APP_URL = withTrailingSlash(process.env.VAULT_APP_URL ?? 'https://vault.example.com/');

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export const callbackUrls = [LOCAL_APP_URL, DEPLOYED_APP_URL];
export const logoutUrls = [LOCAL_APP_URL, DEPLOYED_APP_URL];

/** The origins the web app is served from (CORS of the admin REST API). */
export function appOrigins(): string[] {
  return [...new Set([LOCAL_APP_URL, DEPLOYED_APP_URL].map((url) => new URL(url).origin))];
}
