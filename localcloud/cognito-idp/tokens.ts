import { createHash } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { UserPoolClientConfig, UserPoolConfig, UserPoolGroupConfig } from '../provisioning/user-pools';
import { epochSeconds, type Clock } from '../services/clock';
import { newToken, newUuid } from '../services/ids';
import { signRs256All } from '../services/jwt';
import type { Keys } from '../services/keys';
import type { Triggers } from '../services/triggers';
import type { Store } from '../store/store';
import { isReadable } from './attributes';
import { NotAuthorized, messages } from './errors';
import { identitiesClaim } from './identities';
import { invokeTrigger } from './trigger-events';
import type { User, UserStore } from './users';

/**
 * Cognito's tokens: RS256 JWTs signed with the state folder's key, with the
 * claims Cognito puts in them, and opaque refresh tokens stored (hashed) in
 * SQLite. Every access/id token carries the `origin_jti` of its refresh
 * token; revoking that (RevokeToken, GlobalSignOut, DeleteUser) makes every
 * token of the family fail verification.
 */
export interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
}

export type TokenUse = 'id' | 'access';

/**
 * A sign-in through the hosted UI's authorization code grant: the access
 * token carries the granted OAuth scopes (not the API's
 * `aws.cognito.signin.user.admin` alone), the id token the client's `nonce`,
 * `auth_time` is when the person signed in, and refreshes keep the scopes.
 */
export interface OAuthGrant {
  scopes: string[];
  nonce?: string;
  /** Epoch seconds of the sign-in (a hosted UI session may grant codes later). */
  authTime: number;
}

export interface VerifiedToken {
  claims: JWTPayload & Record<string, unknown>;
  pool: UserPoolConfig;
  user: User;
  use: TokenUse;
}

export interface Tokens {
  /**
   * The `iss` of a pool's tokens: Cognito's own, `https://cognito-idp.<region>.amazonaws.com/<poolId>`,
   * so that `iss` without its scheme is the provider name identity pools and backends expect.
   */
  issuer(poolId: string): string;
  jwks(): { keys: object[] };
  /**
   * A sign-in of `user` is under way and likely to succeed (an SRP client is
   * computing its proof): signs its tokens now, so `issue` need not. They are
   * used only if the user's claims are unchanged by then and they are at most
   * PREPARED_MAX_AGE_MS old; otherwise they are dropped.
   */
  prepare(pool: UserPoolConfig, client: UserPoolClientConfig, user: User): void;
  /** Tokens for a completed sign-in, with a new refresh token; `grant` for the hosted UI's code grant. */
  issue(pool: UserPoolConfig, client: UserPoolClientConfig, user: User, clientMetadata?: Record<string, string>, grant?: OAuthGrant): Promise<AuthenticationResult>;
  /**
   * New access and id tokens for a refresh token (GetTokensFromRefreshToken,
   * REFRESH_TOKEN_AUTH, the token endpoint); a hosted-UI family keeps its scopes.
   */
  refresh(pool: UserPoolConfig, client: UserPoolClientConfig, refreshToken: string, clientMetadata?: Record<string, string>): Promise<AuthenticationResult>;
  /** The OAuth scopes a refresh token's family was granted; undefined for the API's sign-ins and unknown tokens. */
  grantedScopes(refreshToken: string): string[] | undefined;
  /**
   * Verifies a token the local cloud issued: signature, issuer, expiry,
   * token_use, revocation, and that its user still exists and is enabled.
   * Throws NotAuthorizedException with Cognito's message otherwise.
   */
  verify(token: string, use?: TokenUse): Promise<VerifiedToken>;
  /** RevokeToken: ends the refresh token's family. */
  revoke(client: UserPoolClientConfig, refreshToken: string): void;
  /** GlobalSignOut / DeleteUser / AdminUserGlobalSignOut: ends every family of the user. */
  revokeAll(poolId: string, username: string): void;
}

export const tokensMigrations = [
  `CREATE TABLE cognito_refresh_tokens (
     token_hash TEXT PRIMARY KEY,
     origin_jti TEXT NOT NULL UNIQUE,
     pool_id TEXT NOT NULL, client_id TEXT NOT NULL, username TEXT NOT NULL,
     auth_time INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)`,
  'CREATE INDEX cognito_refresh_tokens_user ON cognito_refresh_tokens (pool_id, username)',
  // The OAuth scopes of a hosted-UI sign-in (space-separated); NULL for the API's sign-ins.
  'ALTER TABLE cognito_refresh_tokens ADD COLUMN scopes TEXT',
];

/** A row of cognito_refresh_tokens: one sign-in's token family. */
interface Family {
  origin_jti: string;
  pool_id: string;
  client_id: string;
  username: string;
  auth_time: number;
  expires_at: number;
  revoked: number;
  scopes: string | null;
}

/** What a PreTokenGeneration (V1) function may answer. */
interface ClaimsOverride {
  claimsToAddOrOverride?: Record<string, unknown>;
  claimsToSuppress?: string[];
  groupOverrideDetails?: { groupsToOverride?: string[]; iamRolesToOverride?: string[]; preferredRole?: string };
}

/** Tokens signed ahead of a sign-in, waiting for it to complete. */
interface PreparedTokens {
  family: { originJti: string; authTime: number };
  preparedAt: number;
  /** What the claims were made from: the tokens are used only if it is the same at issue. */
  claimsSource: string;
  tokens: Promise<AuthenticationResult>;
}

/**
 * How long signed-ahead tokens stay usable. Their iat and auth_time are when
 * the sign-in started, so at most this much earlier than it completed.
 */
export const PREPARED_MAX_AGE_MS = 5_000;
/** Signed-ahead sets per user and client: more sign-ins of one user at once just sign at issue. */
const PREPARED_PER_USER = 4;
/** Users (and clients) with signed-ahead sets; the least recent are dropped beyond it. */
const PREPARED_USERS_MAX = 1024;

/**
 * `cognito:preferred_role` as Cognito sets it: the role of the user's group with
 * the lowest Precedence (groups without one rank last; groups without a role do
 * not count). Groups tied at that precedence with different roles give none.
 */
export function preferredRoleOf(groups: Pick<UserPoolGroupConfig, 'roleArn' | 'precedence'>[]): string | undefined {
  const withRole = groups.filter((g) => g.roleArn);
  const rank = (g: { precedence?: number }) => g.precedence ?? Number.POSITIVE_INFINITY;
  const best = Math.min(...withRole.map(rank));
  const tied = new Set(withRole.filter((g) => rank(g) === best).map((g) => g.roleArn));
  return tied.size === 1 ? [...tied][0] : undefined;
}

/** Cognito's issuer for a user pool's tokens (also the identity-pool provider name, with the scheme). */
export const cognitoIssuer = (region: string, poolId: string) => `https://cognito-idp.${region}.amazonaws.com/${poolId}`;

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
/** The scope of the API's access tokens, which the user-facing operations require (lookups.ts). */
export const ACCESS_SCOPE = 'aws.cognito.signin.user.admin';

export function createTokens(deps: {
  store: Store;
  clock: Clock;
  keys: Keys;
  users: UserStore;
  triggers: Triggers;
  pools: () => UserPoolConfig[];
  region: string;
}): Tokens {
  const { store, clock, keys, users, triggers } = deps;
  store.migrate('cognito-idp.tokens', tokensMigrations);
  const db = store.db;
  const insertFamily = db.prepare(
    'INSERT INTO cognito_refresh_tokens (token_hash, origin_jti, pool_id, client_id, username, auth_time, expires_at, scopes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const familyByToken = db.prepare('SELECT * FROM cognito_refresh_tokens WHERE token_hash = ?');
  const familyRevoked = db.prepare('SELECT revoked FROM cognito_refresh_tokens WHERE origin_jti = ?').pluck();
  const { kid, privateKey, publicKey } = keys.signing;
  const issuer = (poolId: string) => cognitoIssuer(deps.region, poolId);

  async function mint(
    pool: UserPoolConfig,
    client: UserPoolClientConfig,
    user: User,
    userGroups: string[],
    family: { originJti: string; authTime: number },
    triggerSource: string,
    clientMetadata: Record<string, string> = {},
    ahead = false,
    oauth?: { scopes: string[]; nonce?: string },
  ): Promise<AuthenticationResult> {
    const now = epochSeconds(clock);
    let groups = userGroups;
    const groupConfigs = groups.map((name) => pool.groups.find((g) => g.name === name));
    let roles = groupConfigs.map((g) => g?.roleArn).filter((r): r is string => !!r);
    let preferredRole = preferredRoleOf(groupConfigs.filter((g): g is UserPoolGroupConfig => !!g));

    const idClaims: Record<string, unknown> = { sub: user.sub };
    for (const [name, value] of Object.entries(user.attributes)) {
      // Only what the app client may read (its ReadAttributes, when the template lists them).
      if (name === 'sub' || !isReadable(client, name)) continue;
      idClaims[name] = name.endsWith('_verified') ? value === 'true' : name === 'identities' ? identitiesClaim(value) : value;
    }
    let suppressed: string[] = [];
    if (pool.lambdaConfig.PreTokenGeneration) {
      const event = await invokeTrigger(triggers, pool, 'PreTokenGeneration', triggerSource, user, {
        clientId: client.clientId,
        request: { userAttributes: user.attributes, groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: roles, preferredRole }, clientMetadata },
        response: { claimsOverrideDetails: null },
      });
      const details = (event.response as { claimsOverrideDetails?: ClaimsOverride | null }).claimsOverrideDetails;
      if (details) {
        Object.assign(idClaims, details.claimsToAddOrOverride ?? {});
        suppressed = details.claimsToSuppress ?? [];
        const override = details.groupOverrideDetails;
        if (override) {
          groups = override.groupsToOverride ?? groups;
          roles = override.iamRolesToOverride ?? roles;
          preferredRole = override.preferredRole ?? preferredRole;
        }
      }
    }
    for (const name of suppressed) delete idClaims[name];

    const common = { origin_jti: family.originJti, event_id: newUuid(), auth_time: family.authTime };
    const groupClaims: Record<string, unknown> = {};
    if (groups.length) groupClaims['cognito:groups'] = groups;
    const [idToken, accessToken] = await signRs256All(
      [
        {
          ...idClaims,
          ...groupClaims,
          ...(preferredRole ? { 'cognito:preferred_role': preferredRole } : {}),
          ...(roles.length ? { 'cognito:roles': roles } : {}),
          iss: issuer(pool.id),
          'cognito:username': user.username,
          aud: client.clientId,
          token_use: 'id',
          ...(oauth?.nonce !== undefined ? { nonce: oauth.nonce } : {}),
          jti: newUuid(),
          ...common,
          iat: now,
          exp: now + client.idTokenValiditySeconds,
        },
        {
          sub: user.sub,
          ...groupClaims,
          iss: issuer(pool.id),
          client_id: client.clientId,
          token_use: 'access',
          scope: oauth ? oauth.scopes.join(' ') : ACCESS_SCOPE,
          jti: newUuid(),
          username: user.username,
          ...common,
          iat: now,
          exp: now + client.accessTokenValiditySeconds,
        },
      ],
      privateKey,
      kid,
      ahead,
    );
    return { AccessToken: accessToken, IdToken: idToken, ExpiresIn: client.accessTokenValiditySeconds, TokenType: 'Bearer' };
  }

  const prepared = new Map<string, PreparedTokens[]>();
  const preparedKey = (pool: UserPoolConfig, client: UserPoolClientConfig, user: User) => `${pool.id}/${client.clientId}/${user.username}`;
  // Everything mint reads from the user and their groups.
  const claimsSource = (user: User, groups: string[]) => JSON.stringify([user.sub, user.attributes, groups]);

  /** A signed-ahead set still valid for this user as they are now (taken: each is used once), if any. */
  function takePrepared(pool: UserPoolConfig, client: UserPoolClientConfig, user: User, groups: string[]): PreparedTokens | undefined {
    const key = preparedKey(pool, client, user);
    const now = clock.now().getTime();
    const source = claimsSource(user, groups);
    const usable = (prepared.get(key) ?? []).filter(
      (set) => now - set.preparedAt >= 0 && now - set.preparedAt <= PREPARED_MAX_AGE_MS && set.claimsSource === source,
    );
    const taken = usable.shift();
    if (usable.length) prepared.set(key, usable);
    else prepared.delete(key);
    return taken;
  }

  const tokens: Tokens = {
    prepare(pool, client, user) {
      // A PreTokenGeneration function is given the ClientMetadata of the request that completes the sign-in.
      if (pool.lambdaConfig.PreTokenGeneration) return;
      const key = preparedKey(pool, client, user);
      const sets = prepared.get(key) ?? [];
      if (sets.length >= PREPARED_PER_USER) return;
      const groups = users.groupsOf(pool, user.username);
      const family = { originJti: newUuid(), authTime: epochSeconds(clock) };
      const signed = mint(pool, client, user, groups, family, 'TokenGeneration_Authentication', {}, true);
      signed.catch(() => undefined); // a failure shows if and when the set is used
      sets.push({ family, preparedAt: clock.now().getTime(), claimsSource: claimsSource(user, groups), tokens: signed });
      prepared.delete(key);
      prepared.set(key, sets);
      if (prepared.size > PREPARED_USERS_MAX) prepared.delete(prepared.keys().next().value!);
    },

    issuer,
    jwks: () => ({ keys: [{ ...(publicKey.export({ format: 'jwk' }) as object), kid, alg: 'RS256', use: 'sig' }] }),

    async issue(pool, client, user, clientMetadata, grant) {
      const groups = users.groupsOf(pool, user.username);
      const ahead = grant ? undefined : takePrepared(pool, client, user, groups);
      const refreshToken = newToken(96);
      const family = ahead?.family ?? { originJti: newUuid(), authTime: grant?.authTime ?? epochSeconds(clock) };
      insertFamily.run(
        hash(refreshToken),
        family.originJti,
        pool.id,
        client.clientId,
        user.username,
        family.authTime,
        clock.now().getTime() + client.refreshTokenValiditySeconds * 1000,
        grant ? grant.scopes.join(' ') : null,
      );
      const result = await (ahead?.tokens ??
        (grant
          ? mint(pool, client, user, groups, family, 'TokenGeneration_HostedAuth', clientMetadata, false, grant)
          : mint(pool, client, user, groups, family, 'TokenGeneration_Authentication', clientMetadata)));
      return { ...result, RefreshToken: refreshToken };
    },

    async refresh(pool, client, refreshToken, clientMetadata) {
      const family = familyByToken.get(hash(refreshToken)) as Family | undefined;
      if (!family || family.pool_id !== pool.id || family.client_id !== client.clientId) throw NotAuthorized(messages.invalidRefreshToken);
      if (family.revoked) throw NotAuthorized('Refresh Token has been revoked');
      if (family.expires_at < clock.now().getTime()) throw NotAuthorized('Refresh Token has expired');
      const user = users.byUsername(pool.id, family.username);
      if (!user) throw NotAuthorized(messages.invalidRefreshToken);
      if (!user.enabled) throw NotAuthorized(messages.disabled);
      const groups = users.groupsOf(pool, user.username);
      const oauth = family.scopes === null ? undefined : { scopes: family.scopes.split(' ').filter(Boolean) };
      return mint(pool, client, user, groups, { originJti: family.origin_jti, authTime: family.auth_time }, 'TokenGeneration_RefreshTokens', clientMetadata, false, oauth);
    },

    grantedScopes(refreshToken) {
      const family = familyByToken.get(hash(refreshToken)) as Family | undefined;
      return family?.scopes == null ? undefined : family.scopes.split(' ').filter(Boolean);
    },

    async verify(token, use) {
      const label = use === 'id' ? 'Id Token' : 'Access Token';
      const invalid = () => NotAuthorized(use === 'id' ? 'Invalid Id Token' : messages.invalidAccessToken);
      let claims: VerifiedToken['claims'];
      try {
        ({ payload: claims } = await jwtVerify(token, publicKey, {
          algorithms: ['RS256'],
          currentDate: clock.now(),
          clockTolerance: 0,
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw NotAuthorized(`${label} has expired`);
        throw invalid();
      }
      const tokenUse = claims.token_use as TokenUse;
      if ((use && tokenUse !== use) || (tokenUse !== 'id' && tokenUse !== 'access')) throw invalid();
      const pool = deps.pools().find((p) => claims.iss === issuer(p.id));
      if (!pool) throw invalid();
      const revoked = familyRevoked.get(claims.origin_jti);
      if (revoked === undefined) throw invalid();
      if (revoked) throw NotAuthorized(`${label} has been revoked`);
      const username = String(tokenUse === 'access' ? claims.username : claims['cognito:username']);
      const user = users.byUsername(pool.id, username);
      if (!user) throw NotAuthorized(messages.userDoesNotExist);
      if (!user.enabled) throw NotAuthorized(messages.disabled);
      return { claims, pool, user, use: tokenUse };
    },

    revoke(client, refreshToken) {
      const family = familyByToken.get(hash(refreshToken)) as Family | undefined;
      // Cognito answers success for an unknown token; a token of another client is refused.
      if (!family) return;
      if (family.client_id !== client.clientId) throw NotAuthorized(messages.invalidRefreshToken);
      db.prepare('UPDATE cognito_refresh_tokens SET revoked = 1 WHERE origin_jti = ?').run(family.origin_jti);
    },

    revokeAll(poolId, username) {
      db.prepare('UPDATE cognito_refresh_tokens SET revoked = 1 WHERE pool_id = ? AND username = ?').run(poolId, username);
    },
  };
  return tokens;
}
