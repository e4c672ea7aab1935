import { assertWritable, deleteAttributes } from './attributes';
import { signedIn } from './lookups';
import type { Target } from './services';
import { stringList } from './validate';

export const DeleteUserAttributes: Target = (services) => async (_ctx, req) => {
  const { pool, user, claims } = await signedIn(services, req);
  const names = stringList(req, 'UserAttributeNames', true);
  assertWritable(services.pools.client(String(claims.client_id)).client, names);
  deleteAttributes(pool, user, names, services.clock.now().getTime());
  services.users.update(pool, user);
  return {};
};
