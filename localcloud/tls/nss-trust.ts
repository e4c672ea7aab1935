import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CA_COMMON_NAME } from './local-ca';

/**
 * Trusting the local CA where Chromium on Linux looks: the user's NSS
 * database (`~/.pki/nssdb`), through `certutil` (Debian: libnss3-tools).
 * `VAULT_NSSDB` (or an explicit folder) points elsewhere: tests and
 * browser profiles with a HOME of their own.
 */
export const CERTUTIL = process.env.CERTUTIL_PATH ?? 'certutil';

export function defaultNssDb(): string {
  return process.env.VAULT_NSSDB ?? join(homedir(), '.pki', 'nssdb');
}

export class CertutilMissingError extends Error {
  constructor() {
    super('certutil was not found: install it (Debian/Ubuntu: `sudo apt-get install libnss3-tools`), then run `npm run trust-cert` again.');
  }
}

function certutil(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const run = spawnSync(CERTUTIL, args, { encoding: 'utf8', input });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') throw new CertutilMissingError();
  if (run.error) throw run.error;
  return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

/** The nickname a CA is stored under: its own common name (unique per state folder). */
export function caNickname(caCertificate: string): string {
  const subject = new X509Certificate(caCertificate).subject;
  return /^CN=(.*)$/m.exec(subject)?.[1] ?? CA_COMMON_NAME;
}

/** Nicknames of every Amplify Vault CA in the database, with their trust flags. */
function listed(db: string): { nickname: string; trust: string }[] {
  if (!existsSync(join(db, 'cert9.db'))) return [];
  const list = certutil(['-d', `sql:${db}`, '-L']);
  if (list.status !== 0) return [];
  return list.stdout
    .split('\n')
    .map((line) => /^(.*\S)\s+(\S*,\S*,\S*)\s*$/.exec(line))
    .filter((m): m is RegExpExecArray => !!m && m[1].startsWith(CA_COMMON_NAME))
    .map((m) => ({ nickname: m[1], trust: m[2] }));
}

/** True when this CA (same certificate) is in the database, trusted to identify web sites. */
export function isCaTrusted(caCertificate: string, db = defaultNssDb()): boolean {
  const nickname = caNickname(caCertificate);
  const entry = listed(db).find((e) => e.nickname === nickname);
  if (!entry || !entry.trust.split(',')[0].includes('C')) return false;
  const stored = certutil(['-d', `sql:${db}`, '-L', '-n', nickname, '-a']);
  if (stored.status !== 0) return false;
  try {
    return new X509Certificate(stored.stdout).fingerprint256 === new X509Certificate(caCertificate).fingerprint256;
  } catch {
    return false;
  }
}

/** Adds the CA as a trusted issuer of server certificates (`C,,`), creating the database if needed. */
export function trustCa(caCertificate: string, db = defaultNssDb()): { nickname: string; created: boolean } {
  const created = !existsSync(join(db, 'cert9.db'));
  if (created) {
    mkdirSync(db, { recursive: true, mode: 0o700 });
    const init = certutil(['-d', `sql:${db}`, '-N', '--empty-password']);
    if (init.status !== 0) throw new Error(`certutil could not create ${db}: ${init.stderr.trim()}`);
  }
  const nickname = caNickname(caCertificate);
  const add = certutil(['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', nickname, '-a'], caCertificate);
  if (add.status !== 0) throw new Error(`certutil could not add the CA to ${db}: ${add.stderr.trim()}`);
  return { nickname, created };
}

/** Removes every Amplify Vault local CA from the database (also those of wiped state folders). */
export function removeCas(db = defaultNssDb()): string[] {
  const removed: string[] = [];
  for (const { nickname } of listed(db)) {
    // One nickname may hold several certificates: delete until none is left.
    for (let i = 0; i < 16 && certutil(['-d', `sql:${db}`, '-D', '-n', nickname]).status === 0; i++) removed.push(nickname);
  }
  return removed;
}
