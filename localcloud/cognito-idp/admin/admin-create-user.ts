import { randomInt } from 'node:crypto';
import type { UserPoolConfig } from '../../provisioning/user-pools';
import { newUuid } from '../../services/ids';
import { checkAttributes, checkRequired, usernameAttributeOf } from '../attributes';
import { InvalidParameter, UnsupportedUserState, UsernameExists, UserNotFound } from './errors';
import { checkPasswordPolicy, passwordVerifier } from '../passwords';
import type { Services, Target } from '../services';
import { invokePreSignUp } from '../trigger-events';
import { newUser, temporaryPasswordExpiry, type User } from '../users';
import { attributeList, optionalBoolean, optionalString, string, stringList, stringMap } from '../validate';
import { poolOf, wireUser } from './common';

/**
 * Creates a user with a temporary password (given, or generated to the pool's
 * policy) in FORCE_CHANGE_PASSWORD: their first sign-in answers
 * NEW_PASSWORD_REQUIRED. The invitation (username and temporary password)
 * goes to the outbox unless MessageAction is SUPPRESS; RESEND sends a new one
 * to an existing user who has not signed in yet.
 */
export const AdminCreateUser: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const username = string(req, 'Username');
  const messageAction = optionalString(req, 'MessageAction');
  if (messageAction !== undefined && messageAction !== 'RESEND' && messageAction !== 'SUPPRESS') {
    throw InvalidParameter(
      `1 validation error detected: Value '${messageAction}' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]`,
    );
  }
  const mediums = stringList(req, 'DesiredDeliveryMediums');
  if (mediums.some((m) => m !== 'EMAIL' && m !== 'SMS')) {
    throw InvalidParameter("1 validation error detected: Value at 'desiredDeliveryMediums' failed to satisfy constraint: Member must satisfy enum value set: [SMS, EMAIL]");
  }
  const temporary = optionalString(req, 'TemporaryPassword');
  const clientMetadata = stringMap(req, 'ClientMetadata');
  optionalBoolean(req, 'ForceAliasCreation');
  const validationData = attributeList(req, 'ValidationData');

  if (messageAction === 'RESEND') {
    const user = services.users.bySignInName(pool, username);
    if (!user) throw UserNotFound('User does not exist.');
    if (user.status !== 'FORCE_CHANGE_PASSWORD') throw UnsupportedUserState(`Resend not possible. ${username} status is not FORCE_CHANGE_PASSWORD.`);
    const password = temporary ?? generatePassword(pool);
    checkPasswordPolicy(pool.passwordPolicy, password, 'temporaryPassword');
    const now = services.clock.now().getTime();
    Object.assign(user, passwordVerifier(pool, user.username, password), { updatedAt: now, temporaryPasswordExpiresAt: temporaryPasswordExpiry(pool, now) });
    services.users.update(pool, user);
    invite(services, pool, user, username, password, mediums);
    return { User: wireUser(user) };
  }

  const given = attributeList(req, 'UserAttributes');
  const flags = Object.fromEntries(
    given.filter((a) => a.Name === 'email_verified' || a.Name === 'phone_number_verified').map((a) => [a.Name, a.Value.toLowerCase()]),
  );
  const attributes = checkAttributes(
    pool,
    given.filter((a) => !(a.Name in flags)),
    true,
  );
  const sub = newUuid();
  let internalUsername = username;
  const attribute = usernameAttributeOf(pool, username);
  if (attribute) {
    if (attributes[attribute] !== undefined && attributes[attribute] !== username) {
      throw InvalidParameter(`The ${attribute} attribute must equal the username.`);
    }
    attributes[attribute] = username;
    internalUsername = sub;
  }
  for (const [flag, value] of Object.entries(flags)) {
    if (value !== 'true' && value !== 'false') throw InvalidParameter(`Attributes did not conform to the schema: ${flag}: Boolean must be true or false`);
    attributes[flag] = value;
  }
  if (attributes.email && !attributes.email_verified) attributes.email_verified = 'false';
  if (attributes.phone_number && !attributes.phone_number_verified) attributes.phone_number_verified = 'false';
  checkRequired(pool, attributes);
  const password = temporary ?? generatePassword(pool);
  checkPasswordPolicy(pool.passwordPolicy, password, 'temporaryPassword');
  assertAvailable(services, pool, username, attributes);

  await invokePreSignUp(services.triggers, pool, 'PreSignUp_AdminCreateUser', internalUsername, { attributes, validationData, clientMetadata });

  const now = services.clock.now().getTime();
  const user = newUser(pool, { username: internalUsername, sub, status: 'FORCE_CHANGE_PASSWORD', attributes, password }, now);
  services.store.transaction(() => {
    assertAvailable(services, pool, username, attributes); // the trigger ran in between
    services.users.insert(pool, user);
  });
  if (messageAction !== 'SUPPRESS') invite(services, pool, user, username, password, mediums);
  return { User: wireUser(user) };
};

function assertAvailable(services: Pick<Services, 'users'>, pool: UserPoolConfig, username: string, attributes: Record<string, string>) {
  for (const attribute of ['email', 'phone_number'] as const) {
    const viaAttribute = pool.usernameAttributes.includes(attribute) || pool.aliasAttributes.includes(attribute);
    if (viaAttribute && attributes[attribute] && services.users.holderOf(pool, attribute, attributes[attribute])) {
      throw UsernameExists(`An account with the given ${attribute} already exists.`);
    }
  }
  if (!pool.usernameAttributes.length && services.users.bySignInName(pool, username)) throw UsernameExists('User account already exists');
}

/** The invitation: to the email (default) and/or phone asked for, with the username and temporary password. */
function invite(
  services: Pick<Services, 'outbox'>,
  pool: UserPoolConfig,
  user: User,
  username: string,
  password: string,
  mediums: string[],
) {
  const channels = mediums.length ? mediums : ['SMS'];
  for (const medium of channels) {
    const to = medium === 'EMAIL' ? user.attributes.email : user.attributes.phone_number;
    if (!to) continue;
    services.outbox.send({
      to,
      channel: medium === 'EMAIL' ? 'email' : 'sms',
      subject: medium === 'EMAIL' ? pool.inviteMessages.emailSubject : '',
      body: (medium === 'EMAIL' ? pool.inviteMessages.emailMessage : pool.inviteMessages.smsMessage).replaceAll('{username}', username).replaceAll('{####}', password),
      code: password,
    });
  }
}

/** A temporary password satisfying the pool's policy. */
function generatePassword(pool: UserPoolConfig): string {
  const sets = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '^$*.[]{}()?!@#%&'];
  const length = Math.max(pool.passwordPolicy.minimumLength, 12);
  const chars = sets.map((s) => s[randomInt(s.length)]);
  const all = sets.join('');
  while (chars.length < length) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
