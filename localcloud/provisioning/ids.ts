import { createHash } from 'node:crypto';

/**
 * Deterministic local identifiers: the same backend always gets the same pool
 * ids, client ids, role names and bucket names, so amplify_outputs.json and
 * the local cloud's state stay valid across restarts and re-synthesis.
 */
export function digest(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LOWER36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const UPPER36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `length` characters from `alphabet`, drawn from the seed's hash. */
export function idFrom(seed: string, alphabet: string, length: number): string {
  let out = '';
  let block = 0;
  while (out.length < length) {
    for (const byte of digest(seed, String(block++))) {
      if (out.length === length) break;
      out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

export const base62 = (seed: string, length: number) => idFrom(seed, BASE62, length);
export const lower36 = (seed: string, length: number) => idFrom(seed, LOWER36, length);
export const upper36 = (seed: string, length: number) => idFrom(seed, UPPER36, length);

/** A version-4-shaped UUID derived from the seed. */
export function uuidFrom(seed: string): string {
  const b = digest(seed).subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** CloudFormation-style generated name: `<prefix>-<logicalId>-<suffix>`, capped. */
export function generatedName(prefix: string, logicalId: string, seed: string, max: number, lowercase = false): string {
  const suffix = upper36(seed, 12);
  const room = max - suffix.length - 2;
  const name = `${`${prefix}-${logicalId}`.slice(0, room)}-${suffix}`;
  return lowercase ? name.toLowerCase().replace(/[^a-z0-9.-]/g, '-') : name;
}
