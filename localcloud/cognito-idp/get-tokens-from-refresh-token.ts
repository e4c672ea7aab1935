import { assertFlowAllowed, checkClientSecret } from './auth-flow';
import type { Target } from './services';
import { optionalString, string, stringMap } from './validate';

/** aws-amplify v6's token refresh (it does not use REFRESH_TOKEN_AUTH). No rotation: the refresh token stays. */
export const GetTokensFromRefreshToken: Target = (services) => async (_ctx, req) => {
  const refreshToken = string(req, 'RefreshToken');
  const clientId = string(req, 'ClientId');
  const clientMetadata = stringMap(req, 'ClientMetadata');
  const { pool, client } = services.pools.client(clientId);
  checkClientSecret(client, optionalString(req, 'ClientSecret'));
  assertFlowAllowed(client, 'REFRESH_TOKEN_AUTH');
  return { AuthenticationResult: await services.tokens.refresh(pool, client, refreshToken, clientMetadata) };
};
