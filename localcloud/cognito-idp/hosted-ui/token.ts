import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CognitoError } from '../errors';
import type { Services } from '../services';
import type { AuthorizationCodes } from './codes';
import { assertFormEncoded, authenticateClient, OAuthError } from './oauth-errors';

/**
 * POST /oauth2/token: `authorization_code` (with the PKCE verifier when the
 * authorization had a challenge) and `refresh_token`. A code is spent by the
 * first attempt to redeem it, right or wrong; it must come from the same
 * client with the same redirect_uri. The answer is what Cognito sends:
 * access, id (with the `openid` scope) and refresh tokens, Bearer, expires_in.
 */
export interface TokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: 'Bearer';
  expires_in: number;
}

const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'];

export async function exchangeToken(
  deps: { services: Services; codes: AuthorizationCodes },
  req: IncomingMessage,
  form: URLSearchParams,
): Promise<TokenResponse> {
  assertFormEncoded(req);
  const grantType = form.get('grant_type');
  if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required.');
  if (!GRANT_TYPES.includes(grantType)) throw new OAuthError('unsupported_grant_type');
  const { pool, client } = authenticateClient(deps.services.pools, req, form);
  if (!client.oauth.enabled) throw new OAuthError('unauthorized_client');

  if (grantType === 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', 'The local cloud does not implement the client_credentials grant.');
  }

  if (grantType === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) throw new OAuthError('invalid_request', 'refresh_token is required.');
    const scopes = deps.services.tokens.grantedScopes(refreshToken);
    try {
      const result = await deps.services.tokens.refresh(pool, client, refreshToken);
      const withId = !scopes || scopes.includes('openid');
      return { access_token: result.AccessToken, ...(withId ? { id_token: result.IdToken } : {}), token_type: 'Bearer', expires_in: result.ExpiresIn };
    } catch (error) {
      if (error instanceof CognitoError) throw new OAuthError('invalid_grant');
      throw error;
    }
  }

  if (!client.oauth.flows.includes('code')) throw new OAuthError('unauthorized_client');
  const code = form.get('code');
  const redirectUri = form.get('redirect_uri');
  if (!code || !redirectUri) throw new OAuthError('invalid_request', `${code ? 'redirect_uri' : 'code'} is required.`);
  const grant = deps.codes.redeem(code);
  if (!grant || grant.clientId !== client.clientId || grant.poolId !== pool.id || grant.redirectUri !== redirectUri) throw new OAuthError('invalid_grant');
  const verifier = form.get('code_verifier');
  if (grant.codeChallenge !== undefined) {
    if (!verifier) throw new OAuthError('invalid_request', 'code_verifier is required.');
    if (!pkceMatches(verifier, grant.codeChallenge)) throw new OAuthError('invalid_grant');
  }
  const user = deps.services.users.byUsername(pool.id, grant.username);
  if (!user || !user.enabled) throw new OAuthError('invalid_grant');
  const result = await deps.services.tokens.issue(pool, client, user, {}, { scopes: grant.scopes, nonce: grant.nonce, authTime: grant.authTime });
  return {
    access_token: result.AccessToken,
    ...(grant.scopes.includes('openid') ? { id_token: result.IdToken } : {}),
    refresh_token: result.RefreshToken,
    token_type: 'Bearer',
    expires_in: result.ExpiresIn,
  };
}

/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))) equals the challenge; verifiers are 43–128 unreserved characters. */
function pkceMatches(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
