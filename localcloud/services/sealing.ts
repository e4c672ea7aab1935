import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Clock } from './clock';

/**
 * Opaque, tamper-proof values handed to clients and read back later (an SRP
 * SECRET_BLOCK, an auth challenge's Session): AES-256-GCM with the state
 * folder's key, bound to a purpose and an expiry. The server keeps no table
 * of pending challenges, and they survive a restart.
 */
export interface Sealer {
  seal(purpose: string, payload: unknown, ttlSeconds: number): string;
  /** The payload, or undefined when the value is forged, for another purpose, or expired. */
  unseal<T>(purpose: string, sealed: string): T | undefined;
}

export function createSealer(key: Buffer, clock: Clock): Sealer {
  return {
    seal(purpose, payload, ttlSeconds) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(purpose));
      const plain = JSON.stringify({ e: clock.now().getTime() + ttlSeconds * 1000, p: payload });
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    unseal<T>(purpose: string, sealed: string) {
      try {
        const raw = Buffer.from(sealed, 'base64');
        // Node's decoder skips stray characters: insist on the exact encoding.
        if (raw.length < 29 || raw.toString('base64') !== sealed) return undefined;
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAAD(Buffer.from(purpose));
        decipher.setAuthTag(raw.subarray(12, 28));
        const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
        const { e, p } = JSON.parse(plain);
        return clock.now().getTime() <= e ? (p as T) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
