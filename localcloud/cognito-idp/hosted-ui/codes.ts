import { createHash } from 'node:crypto';
import type { Clock } from '../../services/clock';
import { newUuid } from '../../services/ids';
import type { Store } from '../../store/store';

/**
 * Authorization codes: single-use (redeeming deletes the row, whatever the
 * outcome), valid 5 minutes as Cognito's, bound to the client, the redirect
 * URI and the PKCE challenge. Only a hash of the code is stored.
 */
export interface CodeGrant {
  poolId: string;
  clientId: string;
  username: string;
  redirectUri: string;
  codeChallenge?: string;
  scopes: string[];
  nonce?: string;
  /** Epoch seconds of the sign-in. */
  authTime: number;
}

export interface AuthorizationCodes {
  issue(grant: CodeGrant): string;
  /** The grant of a code not yet redeemed nor expired, spent by this call; undefined otherwise. */
  redeem(code: string): CodeGrant | undefined;
}

export const CODE_TTL_MS = 5 * 60 * 1000;

export const authorizationCodeMigrations = [
  'CREATE TABLE cognito_oauth_codes (code_hash TEXT PRIMARY KEY, grant TEXT NOT NULL, expires_at INTEGER NOT NULL)',
];

const hash = (code: string) => createHash('sha256').update(code).digest('base64url');

export function createAuthorizationCodes(store: Store, clock: Clock): AuthorizationCodes {
  store.migrate('cognito-idp.oauth-codes', authorizationCodeMigrations);
  const insert = store.db.prepare('INSERT INTO cognito_oauth_codes (code_hash, grant, expires_at) VALUES (?, ?, ?)');
  const take = store.db.prepare('DELETE FROM cognito_oauth_codes WHERE code_hash = ? RETURNING grant, expires_at');
  const purge = store.db.prepare('DELETE FROM cognito_oauth_codes WHERE expires_at < ?');
  return {
    issue(grant) {
      const now = clock.now().getTime();
      purge.run(now);
      const code = newUuid();
      insert.run(hash(code), JSON.stringify(grant), now + CODE_TTL_MS);
      return code;
    },
    redeem(code) {
      const row = take.get(hash(code)) as { grant: string; expires_at: number } | undefined;
      if (!row || row.expires_at < clock.now().getTime()) return undefined;
      return JSON.parse(row.grant) as CodeGrant;
    },
  };
}
