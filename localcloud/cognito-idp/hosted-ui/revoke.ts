import type { IncomingMessage } from 'node:http';
import { CognitoError } from '../errors';
import type { Services } from '../services';
import { assertFormEncoded, authenticateClient, OAuthError } from './oauth-errors';

/**
 * POST /oauth2/revoke: ends a refresh token and the access and id tokens
 * issued from it (the RevokeToken API's effect). Only refresh tokens can be
 * revoked; an unknown token answers 200, as RFC 7009 has it.
 */
export function revokeToken(services: Services, req: IncomingMessage, form: URLSearchParams): void {
  assertFormEncoded(req);
  const { client } = authenticateClient(services.pools, req, form);
  const token = form.get('token');
  if (!token) throw new OAuthError('invalid_request', 'token is required.');
  if (/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new OAuthError('unsupported_token_type', 'Only refresh tokens can be revoked.');
  if (!client.enableTokenRevocation) throw new OAuthError('unsupported_token_type', 'Token revocation is not enabled for this app client.');
  try {
    services.tokens.revoke(client, token);
  } catch (error) {
    if (error instanceof CognitoError) throw new OAuthError('invalid_request', 'The token was not issued to this client.');
    throw error;
  }
}
