import { trustsCognitoIdentity } from '../iam/web-identity';
import { CognitoIdentityError } from './errors';
import type { IdentityRecord } from './identity-store';
import { type IdentityPoolConfig, roleMappingFor } from './identity-pools';
import { findIdentityPool, type VerifiedLogin, verifyLogins } from './logins';
import type { IdentityServices } from './services';

/**
 * GetCredentialsForIdentity: picks the role (guest role, authenticated role, or
 * the role a Token/Rules mapping gives), evaluates that role's trust policy
 * for sts:AssumeRoleWithWebIdentity by cognito-identity.amazonaws.com with the
 * `aud` and `amr` keys, and issues temporary credentials bound to the role and
 * the identity.
 *
 * A guest identity that arrives with a login is linked to it (it becomes
 * authenticated), unless the login already belongs to another identity: then
 * the guest identity is merged into that one, whose id is returned.
 */
export const GetCredentialsForIdentity = (services: IdentityServices) => async (req: Record<string, unknown>) => {
  const { identityId, pool } = findIdentityPool(services, req.IdentityId);
  const logins = await verifyLogins(services, pool, req.Logins);
  // From here on everything is synchronous, in one transaction, and starts from the identity as
  // it is now: a concurrent call (the app fires two right after sign-up) may have linked the
  // login, or merged this guest identity, while this one awaited the token's verification.
  return services.identities.transaction(() => credentialsFor(services, pool, identityId, logins, req.CustomRoleArn));
};

function credentialsFor(services: IdentityServices, pool: IdentityPoolConfig, identityId: string, logins: VerifiedLogin[], customRoleArn: unknown) {
  const identity = resolveIdentity(services, pool, identityId, logins);
  const roleArn = logins.length === 0 ? pool.unauthenticatedRoleArn : chooseRole(pool, logins[0], customRoleArn);
  if (!roleArn) throw new CognitoIdentityError('InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.');
  return issue(services, pool, identity.identityId, roleArn, amrOf(logins));
}

/**
 * The identity a request with these (verified) logins acts as, as it is now;
 * call inside the store's transaction. A guest identity presenting a new
 * login is linked to it, or merged into the identity that already has it;
 * an authenticated identity must own the logins; a guest one without logins
 * needs the pool's guest access.
 */
export function resolveIdentity(services: IdentityServices, pool: IdentityPoolConfig, identityId: string, logins: VerifiedLogin[]): IdentityRecord {
  let identity = services.identities.get(identityId)!;
  if (identity.mergedInto) {
    // Merged into the identity that owns these logins (by a concurrent call with them): that one answers.
    const into = services.identities.get(identity.mergedInto);
    if (!into || !logins.some((l) => into.logins.includes(l.key))) {
      throw new CognitoIdentityError('ResourceNotFoundException', `Identity '${identityId}' not found (it was merged into another identity when it signed in).`);
    }
    identity = into;
  }

  if (logins.length === 0) {
    if (identity.logins.length > 0) throw new CognitoIdentityError('NotAuthorizedException', `Access to Identity '${identityId}' is forbidden.`);
    if (!pool.allowUnauthenticated) {
      throw new CognitoIdentityError('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.');
    }
    return identity;
  }

  // Authenticated: the identity must own the logins, or be a guest that now signs in.
  for (const login of logins) {
    const owner = services.identities.findByLogin(pool.id, login.key);
    if (owner && owner !== identity.identityId) {
      if (identity.logins.length === 0) {
        services.identities.merge(identity.identityId, owner);
        services.credentials.revokeIdentity(identity.identityId);
        identity = services.identities.get(owner)!;
        break;
      }
      throw new CognitoIdentityError('NotAuthorizedException', "Logins don't match. Please include at least one valid login for this identity or identity pool.");
    }
  }
  const unlinked = logins.filter((l) => !identity.logins.includes(l.key));
  if (unlinked.length > 0) {
    if (identity.logins.some((k) => unlinked.some((l) => k.split('|')[0] === l.key.split('|')[0]))) {
      throw new CognitoIdentityError('NotAuthorizedException', "Logins don't match. Please include at least one valid login for this identity or identity pool.");
    }
    for (const l of unlinked) services.identities.link(pool.id, l.key, identity.identityId);
  }
  return identity;
}

/** cognito-identity.amazonaws.com:amr for these logins (none: a guest). */
export function amrOf(logins: VerifiedLogin[]): string[] {
  if (logins.length === 0) return ['unauthenticated'];
  return ['authenticated', ...logins.flatMap((l) => [l.provider.providerName, `${l.provider.providerName}:CognitoSignIn:${String(l.claims.sub)}`])];
}

function chooseRole(pool: IdentityPoolConfig, login: VerifiedLogin, customRoleArn: unknown): string {
  const fallback = () => {
    if (!pool.authenticatedRoleArn) throw new CognitoIdentityError('InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.');
    return pool.authenticatedRoleArn;
  };
  const mapping = roleMappingFor(pool, login.provider.providerName, login.provider.clientId);
  const ambiguous = () => {
    if (mapping?.ambiguousRoleResolution === 'Deny') {
      throw new CognitoIdentityError('NotAuthorizedException', 'Unable to resolve a role for this identity: the role mapping denies ambiguous tokens.');
    }
    return fallback();
  };
  if (!mapping) {
    if (customRoleArn !== undefined) throw new CognitoIdentityError('InvalidParameterException', 'CustomRoleArn is only valid with a Token role mapping.');
    return fallback();
  }
  if (mapping.type === 'Token') {
    const roles = Array.isArray(login.claims['cognito:roles']) ? (login.claims['cognito:roles'] as unknown[]).map(String) : [];
    if (typeof customRoleArn === 'string') {
      if (!roles.includes(customRoleArn)) throw new CognitoIdentityError('NotAuthorizedException', 'Not authorized to assume the requested role (CustomRoleArn is not among the token\'s cognito:roles).');
      return customRoleArn;
    }
    const preferred = login.claims['cognito:preferred_role'];
    if (typeof preferred === 'string' && preferred !== '') return preferred;
    if (roles.length === 1) return roles[0];
    if (roles.length > 1) return ambiguous();
    return fallback();
  }
  for (const rule of mapping.rules) {
    const raw = login.claims[rule.claim];
    const value = Array.isArray(raw) ? raw.map(String) : raw === undefined ? [] : [String(raw)];
    const match =
      rule.matchType === 'Equals'
        ? value.includes(rule.value)
        : rule.matchType === 'Contains'
          ? value.some((v) => v.includes(rule.value))
          : rule.matchType === 'StartsWith'
            ? value.some((v) => v.startsWith(rule.value))
            : rule.matchType === 'NotEqual'
              ? !value.includes(rule.value)
              : false;
    if (match) return rule.roleArn;
  }
  return ambiguous();
}

function issue(services: IdentityServices, pool: IdentityPoolConfig, identityId: string, roleArn: string, amr: string[]) {
  const role = services.iam.roles.get(roleArn);
  if (!role) throw new CognitoIdentityError('InvalidIdentityPoolConfigurationException', `Invalid identity pool configuration. Role ${roleArn} does not exist.`);
  if (!trustsCognitoIdentity(role, { aud: pool.id, sub: identityId, amr }, services.now())) {
    throw new CognitoIdentityError('InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.');
  }
  const credentials = services.credentials.issue({
    roleArn: role.arn,
    roleId: role.roleId,
    identityId,
    identityPoolId: pool.id,
    amr,
  });
  return {
    IdentityId: identityId,
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: Math.floor(credentials.expiration.getTime() / 1000),
    },
  };
}
