import type { IncomingMessage, ServerResponse } from 'node:http';
import { callbackUrl } from '../cognito-idp/hosted-ui/authorize-request';
import { basicCredentials, sameSecret, sendOAuthJson } from '../cognito-idp/hosted-ui/oauth-errors';
import { escapeHtml, redirect } from '../cognito-idp/hosted-ui/pages';
import { epochSeconds } from '../services/clock';
import type { ProviderAccount } from './accounts';
import { isGrant, type ProviderGrant } from './grants';
import { readForm } from './http';
import {
  bearerToken,
  findRegistration,
  isFormEncoded,
  providerBase,
  ProviderError,
  type AuthorizeCheck,
  type ProviderContext,
  type ProviderProtocol,
} from './provider';
import { accessTokenHash, createProviderSigner } from './signing';
import type { Store } from '../store/store';

/**
 * Google as an OpenID Connect provider (the authorization code flow of
 * accounts.google.com): authorize with Google's parameters and error pages,
 * the token endpoint (client_secret_post or _basic; Google's error JSON), an
 * RS256 id token with Google's claims signed by a key of the state folder,
 * the JWKS at /oauth2/v3/certs and the userinfo endpoint.
 */
export const GOOGLE_ISSUER = 'https://accounts.google.com';
const ACCESS_TOKEN_SECONDS = 3599;
const ID_TOKEN_SECONDS = 3600;
/** The scopes' long names, as Google echoes them (openid has none). */
const SCOPE_URLS: Record<string, string> = {
  openid: 'openid',
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};
const SHORT_SCOPE = new Map(Object.entries(SCOPE_URLS).map(([short, url]) => [url, short]));
const PROMPTS = ['none', 'consent', 'select_account'];

const googleError = (status: number, error: string, description: string) => new ProviderError(status, { error, error_description: description });

function checkAuthorize(params: URLSearchParams): AuthorizeCheck {
  const onPage = (error: string, description: string): AuthorizeCheck => ({ ok: false, error, description, onPage: true });
  const responseType = params.get('response_type');
  if (!responseType) return onPage('invalid_request', 'Required parameter is missing: response_type');
  if (responseType !== 'code') return onPage('unsupported_response_type', `Unsupported response_type: ${responseType}. The emulated Google serves the authorization code flow (response_type=code).`);
  const asked = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
  if (!asked.length) return onPage('invalid_request', 'Missing required parameter: scope');
  const invalid = asked.filter((s) => !(s in SCOPE_URLS) && !SHORT_SCOPE.has(s));
  if (invalid.length) return onPage('invalid_scope', `Some requested scopes were invalid. {invalid=[${invalid.join(', ')}]}`);
  const prompt = (params.get('prompt') ?? '').split(/\s+/).filter(Boolean);
  const unknown = prompt.find((p) => !PROMPTS.includes(p));
  if (unknown) return onPage('invalid_request', `Invalid parameter value for prompt: Invalid prompt: ${unknown}`);
  if (prompt.includes('none') && prompt.length > 1) return onPage('invalid_request', 'Invalid parameter value for prompt: none cannot be combined with other values');
  const scopes = [...new Set(asked.map((s) => SHORT_SCOPE.get(s) ?? s))];
  return { ok: true, scopes, responseType, prompt };
}

const grantedScope = (scopes: string[]) => scopes.map((s) => SCOPE_URLS[s]).join(' ');

/** The person's claims the granted scopes allow (id token and userinfo alike). */
function personClaims(ctx: ProviderContext, account: ProviderAccount, scopes: string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (scopes.includes('email')) Object.assign(claims, { email: account.email, email_verified: account.emailVerified });
  if (scopes.includes('profile')) {
    Object.assign(claims, {
      name: account.name,
      picture: `${ctx.oauthUrl()}${providerBase('google')}/avatar.svg?${new URLSearchParams({ sub: account.sub })}`,
      given_name: account.givenName,
      ...(account.familyName ? { family_name: account.familyName } : {}),
    });
  }
  return claims;
}

export function createGoogle(ctx: ProviderContext, store: Store): ProviderProtocol {
  const signer = createProviderSigner(store, 'google');

  const grantOf = (req: IncomingMessage, params: URLSearchParams): { grant: ProviderGrant; account: ProviderAccount } => {
    const token = bearerToken(req, params);
    const grant = token ? ctx.grants.accessToken('google', token) : undefined;
    const account = grant && ctx.accounts.bySub('google', grant.sub);
    if (!grant || !account) {
      throw new ProviderError(401, { error: 'invalid_request', error_description: 'Invalid Credentials' }, { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' });
    }
    return { grant, account };
  };

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isFormEncoded(req)) throw googleError(400, 'invalid_request', 'Invalid Content-Type: expected application/x-www-form-urlencoded');
    const form = await readForm(req);
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = basicCredentials(req);
    if (basic === 'malformed' || (basic && clientId !== undefined && clientId !== basic.id)) throw googleError(401, 'invalid_client', 'Unauthorized');
    if (basic) [clientId, secret] = [basic.id, secret ?? basic.secret];
    if (!clientId) throw googleError(400, 'invalid_request', 'Could not determine client ID from request.');
    const registration = findRegistration(ctx, 'Google', clientId);
    if (!registration) throw googleError(401, 'invalid_client', 'The OAuth client was not found.');
    if (!sameSecret(secret, registration.details.client_secret ?? '')) throw googleError(401, 'invalid_client', 'Unauthorized');
    const grantType = form.get('grant_type');
    if (grantType !== 'authorization_code') throw googleError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
    const code = form.get('code');
    if (!code) throw googleError(400, 'invalid_request', 'Missing required parameter: code');
    const grant = ctx.grants.redeemCode('google', code);
    if (!isGrant(grant) || grant.clientId !== clientId) throw googleError(400, 'invalid_grant', 'Bad Request');
    const redirectUri = form.get('redirect_uri');
    if (!redirectUri) throw googleError(400, 'invalid_request', 'Missing parameter: redirect_uri');
    if (redirectUri !== grant.redirectUri) throw googleError(400, 'redirect_uri_mismatch', 'Bad Request');
    const account = ctx.accounts.bySub('google', grant.sub);
    if (!account) throw googleError(400, 'invalid_grant', 'Account has been deleted');

    const accessToken = ctx.grants.issueAccessToken(grant, ACCESS_TOKEN_SECONDS, 'ya29.');
    const body: Record<string, unknown> = { access_token: accessToken, expires_in: ACCESS_TOKEN_SECONDS, scope: grantedScope(grant.scopes), token_type: 'Bearer' };
    if (grant.scopes.includes('openid')) {
      const iat = epochSeconds(ctx.clock);
      body.id_token = await signer.sign({
        iss: GOOGLE_ISSUER,
        azp: clientId,
        aud: clientId,
        sub: account.sub,
        ...(grant.scopes.includes('email') ? { email: account.email, email_verified: account.emailVerified } : {}),
        at_hash: accessTokenHash(accessToken),
        ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
        ...personClaims(ctx, account, grant.scopes.filter((s) => s === 'profile')),
        auth_time: grant.authTime,
        iat,
        exp: iat + ID_TOKEN_SECONDS,
      });
    }
    sendOAuthJson(res, 200, body);
  }

  async function userInfo(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const params = req.method === 'POST' && isFormEncoded(req) ? await readForm(req) : url.searchParams;
    const { grant, account } = grantOf(req, params);
    sendOAuthJson(res, 200, { sub: account.sub, ...personClaims(ctx, account, grant.scopes) });
  }

  /** The `picture` of the person: their initials, so no image leaves the machine. */
  function avatar(_req: IncomingMessage, res: ServerResponse, url: URL): void {
    const account = ctx.accounts.bySub('google', url.searchParams.get('sub') ?? '');
    const initials = account ? (account.givenName[0] ?? '') + (account.familyName[0] ?? '') : '?';
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><rect width="96" height="96" fill="#1a73e8"/>` +
      `<text x="48" y="60" font-family="sans-serif" font-size="40" text-anchor="middle" fill="#fff">${escapeHtml(initials.toUpperCase())}</text></svg>`;
    res.writeHead(account ? 200 : 404, { 'Content-Type': 'image/svg+xml', 'Content-Length': String(Buffer.byteLength(svg)), 'Content-Security-Policy': "default-src 'none'", 'Cache-Control': 'no-store' });
    res.end(svg);
  }

  return {
    slug: 'google',
    type: 'Google',
    title: 'Google',
    authorizePath: '/o/oauth2/v2/auth',
    codeTtlMs: 10 * 60 * 1000,
    codePrefix: '4/0A',
    checkAuthorize,
    assertsEmailVerified: true,
    interactionRequired: 'login_required',
    cancelled: { error: 'access_denied' },
    deliver(res, request, outcome) {
      if ('error' in outcome) {
        return redirect(res, callbackUrl(request.redirectUri, { error: outcome.error, error_description: outcome.description, state: request.state }));
      }
      redirect(res, callbackUrl(request.redirectUri, {
        state: request.state,
        iss: GOOGLE_ISSUER,
        code: outcome.code,
        scope: grantedScope(outcome.grant.scopes),
        authuser: '0',
        prompt: 'consent',
      }));
    },
    refusalPage: (status, error) => `Access blocked: Authorization Error. Error ${status}: ${error}`,
    routes: {
      'POST /token': token,
      'GET /oauth2/v3/certs': (_req, res) => sendOAuthJson(res, 200, signer.jwks(), { 'Cache-Control': 'public, max-age=300' }),
      'GET /v1/userinfo': userInfo,
      'POST /v1/userinfo': userInfo,
      'GET /avatar.svg': avatar,
    },
    requestError: (message, status = 400) => googleError(status, 'invalid_request', message),
  };
}
