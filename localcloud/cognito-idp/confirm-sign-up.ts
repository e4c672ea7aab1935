import { checkSecretHash } from './auth-flow';
import { unknownHolder } from './codes';
import { CodeMismatch, NotAuthorized, UserNotFound, messages } from './errors';
import { confirmationChannel } from './lookups';
import type { Target } from './services';
import { invokeTrigger } from './trigger-events';
import { optionalString, string, stringMap } from './validate';

export const ConfirmSignUp: Target = (services) => async (_ctx, req) => {
  const clientId = string(req, 'ClientId');
  const username = string(req, 'Username');
  const code = string(req, 'ConfirmationCode');
  const clientMetadata = stringMap(req, 'ClientMetadata');
  const { pool, client } = services.pools.client(clientId);
  checkSecretHash(client, username, optionalString(req, 'SecretHash'));
  const user = services.users.bySignInName(pool, username);
  if (!user) {
    if (!client.preventUserExistenceErrors) throw UserNotFound('Username/client id combination not found.');
    // Nobody: answered as an unconfirmed user (who holds a code) would be, attempt limit included.
    const holder = unknownHolder(username);
    services.codes.hold(pool, holder, 'SIGN_UP', { keepExisting: true });
    services.codes.check(pool, holder, 'SIGN_UP', '', code);
    throw CodeMismatch(messages.codeMismatch);
  }
  if (user.status !== 'UNCONFIRMED') throw NotAuthorized(`User cannot be confirmed. Current status is ${user.status}`);

  const channel = confirmationChannel(pool, user);
  services.codes.check(pool, user, 'SIGN_UP', '', code);
  services.store.transaction(() => {
    services.codes.consume(pool, user, 'SIGN_UP', '');
    user.status = 'CONFIRMED';
    if (channel) user.attributes[`${channel}_verified`] = 'true';
    user.updatedAt = services.clock.now().getTime();
    services.users.update(pool, user);
  });
  await invokeTrigger(services.triggers, pool, 'PostConfirmation', 'PostConfirmation_ConfirmSignUp', user, {
    clientId,
    request: { userAttributes: { ...user.attributes, sub: user.sub, 'cognito:user_status': 'CONFIRMED' }, clientMetadata },
    response: {},
  });
  return {};
};
