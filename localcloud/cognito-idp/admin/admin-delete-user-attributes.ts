import { deleteAttributes } from '../attributes';
import type { Target } from '../services';
import { stringList } from '../validate';
import { poolOf, userOf } from './common';

/** An administrator deletes a user's optional attributes, whatever the app clients may write. */
export const AdminDeleteUserAttributes: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const user = userOf(services, pool, req);
  const names = stringList(req, 'UserAttributeNames', true);
  deleteAttributes(pool, user, names, services.clock.now().getTime());
  services.users.update(pool, user);
  return {};
};
