import type { Target } from '../services';
import { poolOf, userOf } from './common';

export const AdminEnableUser: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const user = userOf(services, pool, req);
  user.enabled = true;
  user.updatedAt = services.clock.now().getTime();
  services.users.update(pool, user);
  return {};
};
