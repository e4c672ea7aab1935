import { AliasExists, InvalidParameter } from './errors';
import { signedIn } from './lookups';
import type { Target } from './services';
import { string } from './validate';

export const VerifyUserAttribute: Target = (services) => async (_ctx, req) => {
  const { pool, user } = await signedIn(services, req);
  const name = string(req, 'AttributeName');
  const code = string(req, 'Code');
  if (name !== 'email' && name !== 'phone_number') throw InvalidParameter(`Invalid attribute name: ${name} cannot be verified.`);
  services.codes.check(pool, user, 'VERIFY_ATTRIBUTE', name, code);
  services.store.transaction(() => {
    const pending = user.pendingAttributes[name];
    if (pending !== undefined) {
      if (pool.usernameAttributes.includes(name) && services.users.holderOf(pool, name, pending, user.username)) {
        throw AliasExists(`An account with the ${name === 'email' ? 'email' : 'phone number'} already exists.`);
      }
      user.attributes[name] = pending;
      delete user.pendingAttributes[name];
    }
    services.codes.consume(pool, user, 'VERIFY_ATTRIBUTE', name);
    user.attributes[`${name}_verified`] = 'true';
    user.updatedAt = services.clock.now().getTime();
    services.users.update(pool, user);
  });
  return {};
};
