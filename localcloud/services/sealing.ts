import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Store } from '../store/store';
import type { Clock } from './clock';

/**
 * Opaque, tamper-proof values handed to clients and read back later (an SRP
 * SECRET_BLOCK, an auth challenge's Session): AES-256-GCM with the state
 * folder's key, bound to a purpose and an expiry. The server keeps no table
 * of pending challenges, and they survive a restart; a value can be spent
 * once (a completed challenge cannot be replayed).
 */
export interface Sealer {
  seal(purpose: string, payload: unknown, ttlSeconds: number): string;
  /** The payload, or undefined when the value is forged, for another purpose, expired, or spent. */
  unseal<T>(purpose: string, sealed: string): T | undefined;
  /** True when the value is authentic (sealed here, for this purpose) but past its expiry: an expired session, not a forged one. */
  expired(purpose: string, sealed: string): boolean;
  /** Marks the value used; false when it was invalid or already spent. */
  spend(purpose: string, sealed: string): boolean;
  /** A stable, unguessable hex digest of `data` under the state folder's key. */
  digest(data: string): string;
}

interface Envelope {
  /** Expiry, epoch ms. */
  e: number;
  /** Nonce, to spend the value once. */
  n: string;
  p: unknown;
}

export const sealingMigrations = ['CREATE TABLE spent_seals (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)'];

export function createSealer(key: Buffer, clock: Clock, store: Store): Sealer {
  store.migrate('sealing', sealingMigrations);
  const isSpent = store.db.prepare('SELECT 1 FROM spent_seals WHERE nonce = ?').pluck();
  const markSpent = store.db.prepare('INSERT OR IGNORE INTO spent_seals (nonce, expires_at) VALUES (?, ?)');
  const purge = store.db.prepare('DELETE FROM spent_seals WHERE expires_at < ?');
  let spends = 0;

  /** The envelope if authentic, whatever its expiry or spending. */
  function decrypt(purpose: string, sealed: string): Envelope | undefined {
    try {
      const raw = Buffer.from(sealed, 'base64');
      // Node's decoder skips stray characters: insist on the exact encoding.
      if (raw.length < 29 || raw.toString('base64') !== sealed) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(raw.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as Envelope;
    } catch {
      return undefined;
    }
  }

  function open(purpose: string, sealed: string): Envelope | undefined {
    const envelope = decrypt(purpose, sealed);
    if (!envelope || clock.now().getTime() > envelope.e || isSpent.get(envelope.n)) return undefined;
    return envelope;
  }

  return {
    seal(purpose, payload, ttlSeconds) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(purpose));
      const envelope: Envelope = { e: clock.now().getTime() + ttlSeconds * 1000, n: randomBytes(12).toString('base64url'), p: payload };
      const body = Buffer.concat([cipher.update(JSON.stringify(envelope), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    unseal: <T>(purpose: string, sealed: string) => open(purpose, sealed)?.p as T | undefined,
    expired(purpose, sealed) {
      const envelope = decrypt(purpose, sealed);
      return !!envelope && clock.now().getTime() > envelope.e;
    },
    digest: (data) => createHmac('sha256', key).update(data).digest('hex'),
    spend(purpose, sealed) {
      const envelope = open(purpose, sealed);
      if (!envelope) return false;
      if (++spends % 1000 === 0) purge.run(clock.now().getTime());
      return markSpent.run(envelope.n, envelope.e).changes === 1;
    },
  };
}
