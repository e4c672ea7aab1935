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

export function loadKeys(store: Store): Keys {
  store.migrate('keys', keysMigrations);
  const get = (name: string) =>
    store.db.prepare('SELECT value FROM keys WHERE name = ?').pluck().get(name) as string | undefined;
  const put = (name: string, value: string) =>
    store.db.prepare('INSERT OR IGNORE INTO keys (name, value) VALUES (?, ?)').run(name, value);

  return store.transaction(() => {
    if (!get('signing')) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      put('signing', JSON.stringify({ kid: randomBytes(16).toString('base64url'), pem }));
    }
    if (!get('sealing')) put('sealing', randomBytes(32).toString('hex'));
    const { kid, pem } = JSON.parse(get('signing')!);
    const privateKey = createPrivateKey(pem);
    return {
      signing: { kid, privateKey, publicKey: createPublicKey(privateKey) },
      sealing: Buffer.from(get('sealing')!, 'hex'),
    };
  });
}
