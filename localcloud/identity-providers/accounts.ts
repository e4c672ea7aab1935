import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../services/clock';
import type { Store } from '../store/store';

/**
 * The people of the emulated providers: accounts a person picks or creates on
 * a provider's sign-in page (or that `login_hint` picks or creates), kept per
 * provider in the local cloud's SQLite store and wiped by its reset. Each
 * provider numbers its people its own way (Google's 21 digits, Apple's
 * `000123.<hex>.1234`, Amazon's `amzn1.account.…`, Facebook's app-scoped id).
 * Apple also remembers which apps a person has consented to: it sends the
 * person's name only on the first consent.
 */
export type ProviderSlug = 'google' | 'apple' | 'amazon' | 'facebook';

export interface ProviderAccount {
  provider: ProviderSlug;
  /** The provider's stable id of the person (`sub`, `user_id`, `id`). */
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
  givenName: string;
  familyName: string;
  /** Epoch seconds. */
  createdAt: number;
}

export interface NewAccount {
  email: string;
  name?: string;
  emailVerified?: boolean;
}

export interface ProviderAccounts {
  list(provider: ProviderSlug): ProviderAccount[];
  bySub(provider: ProviderSlug, sub: string): ProviderAccount | undefined;
  byEmail(provider: ProviderSlug, email: string): ProviderAccount | undefined;
  /** The account with this email, created when there is none. */
  create(provider: ProviderSlug, account: NewAccount): ProviderAccount;
  /** Records the person's consent to `clientId`; true when it is the first one. */
  consent(provider: ProviderSlug, sub: string, clientId: string): boolean;
}

export const accountMigrations = [
  `CREATE TABLE identity_provider_accounts (
     provider TEXT NOT NULL, sub TEXT NOT NULL, email TEXT NOT NULL COLLATE NOCASE, email_verified INTEGER NOT NULL,
     name TEXT NOT NULL, given_name TEXT NOT NULL, family_name TEXT NOT NULL, created_at INTEGER NOT NULL,
     PRIMARY KEY (provider, sub), UNIQUE (provider, email))`,
  `CREATE TABLE identity_provider_consents (
     provider TEXT NOT NULL, sub TEXT NOT NULL, client_id TEXT NOT NULL, PRIMARY KEY (provider, sub, client_id))`,
];

/** Limits of the sign-in page's fields (a real provider's are similar). */
export const EMAIL_MAX = 254;
export const NAME_MAX = 128;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** Why an email or name cannot make an account, or undefined when they can. */
export function invalidAccount(account: NewAccount): string | undefined {
  if (!EMAIL.test(account.email) || account.email.length > EMAIL_MAX) return 'Enter a valid email address.';
  if (account.name !== undefined && (account.name.trim() === '' || account.name.length > NAME_MAX || hasControlCharacter(account.name))) {
    return `Enter a name (at most ${NAME_MAX} characters).`;
  }
  return undefined;
}

const hasControlCharacter = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const upperAlnum = (n: number) => Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[randomInt(36)]).join('');

/** A new id in the provider's own format. */
export function newSub(provider: ProviderSlug): string {
  switch (provider) {
    case 'google':
      return `1${digits(20)}`;
    case 'apple':
      return `00${digits(4)}.${randomBytes(16).toString('hex')}.${digits(4)}`;
    case 'amazon':
      return `amzn1.account.${upperAlnum(28)}`;
    case 'facebook':
      return `10${digits(15)}`;
  }
}

/** A display name from an email's local part: `ada.lovelace@…` → `Ada Lovelace`. */
export function nameFromEmail(email: string): string {
  const words = email.split('@')[0].split(/[._+-]+/).filter(Boolean);
  const name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
  return name || 'Emulated Person';
}

interface Row {
  provider: ProviderSlug;
  sub: string;
  email: string;
  email_verified: number;
  name: string;
  given_name: string;
  family_name: string;
  created_at: number;
}

const fromRow = (row: Row): ProviderAccount => ({
  provider: row.provider,
  sub: row.sub,
  email: row.email,
  emailVerified: row.email_verified === 1,
  name: row.name,
  givenName: row.given_name,
  familyName: row.family_name,
  createdAt: row.created_at,
});

export function createProviderAccounts(store: Store, clock: Clock): ProviderAccounts {
  store.migrate('identity-providers.accounts', accountMigrations);
  const db = store.db;
  const list = db.prepare('SELECT * FROM identity_provider_accounts WHERE provider = ? ORDER BY created_at, email');
  const bySub = db.prepare('SELECT * FROM identity_provider_accounts WHERE provider = ? AND sub = ?');
  const byEmail = db.prepare('SELECT * FROM identity_provider_accounts WHERE provider = ? AND email = ?');
  const insert = db.prepare(
    'INSERT INTO identity_provider_accounts (provider, sub, email, email_verified, name, given_name, family_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const consent = db.prepare('INSERT OR IGNORE INTO identity_provider_consents (provider, sub, client_id) VALUES (?, ?, ?)');

  const accounts: ProviderAccounts = {
    list: (provider) => (list.all(provider) as Row[]).map(fromRow),
    bySub: (provider, sub) => {
      const row = bySub.get(provider, sub) as Row | undefined;
      return row && fromRow(row);
    },
    byEmail: (provider, email) => {
      const row = byEmail.get(provider, email) as Row | undefined;
      return row && fromRow(row);
    },
    create: (provider, account) =>
      store.transaction(() => {
        const existing = accounts.byEmail(provider, account.email);
        if (existing) return existing;
        const name = account.name?.trim() || nameFromEmail(account.email);
        const space = name.indexOf(' ');
        const [givenName, familyName] = space < 0 ? [name, ''] : [name.slice(0, space), name.slice(space + 1).trim()];
        const sub = newSub(provider);
        insert.run(provider, sub, account.email, account.emailVerified === false ? 0 : 1, name, givenName, familyName, Math.floor(clock.now().getTime() / 1000));
        return accounts.bySub(provider, sub)!;
      }),
    consent: (provider, sub, clientId) => consent.run(provider, sub, clientId).changes === 1,
  };
  return accounts;
}
