import { assertWritable } from './attributes';
import { InvalidParameter } from './errors';
import { signedIn } from './lookups';
import type { Target } from './services';
import { stringList } from './validate';

export const DeleteUserAttributes: Target = (services) => async (_ctx, req) => {
  const { pool, user, claims } = await signedIn(services, req);
  const names = stringList(req, 'UserAttributeNames', true);
  assertWritable(services.pools.client(String(claims.client_id)).client, names);
  for (const name of names) {
    const definition = pool.schema.find((a) => a.name === name);
    if (!definition) throw InvalidParameter(`Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`);
    if (definition.required || name === 'sub') throw InvalidParameter(`Attributes did not conform to the schema: ${name}: The attribute is required`);
    if (!definition.mutable) throw InvalidParameter(`Cannot modify the non-mutable attribute ${name}`);
  }
  for (const name of names) {
    delete user.attributes[name];
    delete user.attributes[`${name}_verified`];
    delete user.pendingAttributes[name];
  }
  user.updatedAt = services.clock.now().getTime();
  services.users.update(pool, user);
  return {};
};
