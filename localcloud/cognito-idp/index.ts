import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestPath, sendJson } from '../http/http';
import type { ProvisionedAssembly } from '../provisioning/types';
import { buildUserPools, type UserPoolConfig } from '../provisioning/user-pools';
import type { Clock } from '../services/clock';
import type { Keys } from '../services/keys';
import type { Outbox } from '../services/outbox';
import { createSealer } from '../services/sealing';
import type { Triggers } from '../services/triggers';
import type { Store } from '../store/store';
import { createCodes } from './codes';
import { createDevices } from './devices';
import { HOSTED_UI_PATHS } from './hosted-ui';
import { createLockouts } from './lockout';
import { createCognitoIdpRouter, TARGET_PREFIX } from './router';
import { createPools, type Pools, type Services } from './services';
import { createTokens, type TokenUse, type VerifiedToken } from './tokens';
import { createUserStore, type User, type UserStore } from './users';

/**
 * The local Cognito user-pool service: its HTTP entry points and the
 * in-process API other services of the local cloud use (token verification,
 * user lookups, groups).
 */
export interface CognitoIdp {
  pools: Pools;
  users: UserStore;
  /**
   * Verifies an id or access token this local cloud issued: RS256 signature
   * with the state folder's key, issuer (one of the provisioned pools),
   * expiry, and that neither RevokeToken nor GlobalSignOut/DeleteUser ended it.
   * Throws a CognitoError (NotAuthorizedException) with Cognito's message.
   */
  verifyToken(token: string, use?: TokenUse): Promise<VerifiedToken>;
  /**
   * The `iss` of a pool's tokens, Cognito's: `https://cognito-idp.<region>.amazonaws.com/<poolId>`.
   * Without its scheme it is the identity pools' Logins key. Its JWKS and discovery
   * document are served locally under the issuer's path: `<local url>/<poolId>/.well-known/...`.
   */
  issuer(poolId: string): string;
  /** A user by pool and sub (identity pools key users by sub). */
  userBySub(poolId: string, sub: string): User | undefined;
  /** A user's group names, lowest precedence first. */
  groupsOf(poolId: string, username: string): string[];
  /** True for the requests this service answers. */
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  services: Services;
}

export function createCognitoIdp(deps: {
  store: Store;
  clock: Clock;
  keys: Keys;
  outbox: Outbox;
  triggers: Triggers;
  assembly: ProvisionedAssembly;
  baseUrl: () => string;
  /** The pools' domain (`https://localhost:<port>`), '' when the hosted UI is not served. */
  oauthUrl?: () => string;
}): CognitoIdp {
  const { store, clock, keys, outbox, triggers } = deps;
  const pools = createPools(buildUserPools(deps.assembly));
  const users = createUserStore(store);
  const codes = createCodes(store, clock, outbox, triggers);
  const tokens = createTokens({ store, clock, keys, users, triggers, pools: pools.all, region: deps.assembly.region });
  const devices = createDevices(store, clock);
  const services: Services = { clock, store, pools, users, codes, devices, lockouts: createLockouts(store, clock, users), tokens, outbox, sealer: createSealer(keys.sealing, clock, store), triggers };
  const route = createCognitoIdpRouter(services);

  const wellKnown = (req: IncomingMessage): { pool: UserPoolConfig; file: string } | undefined => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
    const match = /^\/([^/]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(requestPath(req));
    const pool = match && pools.byId(match[1]);
    return pool ? { pool, file: match[2] } : undefined;
  };

  return {
    pools,
    users,
    services,
    verifyToken: (token, use) => tokens.verify(token, use),
    issuer: tokens.issuer,
    userBySub: (poolId, sub) => users.bySub(poolId, sub),
    groupsOf(poolId, username) {
      const pool = pools.byId(poolId);
      return pool ? users.groupsOf(pool, username) : [];
    },
    matches: (req) => String(req.headers['x-amz-target'] ?? '').startsWith(TARGET_PREFIX) || !!wellKnown(req),
    async handle(req, res) {
      const known = wellKnown(req);
      if (!known) return route(req, res);
      if (known.file === 'jwks.json') return sendJson(res, 200, tokens.jwks());
      const issuer = tokens.issuer(known.pool.id);
      const domain = known.pool.domain ? (deps.oauthUrl?.() ?? '') : '';
      // Only what is served: the hosted UI's endpoints when the pool has a domain (and so they are).
      const endpoints = domain
        ? {
            authorization_endpoint: `${domain}${HOSTED_UI_PATHS.authorize}`,
            token_endpoint: `${domain}${HOSTED_UI_PATHS.token}`,
            userinfo_endpoint: `${domain}${HOSTED_UI_PATHS.userInfo}`,
            revocation_endpoint: `${domain}${HOSTED_UI_PATHS.revoke}`,
            end_session_endpoint: `${domain}${HOSTED_UI_PATHS.logout}`,
            response_types_supported: ['code'],
            scopes_supported: ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'],
            token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          }
        : {};
      sendJson(res, 200, {
        issuer,
        ...endpoints,
        jwks_uri: `${deps.baseUrl()}/${known.pool.id}/.well-known/jwks.json`,
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    },
  };
}
