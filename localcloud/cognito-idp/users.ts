import type { Store } from '../store/store';
import type { UserPoolConfig, UserPoolGroupConfig } from '../provisioning/user-pools';
import { identitiesAttribute, type Identity } from './identities';
import { passwordVerifier } from './passwords';

/**
 * Users and group memberships of every local user pool, in SQLite. Lookups
 * other services use in-process (identity pools, Lambda triggers): by
 * username, by sub, by sign-in name (username, email or phone as the pool
 * allows), and a user's groups.
 */
export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'RESET_REQUIRED' | 'EXTERNAL_PROVIDER';
export type MfaType = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA';

export interface User {
  poolId: string;
  /** The internal username (the sub, when the pool signs in with email or phone). */
  username: string;
  sub: string;
  status: UserStatus;
  enabled: boolean;
  /** Attributes as the wire shows them, `sub` and `*_verified` included. */
  attributes: Record<string, string>;
  /** New email/phone values waiting for verification before they replace the old ones. */
  pendingAttributes: Record<string, string>;
  salt: string;
  verifier: string;
  /** The verified TOTP secret. */
  totpSecret?: string;
  /** A secret from AssociateSoftwareToken awaiting VerifySoftwareToken. */
  pendingTotpSecret?: string;
  totpEnabled: boolean;
  smsMfaEnabled: boolean;
  preferredMfa?: MfaType;
  failedSignIns: number;
  /** Epoch ms until which sign-in is refused after repeated failures. */
  lockedUntil: number;
  /** Epoch ms of the last counted failure (lockout.ts). */
  lastFailedAt?: number;
  /** Epoch ms after which a temporary password (FORCE_CHANGE_PASSWORD) no longer signs in: the pool's TemporaryPasswordValidityDays after it was set. */
  temporaryPasswordExpiresAt?: number;
  createdAt: number;
  updatedAt: number;
}

/** A new user's record (SignUp, AdminCreateUser): enabled, no MFA, no failed sign-ins, created `now`. */
export function newUser(
  pool: UserPoolConfig,
  fields: { username: string; sub: string; status: UserStatus; attributes: Record<string, string>; password: string },
  now: number,
): User {
  return {
    poolId: pool.id,
    username: fields.username,
    sub: fields.sub,
    status: fields.status,
    enabled: true,
    attributes: fields.attributes,
    pendingAttributes: {},
    ...passwordVerifier(pool, fields.username, fields.password),
    totpEnabled: false,
    smsMfaEnabled: false,
    failedSignIns: 0,
    lockedUntil: 0,
    ...(fields.status === 'FORCE_CHANGE_PASSWORD' ? { temporaryPasswordExpiresAt: temporaryPasswordExpiry(pool, now) } : {}),
    createdAt: now,
    updatedAt: now,
  };
}

/** When a temporary password set `now` stops working (the pool's TemporaryPasswordValidityDays). */
export function temporaryPasswordExpiry(pool: UserPoolConfig, now: number): number {
  return now + pool.passwordPolicy.temporaryPasswordValidityDays * 86_400_000;
}

export const usersMigrations = [
  `CREATE TABLE cognito_users (
     pool_id TEXT NOT NULL,
     username TEXT NOT NULL,
     username_key TEXT NOT NULL,
     sub TEXT NOT NULL,
     email_key TEXT,
     phone_key TEXT,
     data TEXT NOT NULL,
     PRIMARY KEY (pool_id, username))`,
  'CREATE UNIQUE INDEX cognito_users_username_key ON cognito_users (pool_id, username_key)',
  'CREATE UNIQUE INDEX cognito_users_sub ON cognito_users (pool_id, sub)',
  'CREATE INDEX cognito_users_email ON cognito_users (pool_id, email_key)',
  'CREATE INDEX cognito_users_phone ON cognito_users (pool_id, phone_key)',
  `CREATE TABLE cognito_group_members (
     pool_id TEXT NOT NULL, group_name TEXT NOT NULL, username TEXT NOT NULL,
     PRIMARY KEY (pool_id, group_name, username))`,
  // External identities (provider name + the provider's user id) and the user each signs in as.
  `CREATE TABLE cognito_user_identities (
     pool_id TEXT NOT NULL, provider_name TEXT NOT NULL, user_id TEXT NOT NULL, username TEXT NOT NULL, data TEXT NOT NULL,
     PRIMARY KEY (pool_id, provider_name, user_id))`,
  'CREATE INDEX cognito_user_identities_username ON cognito_user_identities (pool_id, username)',
  // The group Cognito makes for an identity provider at its first federated sign-in (`<userPoolId>_<ProviderName>`).
  `CREATE TABLE cognito_provider_groups (
     pool_id TEXT NOT NULL, group_name TEXT NOT NULL, data TEXT NOT NULL,
     PRIMARY KEY (pool_id, group_name))`,
];

/** A group Cognito made itself (a provider's): no role, no precedence; created at a federated sign-in. */
export interface MadeGroup extends UserPoolGroupConfig {
  createdAt: number;
}

export interface UserStore {
  byUsername(poolId: string, username: string): User | undefined;
  bySub(poolId: string, sub: string): User | undefined;
  /** The user a sign-in name designates: username (or sub), or email/phone where they are username attributes or aliases. */
  bySignInName(pool: UserPoolConfig, name: string): User | undefined;
  /** Users other than `exceptUsername` holding this email or phone (uniqueness checks). */
  holderOf(pool: UserPoolConfig, attribute: 'email' | 'phone_number', value: string, exceptUsername?: string): User | undefined;
  insert(pool: UserPoolConfig, user: User): void;
  update(pool: UserPoolConfig, user: User): void;
  delete(poolId: string, username: string): void;
  /** Group names the user belongs to, in precedence order (lowest first, as Cognito lists them). */
  groupsOf(pool: UserPoolConfig, username: string): string[];
  addToGroup(poolId: string, groupName: string, username: string): void;
  removeFromGroup(poolId: string, groupName: string, username: string): void;
  /** The groups Cognito made itself (one per identity provider users signed in through), by name. */
  madeGroups(poolId: string): MadeGroup[];
  /** Makes such a group unless it exists. */
  makeGroup(poolId: string, group: MadeGroup): void;
  /** Every user of a pool (ListUsers). */
  all(poolId: string): User[];
  /** The members of a group (ListUsersInGroup). */
  membersOf(poolId: string, groupName: string): User[];
  /** The username an external identity signs in as (its own federated user, or the user it is linked to). */
  identityOwner(poolId: string, providerName: string, userId: string): string | undefined;
  /** The identities that sign in as this user, oldest first. */
  identitiesOf(poolId: string, username: string): Identity[];
  /** Records that the identity signs in as `user` and rewrites the user's `identities` attribute (the caller stores the user). */
  addIdentity(user: User, identity: Identity): void;
  /** Forgets an identity; the user it signed in as, with its `identities` attribute rewritten (the caller stores it). */
  removeIdentity(poolId: string, providerName: string, userId: string): User | undefined;
}

export function createUserStore(store: Store): UserStore {
  store.migrate('cognito-idp.users', usersMigrations);
  const db = store.db;
  const row = (sql: string) => db.prepare(`SELECT data FROM cognito_users WHERE ${sql}`).pluck();
  const byUsernameKey = row('pool_id = ? AND username_key = ?');
  const bySub = row('pool_id = ? AND sub = ?');
  const byEmail = row('pool_id = ? AND email_key = ? AND username <> ?');
  const byPhone = row('pool_id = ? AND phone_key = ? AND username <> ?');
  const insert = db.prepare(
    'INSERT INTO cognito_users (pool_id, username, username_key, sub, email_key, phone_key, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const update = db.prepare(
    'UPDATE cognito_users SET email_key = ?, phone_key = ?, data = ? WHERE pool_id = ? AND username = ?',
  );
  const parse = (data: unknown) => (typeof data === 'string' ? (JSON.parse(data) as User) : undefined);
  const usernameKey = (pool: UserPoolConfig, username: string) =>
    pool.caseSensitiveUsernames ? username : username.toLowerCase();
  // A federated user's email or phone is the provider's: never a sign-in name, never in the way of one.
  const emailKey = (user: User) => (user.status === 'EXTERNAL_PROVIDER' ? null : user.attributes.email?.toLowerCase() ?? null);
  const phoneKey = (user: User) => (user.status === 'EXTERNAL_PROVIDER' ? null : user.attributes.phone_number ?? null);
  const byExactUsername = row('pool_id = ? AND username = ?');
  // Read on every sign-in and token refresh: prepared once.
  const groupNames = db.prepare('SELECT group_name FROM cognito_group_members WHERE pool_id = ? AND username = ?').pluck();

  const users: UserStore = {
    byUsername: (poolId, username) => parse(byExactUsername.get(poolId, username)),
    bySub: (poolId, sub) => parse(bySub.get(poolId, sub)),
    bySignInName(pool, name) {
      const viaAttributes = [...pool.usernameAttributes, ...pool.aliasAttributes];
      if (viaAttributes.includes('email') && name.includes('@')) {
        const user = parse(byEmail.get(pool.id, name.toLowerCase(), ''));
        // An alias only signs in once verified; a username attribute always does.
        if (user && (pool.usernameAttributes.includes('email') || user.attributes.email_verified === 'true')) return user;
      }
      if (viaAttributes.includes('phone_number') && name.startsWith('+')) {
        const user = parse(byPhone.get(pool.id, name, ''));
        if (user && (pool.usernameAttributes.includes('phone_number') || user.attributes.phone_number_verified === 'true')) return user;
      }
      return parse(byUsernameKey.get(pool.id, usernameKey(pool, name))) ?? parse(bySub.get(pool.id, name));
    },
    holderOf(pool, attribute, value, exceptUsername = '') {
      return attribute === 'email'
        ? parse(byEmail.get(pool.id, value.toLowerCase(), exceptUsername))
        : parse(byPhone.get(pool.id, value, exceptUsername));
    },
    insert(pool, user) {
      insert.run(pool.id, user.username, usernameKey(pool, user.username), user.sub, emailKey(user), phoneKey(user), JSON.stringify(user));
    },
    update(_pool, user) {
      update.run(emailKey(user), phoneKey(user), JSON.stringify(user), user.poolId, user.username);
    },
    delete(poolId, username) {
      store.transaction(() => {
        db.prepare('DELETE FROM cognito_group_members WHERE pool_id = ? AND username = ?').run(poolId, username);
        db.prepare('DELETE FROM cognito_user_identities WHERE pool_id = ? AND username = ?').run(poolId, username);
        db.prepare('DELETE FROM cognito_users WHERE pool_id = ? AND username = ?').run(poolId, username);
      });
    },
    groupsOf(pool, username) {
      const names = groupNames.all(pool.id, username) as string[];
      const precedence = (name: string) => pool.groups.find((g) => g.name === name)?.precedence ?? Number.MAX_SAFE_INTEGER;
      return names.sort((a, b) => precedence(a) - precedence(b) || a.localeCompare(b));
    },
    addToGroup(poolId, groupName, username) {
      db.prepare('INSERT OR IGNORE INTO cognito_group_members (pool_id, group_name, username) VALUES (?, ?, ?)').run(poolId, groupName, username);
    },
    removeFromGroup(poolId, groupName, username) {
      db.prepare('DELETE FROM cognito_group_members WHERE pool_id = ? AND group_name = ? AND username = ?').run(poolId, groupName, username);
    },
    madeGroups: (poolId) =>
      (db.prepare('SELECT data FROM cognito_provider_groups WHERE pool_id = ? ORDER BY group_name').pluck().all(poolId) as string[]).map(
        (data) => JSON.parse(data) as MadeGroup,
      ),
    makeGroup(poolId, group) {
      db.prepare('INSERT OR IGNORE INTO cognito_provider_groups (pool_id, group_name, data) VALUES (?, ?, ?)').run(poolId, group.name, JSON.stringify(group));
    },
    all: (poolId) => (row('pool_id = ?').all(poolId) as string[]).map((data) => JSON.parse(data) as User),
    membersOf(poolId, groupName) {
      const rows = db
        .prepare(
          `SELECT u.data FROM cognito_group_members m JOIN cognito_users u ON u.pool_id = m.pool_id AND u.username = m.username
           WHERE m.pool_id = ? AND m.group_name = ?`,
        )
        .pluck()
        .all(poolId, groupName) as string[];
      return rows.map((data) => JSON.parse(data) as User);
    },
    identityOwner: (poolId, providerName, userId) =>
      db.prepare('SELECT username FROM cognito_user_identities WHERE pool_id = ? AND provider_name = ? AND user_id = ?').pluck().get(poolId, providerName, userId) as
        | string
        | undefined,
    identitiesOf: (poolId, username) =>
      (db.prepare('SELECT data FROM cognito_user_identities WHERE pool_id = ? AND username = ? ORDER BY rowid').pluck().all(poolId, username) as string[]).map(
        (data) => JSON.parse(data) as Identity,
      ),
    addIdentity(user, identity) {
      db.prepare('INSERT INTO cognito_user_identities (pool_id, provider_name, user_id, username, data) VALUES (?, ?, ?, ?, ?)').run(
        user.poolId, identity.providerName, identity.userId, user.username, JSON.stringify(identity),
      );
      user.attributes.identities = identitiesAttribute(users.identitiesOf(user.poolId, user.username));
    },
    removeIdentity(poolId, providerName, userId) {
      const username = users.identityOwner(poolId, providerName, userId);
      if (username === undefined) return undefined;
      db.prepare('DELETE FROM cognito_user_identities WHERE pool_id = ? AND provider_name = ? AND user_id = ?').run(poolId, providerName, userId);
      const user = users.byUsername(poolId, username);
      if (!user) return undefined;
      const left = users.identitiesOf(poolId, username);
      if (left.length) user.attributes.identities = identitiesAttribute(left);
      else delete user.attributes.identities;
      return user;
    },
  };
  return users;
}
