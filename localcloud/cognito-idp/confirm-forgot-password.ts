import { checkSecretHash } from './auth-flow';
import { unknownHolder } from './codes';
import { CodeMismatch, UserNotFound, messages } from './errors';
import { checkPasswordPolicy, passwordVerifier } from './passwords';
import type { Target } from './services';
import { invokeTrigger } from './trigger-events';
import { optionalString, string, stringMap } from './validate';

export const ConfirmForgotPassword: Target = (services) => async (_ctx, req) => {
  const clientId = string(req, 'ClientId');
  const username = string(req, 'Username');
  const code = string(req, 'ConfirmationCode');
  const password = string(req, 'Password');
  const clientMetadata = stringMap(req, 'ClientMetadata');
  const { pool, client } = services.pools.client(clientId);
  checkSecretHash(client, username, optionalString(req, 'SecretHash'));
  const user = services.users.bySignInName(pool, username);
  if (!user && !client.preventUserExistenceErrors) throw UserNotFound('Username/client id combination not found.');
  checkPasswordPolicy(pool.passwordPolicy, password);
  if (!user) {
    // Nobody: answered as a user would be (the code a pretended ForgotPassword held, its attempt limit).
    services.codes.check(pool, unknownHolder(username), 'FORGOT_PASSWORD', '', code);
    throw CodeMismatch(messages.codeMismatch);
  }
  services.codes.check(pool, user, 'FORGOT_PASSWORD', '', code);
  services.store.transaction(() => {
    services.codes.consume(pool, user, 'FORGOT_PASSWORD', '');
    Object.assign(user, passwordVerifier(pool, user.username, password), { failedSignIns: 0, lockedUntil: 0, updatedAt: services.clock.now().getTime() });
    if (user.status === 'RESET_REQUIRED') user.status = 'CONFIRMED';
    services.users.update(pool, user);
  });
  await invokeTrigger(services.triggers, pool, 'PostConfirmation', 'PostConfirmation_ConfirmForgotPassword', user, {
    clientId,
    request: { userAttributes: { ...user.attributes, sub: user.sub }, clientMetadata },
    response: {},
  });
  return {};
};
