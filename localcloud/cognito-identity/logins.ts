import { decodeJwt } from 'jose';
import { CognitoIdentityError } from './errors';
import type { CognitoProvider, IdentityPoolConfig } from './identity-pools';
import type { IdentityServices } from './services';

export interface VerifiedLogin {
  provider: CognitoProvider;
  /** `<provider>|<sub>`: what links the login to an identity. */
  key: string;
  claims: Record<string, unknown>;
}

export function findPool(services: IdentityServices, poolId: unknown): IdentityPoolConfig {
  if (typeof poolId !== 'string' || !/^[\w-]+:[0-9a-f-]+$/.test(poolId)) {
    throw new CognitoIdentityError('InvalidParameterException', '1 validation error detected: Value at \'identityPoolId\' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+');
  }
  const pool = services.pools.find((p) => p.id === poolId);
  if (!pool) throw new CognitoIdentityError('ResourceNotFoundException', `IdentityPool '${poolId}' not found.`);
  return pool;
}

/** The identity a request names (IdentityId, validated) and its pool. */
export function findIdentityPool(services: IdentityServices, identityId: unknown): { identityId: string; pool: IdentityPoolConfig } {
  if (typeof identityId !== 'string' || !/^[\w-]+:[0-9a-f-]+$/.test(identityId)) {
    throw new CognitoIdentityError('InvalidParameterException', "1 validation error detected: Value at 'identityId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+");
  }
  const identity = services.identities.get(identityId);
  if (!identity) throw new CognitoIdentityError('ResourceNotFoundException', `Identity '${identityId}' not found.`);
  return { identityId, pool: findPool(services, identity.poolId) };
}

/**
 * Verifies every entry of `Logins` as Cognito does: the key must be a provider
 * of the pool, the id token's signature valid and not revoked, its issuer the
 * provider, its audience one of the pool's app clients, and it must not have expired.
 */
export async function verifyLogins(services: IdentityServices, pool: IdentityPoolConfig, logins: unknown): Promise<VerifiedLogin[]> {
  if (logins === undefined || logins === null) return [];
  if (typeof logins !== 'object' || Array.isArray(logins)) {
    throw new CognitoIdentityError('InvalidParameterException', 'Logins must be a map of provider names to tokens.');
  }
  const entries = Object.entries(logins as Record<string, unknown>);
  if (entries.length > 10) throw new CognitoIdentityError('InvalidParameterException', 'Logins can hold at most 10 entries.');
  const verified: VerifiedLogin[] = [];
  for (const [providerName, token] of entries) {
    if (typeof token !== 'string' || token.length === 0 || token.length > 50_000) {
      throw new CognitoIdentityError('InvalidParameterException', `Invalid login token for ${providerName}.`);
    }
    // The Logins key is the provider name, `cognito-idp.<region>.amazonaws.com/<poolId>`:
    // the token's issuer without its scheme.
    const candidates = pool.cognitoProviders.filter((p) => p.providerName === providerName);
    if (candidates.length === 0) {
      if (providerName in pool.supportedLoginProviders) {
        throw new CognitoIdentityError('NotAuthorizedException', `Invalid login token. Tokens from ${providerName} cannot be verified by the local cloud (no network); sign in through the user pool instead.`);
      }
      throw new CognitoIdentityError('NotAuthorizedException', `Invalid login token. Provider ${providerName} is not configured for identity pool ${pool.id}.`);
    }
    // As Cognito: a token issued for another provider is refused as such, before its signature is checked.
    if (unverifiedIssuer(token) !== undefined && unverifiedIssuer(token) !== providerName) {
      throw new CognitoIdentityError('NotAuthorizedException', "Invalid login token. Issuer doesn't match providerName");
    }
    let claims: Record<string, unknown>;
    try {
      claims = await services.verifyIdToken(token);
    } catch (e) {
      throw new CognitoIdentityError('NotAuthorizedException', `Invalid login token. ${e instanceof Error ? e.message : 'Token could not be verified.'}`);
    }
    if (issuerWithoutScheme(claims.iss) !== providerName) {
      throw new CognitoIdentityError('NotAuthorizedException', "Invalid login token. Issuer doesn't match providerName");
    }
    if (claims.token_use !== undefined && claims.token_use !== 'id') {
      throw new CognitoIdentityError('NotAuthorizedException', 'Invalid login token. Not a valid OpenId Connect identity token.');
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const provider = candidates.find((p) => audiences.includes(p.clientId));
    if (!provider) throw new CognitoIdentityError('NotAuthorizedException', 'Invalid login token. Incorrect token audience.');
    const exp = Number(claims.exp);
    if (!Number.isFinite(exp) || exp * 1000 <= services.now().getTime()) {
      throw new CognitoIdentityError('NotAuthorizedException', `Invalid login token. Token expired: ${claims.exp} >= ${Math.floor(services.now().getTime() / 1000)}`);
    }
    if (typeof claims.sub !== 'string' || claims.sub === '') throw new CognitoIdentityError('NotAuthorizedException', 'Invalid login token. It has no subject.');
    verified.push({ provider, key: `${provider.providerName}|${claims.sub}`, claims });
  }
  return verified;
}

const issuerWithoutScheme = (iss: unknown): string => (typeof iss === 'string' ? iss.replace(/^\w+:\/\//, '') : '');

/** The `iss` of a JWT, read without verifying it (undefined when it is no JWT). */
function unverifiedIssuer(token: string): string | undefined {
  try {
    return issuerWithoutScheme(decodeJwt(token).iss);
  } catch {
    return undefined;
  }
}
