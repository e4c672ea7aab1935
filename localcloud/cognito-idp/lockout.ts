import type { UserPoolConfig } from '../provisioning/user-pools';
import type { Clock } from '../services/clock';
import type { Store } from '../store/store';
import { NotAuthorized, messages, type CognitoError } from './errors';
import type { User, UserStore } from './users';

/**
 * Cognito's lockout after failed sign-in attempts (a wrong password, SRP
 * proof or MFA code): the first 5 failures are free, then each locks sign-in
 * for 2^(n-5) seconds, up to about 15 minutes. Attempts during a lockout are
 * refused ("Password attempts exceeded") and neither counted nor lengthen it;
 * 15 minutes without an attempt (AWS: "not initiate any sign-in attempts for
 * 15 consecutive minutes", so a refused attempt restarts that wait) start the
 * count afresh, as does a successful sign-in. A password reset does not.
 *
 * Every failure is counted against the stored user, read and written in one
 * synchronous step, so failures that run concurrently (many SRP challenges
 * opened at once, then answered at once) each count. Names that designate
 * nobody (sign-ins answered with a decoy under PreventUserExistenceErrors)
 * are counted and locked the same way, so a lockout tells nothing about
 * whether the user exists.
 */
export interface FailureCount {
  failedSignIns: number;
  /** Epoch ms until which sign-in is refused. */
  lockedUntil: number;
  /** Epoch ms of the last failure, or of the last attempt refused during a lockout. */
  lastFailedAt?: number;
}

export interface Lockouts {
  /** Throws "Password attempts exceeded" while the user (or the unknown name) is locked out. */
  assertOpen(pool: UserPoolConfig, subject: User | string): void;
  /**
   * Counts a failed attempt and returns the error to throw: `error`, or
   * "Password attempts exceeded" (not counted) when the attempt came during a lockout.
   */
  fail(pool: UserPoolConfig, subject: User | string, error: CognitoError): CognitoError;
  /** A successful sign-in (or a new password): the count starts afresh. */
  clear(pool: UserPoolConfig, user: User): void;
}

export const FREE_FAILURES = 5;
/** The longest lock: Cognito documents "up to a maximum of approximately 15 minutes". */
export const MAX_LOCK_SECONDS = 900;
/** Without an attempt for this long, the count starts afresh. */
export const FAILURES_FORGOTTEN_AFTER_MS = 15 * 60 * 1000;

export const lockoutMigrations = [
  `CREATE TABLE cognito_unknown_sign_ins (
     pool_id TEXT NOT NULL, name TEXT NOT NULL, failed INTEGER NOT NULL, locked_until INTEGER NOT NULL, last_failed_at INTEGER NOT NULL,
     PRIMARY KEY (pool_id, name))`,
];

/** The count as it stands at `now`: forgotten after FAILURES_FORGOTTEN_AFTER_MS without a failure. */
function current(count: FailureCount, now: number): FailureCount {
  if (count.failedSignIns > 0 && now - (count.lastFailedAt ?? 0) >= FAILURES_FORGOTTEN_AFTER_MS) return { failedSignIns: 0, lockedUntil: 0 };
  return count;
}

function afterFailure(count: FailureCount, now: number): FailureCount {
  const failedSignIns = count.failedSignIns + 1;
  const lockedUntil = failedSignIns >= FREE_FAILURES ? now + Math.min(MAX_LOCK_SECONDS, 2 ** (failedSignIns - FREE_FAILURES)) * 1000 : 0;
  return { failedSignIns, lockedUntil, lastFailedAt: now };
}

export function createLockouts(store: Store, clock: Clock, users: UserStore): Lockouts {
  store.migrate('cognito-idp.lockout', lockoutMigrations);
  const db = store.db;
  const findUnknown = db.prepare(
    'SELECT failed AS failedSignIns, locked_until AS lockedUntil, last_failed_at AS lastFailedAt FROM cognito_unknown_sign_ins WHERE pool_id = ? AND name = ?',
  );
  const saveUnknown = db.prepare(
    `INSERT INTO cognito_unknown_sign_ins (pool_id, name, failed, locked_until, last_failed_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (pool_id, name) DO UPDATE SET failed = excluded.failed, locked_until = excluded.locked_until, last_failed_at = excluded.last_failed_at`,
  );
  const purgeUnknown = db.prepare('DELETE FROM cognito_unknown_sign_ins WHERE last_failed_at < ?');
  let unknownWrites = 0;
  const nameKey = (pool: UserPoolConfig, name: string) => (pool.caseSensitiveUsernames && !name.includes('@') ? name : name.toLowerCase());

  /** The stored count (not a copy a request read earlier), and how to write it back. */
  function load(pool: UserPoolConfig, subject: User | string): { count: FailureCount; save(next: FailureCount): void } {
    if (typeof subject === 'string') {
      const key = nameKey(pool, subject);
      const row = findUnknown.get(pool.id, key) as FailureCount | undefined;
      return {
        count: row ?? { failedSignIns: 0, lockedUntil: 0 },
        save(next) {
          saveUnknown.run(pool.id, key, next.failedSignIns, next.lockedUntil, next.lastFailedAt ?? 0);
          if (++unknownWrites % 100 === 0) purgeUnknown.run(clock.now().getTime() - FAILURES_FORGOTTEN_AFTER_MS);
        },
      };
    }
    const stored = users.byUsername(pool.id, subject.username) ?? subject;
    return {
      count: stored,
      save(next) {
        const fields = { failedSignIns: next.failedSignIns, lockedUntil: next.lockedUntil, lastFailedAt: next.lastFailedAt };
        users.update(pool, Object.assign(stored, fields));
        // The caller's copy too, so that writing it back later keeps the count.
        Object.assign(subject, fields);
      },
    };
  }

  const lockedOut = (count: FailureCount, now: number) => current(count, now).lockedUntil > now;

  /** An attempt during a lockout: refused, not counted, but the 15 quiet minutes start again. */
  function refuse(count: FailureCount, save: (next: FailureCount) => void, now: number): CognitoError {
    save({ ...count, lastFailedAt: now });
    return NotAuthorized(messages.attemptsExceeded);
  }

  return {
    assertOpen(pool, subject) {
      const now = clock.now().getTime();
      const { count, save } = load(pool, subject);
      if (lockedOut(count, now)) throw refuse(count, save, now);
    },
    fail(pool, subject, error) {
      const now = clock.now().getTime();
      const { count, save } = load(pool, subject);
      if (lockedOut(count, now)) return refuse(count, save, now);
      save(afterFailure(current(count, now), now));
      return error;
    },
    clear(pool, user) {
      const { count, save } = load(pool, user);
      if (count.failedSignIns !== 0 || count.lockedUntil !== 0) save({ failedSignIns: 0, lockedUntil: 0 });
    },
  };
}
