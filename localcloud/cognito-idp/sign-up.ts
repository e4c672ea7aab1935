import { newUuid } from '../services/ids';
import { assertWritable, checkAttributes, checkRequired, usernameAttributeOf } from './attributes';
import { checkSecretHash } from './auth-flow';
import { InvalidParameter, NotAuthorized, UsernameExists } from './errors';
import { confirmationChannel } from './lookups';
import { checkPasswordPolicy } from './passwords';
import type { Target } from './services';
import { invokePreSignUp, invokeTrigger } from './trigger-events';
import { newUser } from './users';
import { attributeList, optionalString, string, stringMap } from './validate';

const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;

export const SignUp: Target = (services) => async (_ctx, req) => {
  const clientId = string(req, 'ClientId');
  const username = string(req, 'Username');
  const password = string(req, 'Password');
  const userAttributes = attributeList(req, 'UserAttributes');
  const validationData = attributeList(req, 'ValidationData');
  const clientMetadata = stringMap(req, 'ClientMetadata');
  const { pool, client } = services.pools.client(clientId);
  checkSecretHash(client, username, optionalString(req, 'SecretHash'));
  if (pool.allowAdminCreateUserOnly) throw NotAuthorized('SignUp is not permitted for this user pool');
  if (!USERNAME.test(username) || username.length > 128) {
    throw InvalidParameter(
      "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
    );
  }
  assertWritable(client, userAttributes.map((a) => a.Name));
  const attributes = checkAttributes(pool, userAttributes, true);
  const sub = newUuid();

  // In pools that sign in with email or phone, the username *is* that attribute and the internal username is the sub.
  let internalUsername = username;
  const usernameAttribute = usernameAttributeOf(pool, username);
  if (usernameAttribute) {
    attributes[usernameAttribute] = username;
    internalUsername = sub;
  }
  checkRequired(pool, attributes);
  checkPasswordPolicy(pool.passwordPolicy, password);
  assertAvailable();

  const pre = await invokePreSignUp(services.triggers, pool, 'PreSignUp_SignUp', internalUsername, { clientId, attributes, validationData, clientMetadata });
  const { autoConfirmUser, autoVerifyEmail, autoVerifyPhone } = pre.response as Record<string, boolean>;
  if (attributes.email) attributes.email_verified = String(!!autoVerifyEmail);
  if (attributes.phone_number) attributes.phone_number_verified = String(!!autoVerifyPhone);

  const now = services.clock.now().getTime();
  const user = newUser(pool, { username: internalUsername, sub, status: autoConfirmUser ? 'CONFIRMED' : 'UNCONFIRMED', attributes, password }, now);
  services.store.transaction(() => {
    assertAvailable(); // again: the trigger ran in between
    services.users.insert(pool, user);
  });

  if (autoConfirmUser) {
    await invokeTrigger(services.triggers, pool, 'PostConfirmation', 'PostConfirmation_ConfirmSignUp', user, {
      clientId,
      request: { userAttributes: { sub, ...attributes, 'cognito:user_status': 'CONFIRMED' }, clientMetadata },
      response: {},
    });
    return { UserConfirmed: true, UserSub: sub };
  }
  const channel = confirmationChannel(pool, user);
  const delivery = channel && (await services.codes.send(pool, user, 'SIGN_UP', channel, { clientId, clientMetadata, unlimited: true }));
  return { UserConfirmed: false, UserSub: sub, ...(delivery ? { CodeDeliveryDetails: delivery } : {}) };

  /** The username, and every email/phone a user signs in with, must be nobody else's. */
  function assertAvailable() {
    if (!usernameAttribute && services.users.bySignInName(pool, username)) throw UsernameExists('User already exists');
    for (const attribute of ['email', 'phone_number'] as const) {
      if (pool.usernameAttributes.includes(attribute) && attributes[attribute] && services.users.holderOf(pool, attribute, attributes[attribute])) {
        throw UsernameExists(`An account with the given ${attribute} already exists.`);
      }
    }
  }
};
