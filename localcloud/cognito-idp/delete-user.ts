import { signedIn } from './lookups';
import type { Target } from './services';

export const DeleteUser: Target = (services) => async (_ctx, req) => {
  const { pool, user } = await signedIn(services, req);
  services.store.transaction(() => {
    services.tokens.revokeAll(pool.id, user.username);
    services.codes.forget(pool.id, user.username);
    services.devices.forgetAll(pool.id, user.username);
    services.users.delete(pool.id, user.username);
  });
  return {};
};
