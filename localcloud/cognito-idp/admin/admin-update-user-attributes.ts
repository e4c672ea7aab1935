import { checkAttributes } from '../attributes';
import { AliasExists, InvalidParameter } from '../errors';
import type { Target } from '../services';
import { attributeList, stringMap } from '../validate';
import { poolOf, userOf } from './common';

const VERIFIED = ['email_verified', 'phone_number_verified'] as const;

/**
 * An administrator updates a user's attributes, including the *_verified
 * flags. A new email or phone not marked verified in the same call becomes
 * unverified, and a verification code goes to it when the pool auto-verifies it.
 */
export const AdminUpdateUserAttributes: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const user = userOf(services, pool, req);
  const attributes = attributeList(req, 'UserAttributes', true);
  const clientMetadata = stringMap(req, 'ClientMetadata');
  const flags: Record<string, string> = {};
  const regular = attributes.filter((a) => {
    if (!(VERIFIED as readonly string[]).includes(a.Name)) return true;
    if (!['true', 'false'].includes(a.Value.toLowerCase())) {
      throw InvalidParameter(`Attributes did not conform to the schema: ${a.Name}: Boolean must be true or false`);
    }
    flags[a.Name] = a.Value.toLowerCase();
    return false;
  });
  const changes = checkAttributes(pool, regular, false);
  const toVerify: ('email' | 'phone_number')[] = [];
  for (const attribute of ['email', 'phone_number'] as const) {
    const value = changes[attribute];
    if (value === undefined || value === user.attributes[attribute]) continue;
    if (services.users.holderOf(pool, attribute, value, user.username) && pool.usernameAttributes.includes(attribute)) {
      throw AliasExists(`An account with the given ${attribute === 'email' ? 'email' : 'phone_number'} already exists.`);
    }
    if (flags[`${attribute}_verified`] === undefined) {
      flags[`${attribute}_verified`] = 'false';
      if (pool.autoVerifiedAttributes.includes(attribute)) toVerify.push(attribute);
    }
  }
  Object.assign(user.attributes, changes, flags);
  for (const [name, value] of Object.entries(changes)) if (value === '') delete user.attributes[name];
  user.updatedAt = services.clock.now().getTime();
  services.users.update(pool, user);
  for (const attribute of toVerify) {
    await services.codes.send(pool, user, 'VERIFY_ATTRIBUTE', attribute, { clientMetadata, unlimited: true });
  }
  return {};
};
