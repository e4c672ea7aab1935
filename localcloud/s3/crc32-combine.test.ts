import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32Combine } from './crc32-combine';

describe('crc32Combine', () => {
  it('equals the CRC of the concatenation', () => {
    for (const [a, b] of [[0, 5], [7, 0], [1, 1], [1000, 5_000_001], [5 * 1024 * 1024, 333]]) {
      const x = randomBytes(a);
      const y = randomBytes(b);
      expect(crc32Combine(crc32(x), crc32(y), y.length)).toBe(crc32(Buffer.concat([x, y])));
    }
  });
});
