import type { Target } from '../services';
import { poolOf, userOf } from './common';

/** Ends every session of the user: refresh tokens, and the access and id tokens issued from them. */
export const AdminUserGlobalSignOut: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const user = userOf(services, pool, req);
  services.tokens.revokeAll(pool.id, user.username);
  return {};
};
