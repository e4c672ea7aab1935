import { checkPasswordPolicy, passwordVerifier } from '../passwords';
import type { Target } from '../services';
import { temporaryPasswordExpiry } from '../users';
import { optionalBoolean, string } from '../validate';
import { poolOf, userOf } from './common';

/** Permanent: the user signs in with it (CONFIRMED); otherwise it is temporary (FORCE_CHANGE_PASSWORD). */
export const AdminSetUserPassword: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const user = userOf(services, pool, req);
  const password = string(req, 'Password');
  const permanent = optionalBoolean(req, 'Permanent') ?? false;
  checkPasswordPolicy(pool.passwordPolicy, password);
  Object.assign(user, passwordVerifier(pool, user.username, password));
  user.status = permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
  user.temporaryPasswordExpiresAt = permanent ? undefined : temporaryPasswordExpiry(pool, services.clock.now().getTime());
  user.failedSignIns = 0;
  user.lockedUntil = 0;
  user.updatedAt = services.clock.now().getTime();
  services.users.update(pool, user);
  return {};
};
