import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, parse, resolve, sep } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The local cloud's durable state: one SQLite file per state folder, in WAL
 * mode so a crash (even kill -9) loses no committed write. Each service owns
 * its tables and declares them as numbered migrations.
 */
export type Db = Database.Database;

/** One step of a service's schema; applied once, in order, inside a transaction. */
export type Migration = string | ((db: Db) => void);

export interface Store {
  readonly db: Db;
  readonly stateDir: string;
  /** Applies the migrations of `service` not yet applied (idempotent). */
  migrate(service: string, migrations: readonly Migration[]): void;
  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T;
  /** Deletes every row of every table but the schema's and the state folder's keys. */
  clear(): void;
  close(): void;
}

export const DATABASE_FILE = 'localcloud.sqlite';

/**
 * A SQLite database as the local cloud uses it (`:memory:` for tests): WAL
 * journal, foreign keys on, and synchronous=NORMAL, with which a committed
 * transaction survives a process crash (kill -9), not a power loss.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

export function openStore(stateDir: string): Store {
  const db = openDatabase(join(stateDir, DATABASE_FILE));
  db.exec('CREATE TABLE IF NOT EXISTS migrations (service TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (service, version))');

  const transaction = <T>(fn: () => T): T => (db.inTransaction ? fn() : db.transaction(fn)());

  return {
    db,
    stateDir,
    transaction,
    migrate(service, migrations) {
      const applied = new Set(
        db.prepare('SELECT version FROM migrations WHERE service = ?').pluck().all(service) as number[],
      );
      migrations.forEach((migration, index) => {
        const version = index + 1;
        if (applied.has(version)) return;
        transaction(() => {
          if (typeof migration === 'string') db.exec(migration);
          else migration(db);
          db.prepare('INSERT INTO migrations (service, version) VALUES (?, ?)').run(service, version);
        });
      });
    },
    clear() {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('migrations', 'keys')")
        .pluck()
        .all() as string[];
      transaction(() => {
        db.pragma('defer_foreign_keys = ON');
        for (const table of tables) db.exec(`DELETE FROM "${table}"`);
      });
    },
    close() {
      if (db.open) db.close();
    },
  };
}

/** Empties a state folder (the `--reset` of `npm run localcloud`); services keep files there too. */
export function wipeState(stateDir: string): void {
  const target = resolve(stateDir);
  // Never the working tree itself (or a folder holding it): a mistyped LOCALCLOUD_STATE must not delete the project.
  if (target === parse(target).root || `${process.cwd()}${sep}`.startsWith(`${target}${sep}`)) {
    throw new Error(`Refusing to wipe ${target}: it holds the working directory. Point LOCALCLOUD_STATE at a folder of its own.`);
  }
  // The local CA (tls/) stays: a browser that trusts it keeps trusting the hosted UI after a reset.
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(target)) {
    if (entry !== KEPT_ON_WIPE) rmSync(join(target, entry), { recursive: true, force: true });
  }
}

/** The folder of the state that a wipe keeps (the hosted UI's local CA, see localcloud/tls). */
const KEPT_ON_WIPE = 'tls';
