import type { Target } from '../services';
import { groupOf, poolOf, userOf } from './common';

export const AdminRemoveUserFromGroup: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const group = groupOf(services, pool, req);
  const user = userOf(services, pool, req);
  services.users.removeFromGroup(pool.id, group.name, user.username);
  return {};
};
