import type { Statement } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/store';

/**
 * Identities of the identity pools and the logins linked to them. The same
 * login (provider + subject) always resolves to the same identity id.
 */
export interface IdentityRecord {
  identityId: string;
  poolId: string;
  /** Login keys (`<provider>|<subject>`); empty for a guest identity. */
  logins: string[];
  mergedInto?: string;
  createdAt: Date;
}

export class IdentityStore {
  private readonly statements = new Map<string, Statement<unknown[]>>();
  /** Prepared once, reused. */
  private stmt(sql: string) {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS cognito_identities (
        identity_id TEXT PRIMARY KEY,
        pool_id TEXT NOT NULL,
        merged_into TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS cognito_identity_logins (
        pool_id TEXT NOT NULL,
        login TEXT NOT NULL,
        identity_id TEXT NOT NULL REFERENCES cognito_identities(identity_id),
        PRIMARY KEY (pool_id, login)
      );`);
  }

  get(identityId: string): IdentityRecord | undefined {
    const row = this.stmt('SELECT * FROM cognito_identities WHERE identity_id = ?').get(identityId) as any;
    if (!row) return undefined;
    const logins = this.stmt('SELECT login FROM cognito_identity_logins WHERE identity_id = ?').pluck().all(identityId) as string[];
    return {
      identityId: row.identity_id,
      poolId: row.pool_id,
      logins,
      mergedInto: row.merged_into ?? undefined,
      createdAt: new Date(row.created_at),
    };
  }

  findByLogin(poolId: string, login: string): string | undefined {
    return this.stmt('SELECT identity_id FROM cognito_identity_logins WHERE pool_id = ? AND login = ?').pluck().get(poolId, login) as
      | string
      | undefined;
  }

  create(poolId: string, region: string, logins: string[] = []): string {
    const identityId = `${region}:${randomUUID()}`;
    this.db.transaction(() => {
      this.stmt('INSERT INTO cognito_identities VALUES (?, ?, NULL, ?)').run(identityId, poolId, this.now().getTime());
      for (const login of logins) this.link(poolId, login, identityId);
    })();
    return identityId;
  }

  /** Runs `fn` in one SQLite transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Links a login to an identity; a login is linked once: if another identity
   * already holds it, that one keeps it and its id is returned.
   */
  link(poolId: string, login: string, identityId: string): string {
    this.stmt('INSERT INTO cognito_identity_logins VALUES (?, ?, ?) ON CONFLICT (pool_id, login) DO NOTHING').run(poolId, login, identityId);
    return this.findByLogin(poolId, login)!;
  }

  /** A guest identity that signed in into an identity that already has the login: the guest one is retired. */
  merge(from: string, into: string): void {
    this.stmt('UPDATE cognito_identities SET merged_into = ? WHERE identity_id = ?').run(into, from);
  }

  /** Same login → same identity, created atomically on first use. */
  getOrCreateForLogins(poolId: string, region: string, logins: string[]): string {
    return this.db.transaction(() => {
      for (const login of logins) {
        const existing = this.findByLogin(poolId, login);
        if (existing) {
          for (const other of logins) if (!this.findByLogin(poolId, other)) this.link(poolId, other, existing);
          return existing;
        }
      }
      return this.create(poolId, region, logins);
    })();
  }
}
