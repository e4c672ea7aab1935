import { isVerified } from './attributes';
import { checkSecretHash } from './auth-flow';
import { pretendDelivery } from './codes';
import { InvalidParameter, NotAuthorized, UserNotFound } from './errors';
import type { Target } from './services';
import { optionalString, string, stringMap } from './validate';

export const ForgotPassword: Target = (services) => async (_ctx, req) => {
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
  if (!user.enabled) throw NotAuthorized('User is disabled.');
  // The pool's recovery mechanisms, in priority order; Cognito's default is email, then phone.
  const mechanisms = pool.accountRecovery.length
    ? [...pool.accountRecovery].sort((a, b) => a.priority - b.priority).map((m) => m.name)
    : ['verified_email', 'verified_phone_number'];
  if (mechanisms.includes('admin_only')) throw NotAuthorized('Cannot reset password for the user as there is no registered/verified email or phone_number');
  const channel = mechanisms
    .map((m) => (m === 'verified_email' ? 'email' : 'phone_number') as 'email' | 'phone_number')
    .find((c) => isVerified(user, c));
  if (!channel) throw InvalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number');
  return { CodeDeliveryDetails: await services.codes.send(pool, user, 'FORGOT_PASSWORD', channel, { clientId, clientMetadata }) };
};
