import { signedIn } from './lookups';
import type { Target } from './services';

/** Revokes every refresh token of the user, and with them every access and id token. */
export const GlobalSignOut: Target = (services) => async (_ctx, req) => {
  const { pool, user } = await signedIn(services, req);
  services.tokens.revokeAll(pool.id, user.username);
  return {};
};
