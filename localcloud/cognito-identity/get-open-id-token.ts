import { CognitoIdentityError } from './errors';
import { amrOf, resolveIdentity } from './get-credentials-for-identity';
import { findIdentityPool, verifyLogins } from './logins';
import type { IdentityServices } from './services';

/**
 * GetOpenIdToken, the first half of the basic (classic) flow: an OpenID
 * Connect token for the identity, which STS AssumeRoleWithWebIdentity then
 * trades for a role's credentials. Refused, as Cognito refuses it, unless the
 * pool allows the classic flow and has no role mappings.
 */
export const GetOpenIdToken = (services: IdentityServices) => async (req: Record<string, unknown>) => {
  const { identityId, pool } = findIdentityPool(services, req.IdentityId);
  if (!pool.allowClassicFlow) throw new CognitoIdentityError('InvalidParameterException', 'Basic (classic) flow is not enabled, please use enhanced flow.');
  if (pool.roleMappings.size > 0) throw new CognitoIdentityError('InvalidParameterException', 'Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.');
  const logins = await verifyLogins(services, pool, req.Logins);
  // As GetCredentialsForIdentity: the identity as it is after the token check, in one transaction.
  const identity = services.identities.transaction(() => resolveIdentity(services, pool, identityId, logins));
  const token = await services.openIdTokens.sign({ aud: pool.id, sub: identity.identityId, amr: amrOf(logins) });
  return { IdentityId: identity.identityId, Token: token };
};
