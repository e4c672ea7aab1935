import type { UserPoolConfig } from '../provisioning/user-pools';
import { checkSecretHash } from './auth-flow';
import { pretendDelivery, type CodePurpose } from './codes';
import { UserNotFound } from './errors';
import type { Target } from './services';
import type { User } from './users';
import { optionalString, string, stringMap } from './validate';

/**
 * An unauthenticated "send me a code" operation (ForgotPassword,
 * ResendConfirmationCode): the client and secret hash are checked, an unknown
 * user is UserNotFoundException (or, with PreventUserExistenceErrors, a
 * pretended delivery), and the code for `purpose` goes to the channel
 * `channelFor` picks (which throws when the user cannot get one).
 */
export function codeRequest(purpose: CodePurpose, channelFor: (pool: UserPoolConfig, user: User) => 'email' | 'phone_number'): Target {
  return (services) => async (_ctx, req) => {
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
    const channel = channelFor(pool, user);
    return { CodeDeliveryDetails: await services.codes.send(pool, user, purpose, channel, { clientId, clientMetadata }) };
  };
}
