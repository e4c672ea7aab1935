import type { IncomingMessage } from 'node:http';
import type { VerifiedToken, TokenUse } from '../cognito-idp/tokens';
import { MONTHS } from './proxy-integration';
import { type Authorizer, fullMatch, type Method } from './rest-apis';

/**
 * API Gateway's COGNITO_USER_POOLS authorizer. The token is the value of
 * the IdentitySource header (optionally after `Bearer `), verified by cognito-idp's
 * `verifyToken` (RS256 signature with the pool's key, issuer, expiry,
 * revocation by RevokeToken / GlobalSignOut / DeleteUser, disabled user), then:
 * - its pool must be one of the authorizer's ProviderARNs;
 * - a method without AuthorizationScopes takes an **id token** whose `aud` is
 *   an app client of that pool (and matches IdentityValidationExpression, if set);
 * - a method with AuthorizationScopes takes an **access token** of an app
 *   client of that pool; a `scope` holding none of them is 403, not 401.
 * Anything else is 401 Unauthorized; the integration is never reached.
 */
export type Authorization =
  | { ok: true; claims: Record<string, string> }
  | { ok: false; type: 'UNAUTHORIZED' | 'ACCESS_DENIED'; reason: string };

export interface CognitoAuthorizerDeps {
  verifyToken(token: string, use?: TokenUse): Promise<VerifiedToken>;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export async function authorizeWithCognito(deps: CognitoAuthorizerDeps, req: IncomingMessage, authorizer: Authorizer, method: Method): Promise<Authorization> {
  const refuse = (reason: string): Authorization => ({ ok: false, type: 'UNAUTHORIZED', reason });
  const raw = req.headers[authorizer.identityHeader ?? 'authorization'];
  // The raw token; API Gateway also takes it after a `Bearer ` scheme (AWS's own workshop tests the authorizer that way).
  const token = (Array.isArray(raw) ? raw[0] : raw ?? '').trim().replace(/^Bearer\s+/i, '');
  if (token === '') return refuse(`no token in the ${authorizer.identityHeader} header`);
  if (!JWT_SHAPE.test(token)) return refuse(`the ${authorizer.identityHeader} header is not a JSON Web Token`);
  let verified: VerifiedToken;
  try {
    verified = await deps.verifyToken(token);
  } catch (error) {
    return refuse(`the token was refused: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { claims, pool, use } = verified;
  if (!authorizer.providerArns.includes(pool.arn)) return refuse(`the token is of user pool ${pool.id}, not one of the authorizer's`);
  const clientIds = new Set(pool.clients.map((c) => c.clientId));
  const wantsScopes = method.authorizationScopes.length > 0;
  if (!wantsScopes) {
    if (use !== 'id') return refuse('the method takes an id token (it has no AuthorizationScopes), not an access token');
    const audience = typeof claims.aud === 'string' ? claims.aud : '';
    if (!clientIds.has(audience)) return refuse(`the token's audience ${audience} is not an app client of ${pool.id}`);
    if (authorizer.identityValidationExpression && !fullMatch(authorizer.identityValidationExpression, audience)) {
      return refuse(`the token's audience does not match the authorizer's IdentityValidationExpression`);
    }
  } else {
    if (use !== 'access') return refuse('the method has AuthorizationScopes: it takes an access token, not an id token');
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : '';
    if (!clientIds.has(clientId)) return refuse(`the token's client ${clientId} is not an app client of ${pool.id}`);
    const granted = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!method.authorizationScopes.some((s) => granted.includes(s))) {
      return { ok: false, type: 'ACCESS_DENIED', reason: `the token's scopes (${granted.join(' ')}) include none of ${method.authorizationScopes.join(' ')}` };
    }
  }
  return { ok: true, claims: flattenClaims(claims) };
}

/**
 * `requestContext.authorizer.claims` as API Gateway (REST, payload 1.0)
 * renders them: every value a string — `exp` and `iat` as dates in Java's
 * `Date.toString()` form (`Thu Jan 10 16:48:17 UTC 2019`), other numbers as
 * their digits, booleans as `true`/`false`, lists as `[a, b]`.
 */
export function flattenClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(claims)) {
    if ((key === 'exp' || key === 'iat') && typeof value === 'number') out[key] = javaDate(value);
    else out[key] = renderClaim(value);
  }
  return out;
}

function renderClaim(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderClaim).join(', ')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function javaDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}
