import type { Target } from '../services';
import { poolOf, userOf } from './common';

export const AdminDeleteUser: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const user = userOf(services, pool, req);
  services.store.transaction(() => {
    services.tokens.revokeAll(pool.id, user.username);
    services.codes.forget(pool.id, user.username);
    services.users.delete(pool.id, user.username);
  });
  return {};
};
