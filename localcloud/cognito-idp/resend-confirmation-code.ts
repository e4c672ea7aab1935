import { checkSecretHash } from './auth-flow';
import { pretendDelivery } from './codes';
import { InvalidParameter, UserNotFound } from './errors';
import { confirmationChannel } from './lookups';
import type { Target } from './services';
import { optionalString, string, stringMap } from './validate';

export const ResendConfirmationCode: Target = (services) => async (_ctx, req) => {
  const clientId = string(req, 'ClientId');
  const username = string(req, 'Username');
  const clientMetadata = stringMap(req, 'ClientMetadata');
  const { pool, client } = services.pools.client(clientId);
  checkSecretHash(client, username, optionalString(req, 'SecretHash'));
  const user = services.users.bySignInName(pool, username);
  if (!user) {
    if (!client.preventUserExistenceErrors) throw UserNotFound('Username/client id combination not found.');
    return { CodeDeliveryDetails: pretendDelivery(username) };
  }
  if (user.status !== 'UNCONFIRMED') throw InvalidParameter('User is already confirmed.');
  const channel = confirmationChannel(pool, user);
  if (!channel) throw InvalidParameter('Auto verification not turned on.');
  return { CodeDeliveryDetails: await services.codes.send(pool, user, 'SIGN_UP', channel, { clientId, clientMetadata }) };
};
