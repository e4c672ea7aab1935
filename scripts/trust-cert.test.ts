import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { caCertificatePath } from '../localcloud/tls/local-ca';

/** `npm run trust-cert` against a throw-away NSS database (never the real ~/.pki). */
const root = mkdtempSync(join(tmpdir(), 'trust-cert-'));
const stateDir = join(root, 'state');
const db = join(root, 'home', '.pki', 'nssdb');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const trustCert = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/trust-cert.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOCALCLOUD_STATE: stateDir, VAULT_NSSDB: db, HOME: join(root, 'home') },
  });
const listed = () => spawnSync('/usr/bin/certutil', ['-d', `sql:${db}`, '-L'], { encoding: 'utf8' }).stdout;

test('trust-cert adds the state folder CA to an NSS database as a trusted web-site issuer, and --remove takes it out', () => {
  const added = trustCert();
  expect(added.status, added.stderr).toBe(0);
  expect(added.stdout + added.stderr).not.toMatch(/PRIVATE KEY/);
  expect(listed()).toMatch(/^Amplify Vault local cloud CA [0-9a-f]{8}\s+C,,\s*$/m);
  // The certificate in the database is this state folder's CA.
  const subject = /^(Amplify Vault local cloud CA [0-9a-f]{8})/m.exec(listed())![1];
  const stored = spawnSync('/usr/bin/certutil', ['-d', `sql:${db}`, '-L', '-n', subject, '-a'], { encoding: 'utf8' }).stdout;
  expect(new X509Certificate(stored).fingerprint256).toBe(new X509Certificate(readFileSync(caCertificatePath(stateDir))).fingerprint256);
  expect(statSync(join(stateDir, 'tls', 'ca-key.pem')).mode & 0o077).toBe(0);

  expect(trustCert().stdout).toMatch(/already trusted/);

  const removed = trustCert('--remove');
  expect(removed.status, removed.stderr).toBe(0);
  expect(removed.stdout).toMatch(/removed/);
  expect(listed()).not.toMatch(/Amplify Vault/);
  expect(trustCert('--remove').stdout).toMatch(/nothing to remove/);
});
