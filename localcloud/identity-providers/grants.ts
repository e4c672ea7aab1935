import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../services/clock';
import type { Store } from '../store/store';
import type { ProviderSlug } from './accounts';

/**
 * What the emulated providers hand out and take back: authorization codes
 * (single-use — redeeming spends the code whatever the outcome, and a spent
 * code is remembered until it would have expired, for Facebook's "has been
 * used" — short-lived, bound to the client and the redirect URI) and access tokens (bound to the
 * client, the person and the scopes, read by the profile endpoints). Both are
 * random and only their hashes are stored.
 */
export interface ProviderGrant {
  provider: ProviderSlug;
  clientId: string;
  redirectUri: string;
  sub: string;
  scopes: string[];
  nonce?: string;
  /** Epoch seconds of the sign-in. */
  authTime: number;
  /** Apple: this authorization was the person's first consent to the app. */
  firstConsent?: boolean;
}

export interface ProviderGrants {
  issueCode(grant: ProviderGrant, ttlMs: number, prefix?: string): string;
  /** The grant of a code of `provider` not yet redeemed nor expired, spent by this call; else why not. */
  redeemCode(provider: ProviderSlug, code: string): ProviderGrant | CodeRefusal;
  issueAccessToken(grant: ProviderGrant, ttlSeconds: number, prefix?: string): string;
  /** The grant behind a live access token of `provider`. */
  accessToken(provider: ProviderSlug, token: string): ProviderGrant | undefined;
}

/** Why a code gives nothing: never issued (or not by this provider), redeemed before, or too old. */
export type CodeRefusal = { refused: 'unknown' | 'used' | 'expired' };

export const isGrant = (value: ProviderGrant | CodeRefusal): value is ProviderGrant => !('refused' in value);

export const grantMigrations = [
  `CREATE TABLE identity_provider_grants (
     token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, provider TEXT NOT NULL, grant TEXT NOT NULL, expires_at INTEGER NOT NULL)`,
];

const hash = (value: string) => createHash('sha256').update(value).digest('base64url');

export function createProviderGrants(store: Store, clock: Clock): ProviderGrants {
  store.migrate('identity-providers.grants', grantMigrations);
  const db = store.db;
  const insert = db.prepare('INSERT INTO identity_provider_grants (token_hash, kind, provider, grant, expires_at) VALUES (?, ?, ?, ?, ?)');
  const take = db.prepare("UPDATE identity_provider_grants SET kind = 'spent' WHERE token_hash = ? AND kind = 'code' RETURNING provider, grant, expires_at");
  const spent = db.prepare("SELECT provider FROM identity_provider_grants WHERE token_hash = ? AND kind = 'spent'").pluck();
  const read = db.prepare("SELECT provider, grant, expires_at FROM identity_provider_grants WHERE token_hash = ? AND kind = 'access'");
  const purge = db.prepare('DELETE FROM identity_provider_grants WHERE expires_at < ?');

  const issue = (kind: 'code' | 'access', grant: ProviderGrant, ttlMs: number, prefix: string) => {
    const now = clock.now().getTime();
    purge.run(now);
    const value = `${prefix}${randomBytes(32).toString('base64url')}`;
    insert.run(hash(value), kind, grant.provider, JSON.stringify(grant), now + ttlMs);
    return value;
  };
  const live = (provider: ProviderSlug, row: { provider: string; grant: string; expires_at: number } | undefined) =>
    row && row.provider === provider && row.expires_at > clock.now().getTime() ? (JSON.parse(row.grant) as ProviderGrant) : undefined;

  return {
    issueCode: (grant, ttlMs, prefix = '') => issue('code', grant, ttlMs, prefix),
    redeemCode(provider, code) {
      const row = take.get(hash(code)) as { provider: string; grant: string; expires_at: number } | undefined;
      if (!row) return { refused: spent.get(hash(code)) === provider ? 'used' : 'unknown' };
      return live(provider, row) ?? { refused: row.provider === provider ? 'expired' : 'unknown' };
    },
    issueAccessToken: (grant, ttlSeconds, prefix = '') => issue('access', grant, ttlSeconds * 1000, prefix),
    accessToken: (provider, token) => live(provider, read.get(hash(token)) as never),
  };
}
