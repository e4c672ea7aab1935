import { decodeJwt } from 'jose';
import { checkClientSecret } from './auth-flow';
import { Unsupported, UnsupportedTokenType } from './errors';
import type { Target } from './services';
import { optionalString, string } from './validate';

/**
 * Revokes a refresh token and the access and id tokens issued from it. Only
 * refresh tokens are revocable: an access or id token (a JWT) is refused with
 * UnsupportedTokenTypeException rather than "revoked" while it keeps working.
 */
export const RevokeToken: Target = (services) => async (_ctx, req) => {
  const token = string(req, 'Token');
  const clientId = string(req, 'ClientId');
  const { client } = services.pools.client(clientId);
  checkClientSecret(client, optionalString(req, 'ClientSecret'));
  if (!client.enableTokenRevocation) throw Unsupported('Token revocation is not enabled for this app client.');
  if (isJwt(token)) throw UnsupportedTokenType('Unsupported token type. Only refresh tokens can be revoked.');
  services.tokens.revoke(client, token);
  return {};
};

function isJwt(token: string): boolean {
  try {
    decodeJwt(token);
    return true;
  } catch {
    return false;
  }
}
