import type { IncomingMessage, ServerResponse } from 'node:http';
import { callbackUrl } from '../cognito-idp/hosted-ui/authorize-request';
import { basicCredentials, sameSecret, sendOAuthJson } from '../cognito-idp/hosted-ui/oauth-errors';
import { redirect } from '../cognito-idp/hosted-ui/pages';
import { isGrant } from './grants';
import { readForm } from './http';
import { bearerToken, findRegistration, isFormEncoded, ProviderError, type AuthorizeCheck, type ProviderContext, type ProviderProtocol } from './provider';

/**
 * Login with Amazon (OAuth 2.0, www.amazon.com/ap/oa and api.amazon.com):
 * authorize (faults after the client and redirect URI checks go back to the
 * client as `error`, `error_description`, `state`), the token endpoint
 * (`Atza|` access tokens; Amazon's error JSON) and the customer profile
 * (`user_id` `amzn1.account.…`, `name`, `email`) read with the access token.
 */
const ACCESS_TOKEN_SECONDS = 3600;
const SCOPES = ['profile', 'profile:user_id', 'postal_code'];

const amazonError = (status: number, error: string, description: string) => new ProviderError(status, { error_description: description, error });

function checkAuthorize(params: URLSearchParams): AuthorizeCheck {
  const back = (error: string, description: string): AuthorizeCheck => ({ ok: false, error, description, onPage: false });
  const responseType = params.get('response_type');
  if (!responseType) return back('invalid_request', 'The request is missing a required parameter : response_type');
  if (responseType !== 'code') return back('unsupported_response_type', `The authorization server does not support obtaining an authorization code using this method : ${responseType}`);
  const scopes = [...new Set((params.get('scope') ?? '').split(/\s+/).filter(Boolean))];
  if (!scopes.length) return back('invalid_request', 'The request is missing a required parameter : scope');
  const unknown = scopes.find((s) => !SCOPES.includes(s));
  if (unknown) return back('invalid_scope', `An unknown scope was requested : ${unknown}`);
  return { ok: true, scopes, responseType, prompt: [] };
}

export function createAmazon(ctx: ProviderContext): ProviderProtocol {
  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isFormEncoded(req)) throw amazonError(400, 'invalid_request', 'The request has an invalid parameter : Content-Type');
    const form = await readForm(req);
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = basicCredentials(req);
    if (basic === 'malformed' || (basic && clientId !== undefined && clientId !== basic.id)) throw amazonError(401, 'invalid_client', 'Client authentication failed');
    if (basic) [clientId, secret] = [basic.id, secret ?? basic.secret];
    const grantType = form.get('grant_type');
    if (!grantType) throw amazonError(400, 'invalid_request', 'The request is missing a required parameter : grant_type');
    if (grantType !== 'authorization_code') throw amazonError(400, 'unsupported_grant_type', `The authorization grant type is not supported by the authorization server : ${grantType}`);
    if (!clientId) throw amazonError(400, 'invalid_request', 'The request is missing a required parameter : client_id');
    const registration = findRegistration(ctx, 'LoginWithAmazon', clientId);
    if (!registration || !sameSecret(secret, registration.details.client_secret ?? '')) throw amazonError(401, 'invalid_client', 'Client authentication failed');
    const code = form.get('code');
    if (!code) throw amazonError(400, 'invalid_request', 'The request is missing a required parameter : code');
    const grant = ctx.grants.redeemCode('amazon', code);
    if (!isGrant(grant) || grant.clientId !== clientId || !ctx.accounts.bySub('amazon', grant.sub)) {
      throw amazonError(400, 'invalid_grant', 'The request has an invalid grant parameter : code');
    }
    if (form.get('redirect_uri') !== grant.redirectUri) throw amazonError(400, 'invalid_grant', 'The request has an invalid grant parameter : redirect_uri');
    const accessToken = ctx.grants.issueAccessToken(grant, ACCESS_TOKEN_SECONDS, 'Atza|');
    sendOAuthJson(res, 200, { access_token: accessToken, token_type: 'bearer', expires_in: ACCESS_TOKEN_SECONDS });
  }

  function profile(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const token = bearerToken(req, url.searchParams);
    if (!token) throw amazonError(400, 'invalid_request', 'The request is missing a required parameter : access_token');
    const grant = ctx.grants.accessToken('amazon', token);
    const account = grant && ctx.accounts.bySub('amazon', grant.sub);
    if (!grant || !account) throw amazonError(401, 'invalid_token', 'The request has an invalid parameter : access_token');
    const body: Record<string, string> = { user_id: account.sub };
    if (grant.scopes.includes('profile')) Object.assign(body, { name: account.name, email: account.email });
    sendOAuthJson(res, 200, body);
  }

  return {
    slug: 'amazon',
    type: 'LoginWithAmazon',
    title: 'Login with Amazon',
    authorizePath: '/ap/oa',
    codeTtlMs: 5 * 60 * 1000,
    codePrefix: 'AN',
    checkAuthorize,
    assertsEmailVerified: false,
    cancelled: { error: 'access_denied', description: 'The user denied the request.' },
    deliver(res, request, outcome) {
      if ('error' in outcome) {
        return redirect(res, callbackUrl(request.redirectUri, { error_description: outcome.description, error: outcome.error, state: request.state }));
      }
      redirect(res, callbackUrl(request.redirectUri, { code: outcome.code, scope: outcome.grant.scopes.join(' '), state: request.state }));
    },
    refusalPage: (_status, error) => `We cannot process your request: ${error}`,
    routes: {
      'POST /auth/o2/token': token,
      'GET /user/profile': profile,
    },
    requestError: (message, status = 400) => amazonError(status, 'invalid_request', message),
  };
}
