import { checkSecretHash } from './auth-flow';
import { CodeMismatch, messages } from './errors';
import { findUser } from './lookups';
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
  const user = findUser(services, pool, client, username, () => CodeMismatch(messages.codeMismatch), 'Username/client id combination not found.');
  checkPasswordPolicy(pool.passwordPolicy, password);
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
