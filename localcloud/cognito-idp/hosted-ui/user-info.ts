import type { IncomingMessage } from 'node:http';
import { CognitoError } from '../errors';
import type { Services } from '../services';
import { OAuthError } from './oauth-errors';

/**
 * GET|POST /oauth2/userInfo: the attributes of the access token's user that
 * its client may read, for an access token with the `openid` scope.
 * Cognito answers attribute values as strings (`"email_verified": "true"`),
 * plus `username`. A bad token answers 401 with `WWW-Authenticate`.
 */
export async function userInfo(services: Services, req: IncomingMessage, form?: URLSearchParams): Promise<Record<string, string>> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? form?.get('access_token') ?? undefined;
  if (!bearer) throw new OAuthError('invalid_request', 'The access token is missing.', 401);
  let verified;
  try {
    verified = await services.tokens.verify(bearer, 'access');
  } catch (error) {
    if (error instanceof CognitoError) throw new OAuthError('invalid_token', 'Access token is expired, disabled, or deleted, or the user has globally signed out.', 401);
    throw error;
  }
  const scopes = String(verified.claims.scope ?? '').split(' ');
  if (!scopes.includes('openid')) throw new OAuthError('insufficient_scope', 'The access token lacks the openid scope.', 403);
  const clientId = String(verified.claims.client_id);
  const client = verified.pool.clients.find((c) => c.clientId === clientId);
  const readable = client?.readAttributes;
  const attributes: Record<string, string> = { sub: verified.user.sub };
  for (const [name, value] of Object.entries(verified.user.attributes)) {
    if (name !== 'sub' && (!readable || readable.includes(name))) attributes[name] = value;
  }
  return { ...attributes, username: verified.user.username };
}
