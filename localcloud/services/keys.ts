import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { Store } from '../store/store';

/**
 * Secrets generated once per state folder and kept in it: the RSA key that
 * signs tokens (so tokens stay valid across restarts, and differ between
 * installs) and the AES key that seals opaque values handed to clients.
 */
export interface Keys {
  signing: { kid: string; privateKey: KeyObject; publicKey: KeyObject };
  sealing: Buffer;
}

export const keysMigrations = ['CREATE TABLE keys (name TEXT PRIMARY KEY, value TEXT NOT NULL)'];

/**
 * A new RSA key pair, as PKCS#8 PEM and as key objects made from it.
 * Never hand out the key objects generateKeyPairSync returns: in Node 20 a
 * garbage collection during their export (e.g. to JWK, as jose and the JWKS
 * endpoint do) runs the finished generation job's destructor, which takes the
 * lock the export holds, and the process hangs for good (seen as vitest runs
 * sitting idle). Keys parsed from PEM share no lock with that job.
 */
export function generateRsaKeyPair(modulusLength = 2048): { pem: string; privateKey: KeyObject; publicKey: KeyObject } {
  const { privateKey: pem } = generateKeyPairSync('rsa', {
    modulusLength,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const privateKey = createPrivateKey(pem);
  return { pem, privateKey, publicKey: createPublicKey(privateKey) };
}

export function loadKeys(store: Store): Keys {
  store.migrate('keys', keysMigrations);
  const get = (name: string) =>
    store.db.prepare('SELECT value FROM keys WHERE name = ?').pluck().get(name) as string | undefined;
  const put = (name: string, value: string) =>
    store.db.prepare('INSERT OR IGNORE INTO keys (name, value) VALUES (?, ?)').run(name, value);

  return store.transaction(() => {
    if (!get('signing')) put('signing', JSON.stringify({ kid: randomBytes(16).toString('base64url'), pem: generateRsaKeyPair().pem }));
    if (!get('sealing')) put('sealing', randomBytes(32).toString('hex'));
    const { kid, pem } = JSON.parse(get('signing')!);
    const privateKey = createPrivateKey(pem);
    return {
      signing: { kid, privateKey, publicKey: createPublicKey(privateKey) },
      sealing: Buffer.from(get('sealing')!, 'hex'),
    };
  });
}
