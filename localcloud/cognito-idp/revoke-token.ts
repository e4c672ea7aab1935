import { checkClientSecret } from './auth-flow';
import { Unsupported } from './errors';
import type { Target } from './services';
import { optionalString, string } from './validate';

/** Revokes a refresh token and the access and id tokens issued from it. */
export const RevokeToken: Target = (services) => async (_ctx, req) => {
  const token = string(req, 'Token');
  const clientId = string(req, 'ClientId');
  const { client } = services.pools.client(clientId);
  checkClientSecret(client, optionalString(req, 'ClientSecret'));
  if (!client.enableTokenRevocation) throw Unsupported('Token revocation is not enabled for this app client.');
  services.tokens.revoke(client, token);
  return {};
};
