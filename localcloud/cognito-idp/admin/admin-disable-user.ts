import type { Target } from '../services';
import { poolOf, userOf } from './common';

/** Disables the user: they cannot sign in, and every token they hold stops working. */
export const AdminDisableUser: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const user = userOf(services, pool, req);
  services.store.transaction(() => {
    user.enabled = false;
    user.updatedAt = services.clock.now().getTime();
    services.users.update(pool, user);
    services.tokens.revokeAll(pool.id, user.username);
  });
  return {};
};
