import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callbackUrl } from '../cognito-idp/hosted-ui/authorize-request';
import { sameSecret, sendOAuthJson } from '../cognito-idp/hosted-ui/oauth-errors';
import { redirect } from '../cognito-idp/hosted-ui/pages';
import type { ProviderAccount } from './accounts';
import { isGrant } from './grants';
import { readForm } from './http';
import { bearerToken, findRegistration, isFormEncoded, providerBase, ProviderError, type AuthorizeCheck, type ProviderContext, type ProviderProtocol } from './provider';

/**
 * Facebook Login (OAuth 2.0, Graph API v17.0): the OAuth dialog (answers end
 * in `#_=_` as Facebook's do; a cancel is `error=access_denied`,
 * `error_reason=user_denied`), the access token endpoint (GET or POST, the
 * client's id and secret in the query or the form) and /me with `fields`,
 * read with the access token (`access_token` or Bearer). Errors are the Graph
 * API's `{"error": {"message", "type": "OAuthException", "code",
 * "error_subcode"?, "fbtrace_id"}}`.
 */
const ACCESS_TOKEN_SECONDS = 5_183_944;
const SCOPES = ['email', 'public_profile'];
/** The fields of a User /me answers (picture as Graph's `{data: {…}}`). */
const FIELDS = ['id', 'name', 'email', 'first_name', 'last_name', 'short_name', 'name_format', 'picture'];

function facebookError(message: string, code: number, subcode?: number, status = 400): ProviderError {
  const error: Record<string, unknown> = { message, type: 'OAuthException', code };
  if (subcode !== undefined) error.error_subcode = subcode;
  error.fbtrace_id = randomBytes(8).toString('base64url');
  return new ProviderError(status, { error });
}

function checkAuthorize(params: URLSearchParams): AuthorizeCheck {
  const responseType = params.get('response_type') ?? 'code';
  if (responseType !== 'code') {
    return { ok: false, error: 'unsupported_response_type', description: `The emulated Facebook serves response_type=code, not ${responseType}.`, onPage: true };
  }
  const scopes = [...new Set((params.get('scope') ?? 'public_profile').split(/[\s,]+/).filter(Boolean))];
  const invalid = scopes.filter((s) => !SCOPES.includes(s));
  if (invalid.length) return { ok: false, error: 'Invalid Scopes', description: `Invalid Scopes: ${invalid.join(', ')}. This message is only shown to developers.`, onPage: true };
  return { ok: true, scopes: scopes.includes('public_profile') ? scopes : [...scopes, 'public_profile'], responseType, prompt: [] };
}

export function createFacebook(ctx: ProviderContext): ProviderProtocol {
  /** The parameters of a GET's query, or a POST's form (then the query's too). */
  const parameters = async (req: IncomingMessage, url: URL): Promise<URLSearchParams> => {
    if (req.method !== 'POST' || !isFormEncoded(req)) return url.searchParams;
    const merged = new URLSearchParams(url.searchParams);
    for (const [k, v] of await readForm(req)) merged.set(k, v);
    return merged;
  };

  async function accessToken(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const params = await parameters(req, url);
    const clientId = params.get('client_id');
    if (!clientId) throw facebookError('Missing client_id parameter.', 101);
    const registration = findRegistration(ctx, 'Facebook', clientId);
    if (!registration) throw facebookError('Error validating application. Invalid application ID.', 101);
    const redirectUri = params.get('redirect_uri');
    if (!redirectUri) throw facebookError('Missing redirect_uri parameter.', 191);
    if (!sameSecret(params.get('client_secret') ?? undefined, registration.details.client_secret ?? '')) throw facebookError('Error validating client secret.', 1);
    const code = params.get('code');
    if (!code) throw facebookError('Missing authorization code', 100);
    const grant = ctx.grants.redeemCode('facebook', code);
    if (!isGrant(grant)) {
      if (grant.refused === 'used') throw facebookError('This authorization code has been used.', 100, 36009);
      if (grant.refused === 'expired') throw facebookError('This authorization code has expired.', 100, 36007);
      throw facebookError('Invalid verification code format.', 100);
    }
    if (grant.clientId !== clientId || !ctx.accounts.bySub('facebook', grant.sub)) throw facebookError('Invalid verification code format.', 100);
    if (redirectUri !== grant.redirectUri) {
      throw facebookError('Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 100, 36008);
    }
    const token = ctx.grants.issueAccessToken(grant, ACCESS_TOKEN_SECONDS, 'EAA');
    sendOAuthJson(res, 200, { access_token: token, token_type: 'bearer', expires_in: ACCESS_TOKEN_SECONDS });
  }

  function field(account: ProviderAccount, name: string): unknown {
    switch (name) {
      case 'id':
        return account.sub;
      case 'name':
        return account.name;
      case 'email':
        return account.email;
      case 'first_name':
        return account.givenName;
      case 'last_name':
        return account.familyName;
      case 'short_name':
        return account.givenName;
      case 'name_format':
        return '{first} {last}';
      case 'picture':
        return { data: { height: 50, width: 50, is_silhouette: true, url: `${ctx.oauthUrl()}${providerBase('facebook')}/silhouette.svg` } };
    }
  }

  async function me(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const params = await parameters(req, url);
    const token = bearerToken(req, params);
    if (!token) throw facebookError('An active access token must be used to query information about the current user.', 2500);
    const grant = ctx.grants.accessToken('facebook', token);
    const account = grant && ctx.accounts.bySub('facebook', grant.sub);
    if (!grant || !account) throw facebookError('Invalid OAuth access token - Cannot parse access token', 190);
    const asked = (params.get('fields') ?? 'id,name').split(',').map((f) => f.trim()).filter(Boolean);
    const unknown = asked.find((f) => !FIELDS.includes(f));
    if (unknown) throw facebookError(`(#100) Tried accessing nonexisting field (${unknown}) on node type (User)`, 100);
    const body: Record<string, unknown> = {};
    for (const name of asked) {
      // The email only with the email permission (and Facebook leaves out what it does not have).
      if (name === 'email' && !grant.scopes.includes('email')) continue;
      body[name] = field(account, name);
    }
    body.id = account.sub;
    sendOAuthJson(res, 200, body);
  }

  function silhouette(_req: IncomingMessage, res: ServerResponse): void {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50" viewBox="0 0 50 50"><rect width="50" height="50" fill="#c9ccd1"/>' +
      '<circle cx="25" cy="19" r="9" fill="#fff"/><path d="M8 50c0-11 8-17 17-17s17 6 17 17z" fill="#fff"/></svg>';
    res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Content-Length': String(Buffer.byteLength(svg)), 'Content-Security-Policy': "default-src 'none'" });
    res.end(svg);
  }

  return {
    slug: 'facebook',
    type: 'Facebook',
    title: 'Facebook',
    authorizePath: '/v17.0/dialog/oauth',
    codeTtlMs: 10 * 60 * 1000,
    codePrefix: 'AQ',
    checkAuthorize,
    assertsEmailVerified: false,
    cancelled: { error: 'access_denied', description: 'Permissions error' },
    deliver(res, request, outcome) {
      if ('error' in outcome) {
        const fields = { error: outcome.error, error_code: '200', error_description: outcome.description, error_reason: 'user_denied', state: request.state };
        return redirect(res, `${callbackUrl(request.redirectUri, fields)}#_=_`);
      }
      redirect(res, `${callbackUrl(request.redirectUri, { code: outcome.code, state: request.state })}#_=_`);
    },
    refusalPage: (_status, error) =>
      error === 'redirect_uri_mismatch'
        ? "URL blocked: This redirect failed because the redirect URI is not whitelisted in the app's client OAuth settings."
        : error === 'invalid_client'
          ? 'Invalid App ID: The provided app ID does not look like a valid app ID.'
          : `Error: ${error}`,
    routes: {
      'GET /v17.0/oauth/access_token': accessToken,
      'POST /v17.0/oauth/access_token': accessToken,
      'GET /v17.0/me': me,
      'POST /v17.0/me': me,
      'GET /silhouette.svg': silhouette,
    },
    requestError: (message, status = 400) => facebookError(message, 100, undefined, status),
  };
}
