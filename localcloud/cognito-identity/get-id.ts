import { CognitoIdentityError } from './errors';
import { findPool, verifyLogins } from './logins';
import type { IdentityServices } from './services';

/** GetId: a guest identity (no Logins), or the one identity linked to the login(s). */
export const GetId = (services: IdentityServices) => async (req: Record<string, unknown>) => {
  const pool = findPool(services, req.IdentityPoolId);
  const logins = await verifyLogins(services, pool, req.Logins);
  if (logins.length === 0) {
    if (!pool.allowUnauthenticated) {
      throw new CognitoIdentityError('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.');
    }
    return { IdentityId: services.identities.create(pool.id, services.region) };
  }
  const identityId = services.identities.getOrCreateForLogins(pool.id, services.region, logins.map((l) => l.key));
  return { IdentityId: identityId };
};
