import type { Statement } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/store';

/**
 * Temporary credentials (what STS would issue), bound on the server to the role,
 * the identity and an expiry. A request signed with the access key is verified
 * with the stored secret and must carry the stored session token.
 */
export interface BoundCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Absent for a long-term key (the operator's AKIA key): a request signed with it carries no token. */
  sessionToken?: string;
  /** The role, or for a long-term key the IAM user (`arn:aws:iam::<account>:user/<name>`), whose policies apply. */
  roleArn: string;
  /** AROA... of the role (`aws:userid` is `<roleId>:<sessionName>`), or AIDA... of the user. */
  roleId: string;
  sessionName: string;
  /** The Cognito identity the credentials were issued to (absent for a Lambda role). */
  identityId?: string;
  identityPoolId?: string;
  /** cognito-identity.amazonaws.com:amr values. */
  amr: string[];
  issuedAt: Date;
  expiration: Date;
}

export interface IssueRequest {
  roleArn: string;
  roleId: string;
  sessionName?: string;
  identityId?: string;
  identityPoolId?: string;
  amr?: string[];
  /** Default 3600 (what GetCredentialsForIdentity gives). */
  durationSeconds?: number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomText(length: number, alphabet: string): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export class CredentialsStore {
  private readonly statements = new Map<string, Statement<unknown[]>>();
  /** Prepared once, reused. */
  private stmt(sql: string) {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  private readonly cache = new Map<string, BoundCredentials>();
  /** Long-term keys (not in SQLite: a state reset keeps them, as their profile file stays). */
  private readonly longTerm = new Map<string, BoundCredentials>();

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS credentials (
      access_key_id TEXT PRIMARY KEY,
      secret_access_key TEXT NOT NULL,
      session_token TEXT NOT NULL,
      role_arn TEXT NOT NULL,
      role_id TEXT NOT NULL,
      session_name TEXT NOT NULL,
      identity_id TEXT,
      identity_pool_id TEXT,
      amr TEXT NOT NULL,
      issued_at INTEGER NOT NULL,
      expiration INTEGER NOT NULL
    )`);
    // Expired credentials older than a day are of no use to anyone.
    db.prepare('DELETE FROM credentials WHERE expiration < ?').run(this.now().getTime() - 86_400_000);
  }

  issue(request: IssueRequest): BoundCredentials & { sessionToken: string } {
    const issuedAt = this.now();
    const credentials: BoundCredentials & { sessionToken: string } = {
      accessKeyId: `ASIA${randomText(16, ALNUM)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
      roleArn: request.roleArn,
      roleId: request.roleId,
      sessionName: request.sessionName ?? 'CognitoIdentityCredentials',
      identityId: request.identityId,
      identityPoolId: request.identityPoolId,
      amr: request.amr ?? [],
      issuedAt,
      expiration: new Date(issuedAt.getTime() + (request.durationSeconds ?? 3600) * 1000),
    };
    this.stmt(
        `INSERT INTO credentials VALUES (@accessKeyId, @secretAccessKey, @sessionToken, @roleArn, @roleId, @sessionName,
          @identityId, @identityPoolId, @amr, @issuedAt, @expiration)`,
      )
      .run({
        ...credentials,
        identityId: credentials.identityId ?? null,
        identityPoolId: credentials.identityPoolId ?? null,
        amr: JSON.stringify(credentials.amr),
        issuedAt: issuedAt.getTime(),
        expiration: credentials.expiration.getTime(),
      });
    this.cache.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  /** The credentials bound to an access key id (expired ones included: callers check). */
  lookup(accessKeyId: string): BoundCredentials | undefined {
    const permanent = this.longTerm.get(accessKeyId);
    if (permanent) return permanent;
    const cached = this.cache.get(accessKeyId);
    if (cached) return cached;
    const row = this.stmt('SELECT * FROM credentials WHERE access_key_id = ?').get(accessKeyId) as Record<string, never> | undefined;
    if (!row) return undefined;
    const credentials: BoundCredentials = {
      accessKeyId: row.access_key_id,
      secretAccessKey: row.secret_access_key,
      sessionToken: row.session_token,
      roleArn: row.role_arn,
      roleId: row.role_id,
      sessionName: row.session_name,
      identityId: row.identity_id ?? undefined,
      identityPoolId: row.identity_pool_id ?? undefined,
      amr: JSON.parse(row.amr),
      issuedAt: new Date(row.issued_at),
      expiration: new Date(row.expiration),
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(accessKeyId, credentials);
    return credentials;
  }

  /** Registers a long-term key (no session token, no expiry): the operator's. */
  addLongTerm(credentials: Omit<BoundCredentials, 'sessionToken'>): void {
    this.longTerm.set(credentials.accessKeyId, { ...credentials, sessionToken: undefined });
  }

  /** What SigV4 verification needs of an access key: its secret, its session token (none for a long-term key), its expiry. */
  signingSecret(accessKeyId: string): { secretAccessKey: string; sessionToken?: string; expiration?: Date } | undefined {
    const found = this.lookup(accessKeyId);
    if (!found) return undefined;
    if (found.sessionToken === undefined) return { secretAccessKey: found.secretAccessKey };
    return { secretAccessKey: found.secretAccessKey, sessionToken: found.sessionToken, expiration: found.expiration };
  }

  /** Forget cached credentials (after the state was wiped underneath). */
  clearCache(): void {
    this.cache.clear();
  }

  /** Revoke every credential of an identity (e.g. when it is merged away). */
  revokeIdentity(identityId: string): void {
    this.stmt('DELETE FROM credentials WHERE identity_id = ?').run(identityId);
    for (const [k, v] of this.cache) if (v.identityId === identityId) this.cache.delete(k);
  }
}
