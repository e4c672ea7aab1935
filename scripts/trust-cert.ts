import { parseArgs } from 'node:util';
import { loadLoopbackTls } from '../localcloud/tls/local-ca.ts';
import { CertutilMissingError, defaultNssDb, isCaTrusted, removeCas, trustCa } from '../localcloud/tls/nss-trust.ts';
import { stateDirectory } from './secret.ts';

/**
 * `npm run trust-cert [-- --remove] [--nssdb <dir>]`: makes Chromium on Linux
 * trust the local cloud's CA (the one of this state folder, made now if it
 * does not exist yet), so the hosted UI at https://localhost:20443 opens
 * without a warning. `--remove` takes every Amplify Vault CA out again. The
 * database is the user's `~/.pki/nssdb` unless `--nssdb` or `VAULT_NSSDB`
 * names another. Only the public certificate is handed to certutil.
 */
const { values } = parseArgs({
  options: {
    remove: { type: 'boolean', default: false },
    nssdb: { type: 'string' },
  },
});
const db = values.nssdb ?? defaultNssDb();

try {
  if (values.remove) {
    const removed = removeCas(db);
    console.log(
      removed.length
        ? `trust-cert: removed ${removed.map((n) => `"${n}"`).join(', ')} from ${db}. Restart Chromium to forget it.`
        : `trust-cert: no Amplify Vault CA in ${db}; nothing to remove.`,
    );
  } else {
    const stateDir = stateDirectory();
    const tls = loadLoopbackTls(stateDir);
    if (isCaTrusted(tls.caCertificate, db)) {
      console.log(`trust-cert: the local CA (SHA-256 ${tls.caFingerprint}) is already trusted in ${db}.`);
    } else {
      const { nickname, created } = trustCa(tls.caCertificate, db);
      console.log(`trust-cert: ${created ? 'created' : 'updated'} ${db}: "${nickname}" (SHA-256 ${tls.caFingerprint}) now identifies https://localhost sites.`);
      console.log('trust-cert: restart Chromium to pick it up. Undo with `npm run trust-cert -- --remove`.');
    }
  }
} catch (error) {
  console.error(`trust-cert: ${error instanceof Error ? error.message : error}`);
  process.exit(error instanceof CertutilMissingError ? 2 : 1);
}
