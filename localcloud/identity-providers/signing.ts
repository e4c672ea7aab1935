import { createHash, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { signRs256All } from '../services/jwt';
import { generateRsaKeyPair } from '../services/keys';
import type { Store } from '../store/store';
import type { ProviderSlug } from './accounts';

/**
 * The OpenID Connect providers' signing keys (Google's, Apple's): one RSA key
 * per provider and state folder, made on first use and kept in the `keys`
 * table (which a reset keeps, as the providers' keys outlive any account),
 * published as the provider's JWKS and signing its id tokens with RS256.
 */
export interface ProviderSigner {
  jwks(): { keys: Record<string, unknown>[] };
  sign(payload: Record<string, unknown>): Promise<string>;
}

export function createProviderSigner(store: Store, provider: ProviderSlug): ProviderSigner {
  let key: { kid: string; privateKey: KeyObject; publicKey: KeyObject } | undefined;
  const load = () => {
    if (key) return key;
    const name = `identity-provider:${provider}`;
    // The keys table exists: loadKeys (server start) made it.
    const get = () => store.db.prepare('SELECT value FROM keys WHERE name = ?').pluck().get(name) as string | undefined;
    if (!get()) {
      const value = JSON.stringify({ kid: randomBytes(20).toString('hex'), pem: generateRsaKeyPair().pem });
      store.db.prepare('INSERT OR IGNORE INTO keys (name, value) VALUES (?, ?)').run(name, value);
    }
    const { kid, pem } = JSON.parse(get()!) as { kid: string; pem: string };
    const privateKey = createPrivateKey(pem);
    key = { kid, privateKey, publicKey: createPublicKey(privateKey) };
    return key;
  };
  return {
    jwks() {
      const { kid, publicKey } = load();
      const { n, e, kty } = publicKey.export({ format: 'jwk' });
      return { keys: [{ kty, kid, use: 'sig', alg: 'RS256', n, e }] };
    },
    async sign(payload) {
      const { kid, privateKey } = load();
      const [token] = await signRs256All([payload], privateKey, kid);
      return token;
    },
  };
}

/** OpenID Connect's at_hash: the left half of SHA-256 of the access token, base64url. */
export function accessTokenHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
