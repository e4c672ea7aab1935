import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { S3Error } from './errors';

/**
 * S3's flexible checksums (x-amz-checksum-<algorithm>, base64 of the big-endian
 * digest), as the SDKs send them in a header or an aws-chunked trailer.
 */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export const checksumHeader = (algorithm: ChecksumAlgorithm) => `x-amz-checksum-${algorithm.toLowerCase()}`;

export interface Checksummer {
  update(bytes: Buffer): void;
  /** base64 of the digest. */
  digest(): string;
}

const CRC32C_TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let j = 0; j < 8; j++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  CRC32C_TABLE[i] = c >>> 0;
}

// CRC-64/NVME (reflected, polynomial 0xad93d23594c93659 → reversed 0x9a6c9329ac4bc9b5), as two 32-bit halves.
const CRC64_HI = new Uint32Array(256);
const CRC64_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let j = 0; j < 8; j++) {
    const odd = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (odd) {
      hi = (hi ^ 0x9a6c9329) >>> 0;
      lo = (lo ^ 0xac4bc9b5) >>> 0;
    }
  }
  CRC64_HI[i] = hi;
  CRC64_LO[i] = lo;
}

const bigEndian = (...words: number[]) => {
  const b = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => b.writeUInt32BE(w >>> 0, i * 4));
  return b.toString('base64');
};

export function checksummer(algorithm: ChecksumAlgorithm): Checksummer {
  switch (algorithm) {
    case 'CRC32': {
      let c = 0;
      return { update: (b) => void (c = crc32(b, c)), digest: () => bigEndian(c) };
    }
    case 'CRC32C': {
      let c = 0xffffffff;
      return {
        update(b) {
          for (let i = 0; i < b.length; i++) c = (c >>> 8) ^ CRC32C_TABLE[(c ^ b[i]) & 0xff];
        },
        digest: () => bigEndian(c ^ 0xffffffff),
      };
    }
    case 'CRC64NVME': {
      let hi = 0xffffffff;
      let lo = 0xffffffff;
      return {
        update(b) {
          for (let i = 0; i < b.length; i++) {
            const idx = (lo ^ b[i]) & 0xff;
            lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_LO[idx]) >>> 0;
            hi = ((hi >>> 8) ^ CRC64_HI[idx]) >>> 0;
          }
        },
        digest: () => bigEndian(hi ^ 0xffffffff, lo ^ 0xffffffff),
      };
    }
    case 'SHA1':
    case 'SHA256': {
      const h: Hash = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (b) => void h.update(b), digest: () => h.digest('base64') };
    }
  }
}

/**
 * The one checksum a request declares: an x-amz-checksum-* header, or the
 * trailer x-amz-trailer names. More than one → InvalidRequest, as S3 answers.
 */
export function declaredChecksum(headers: Record<string, string | string[] | undefined>): { algorithm: ChecksumAlgorithm; value?: string } | undefined {
  const trailer = String(headers['x-amz-trailer'] ?? '').toLowerCase().trim();
  const found = CHECKSUM_ALGORITHMS.filter((a) => headers[checksumHeader(a)] !== undefined || trailer === checksumHeader(a));
  if (found.length > 1) throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  if (found.length === 0) {
    const unknown = Object.keys(headers).find((h) => h.startsWith('x-amz-checksum-') && h !== 'x-amz-checksum-type' && h !== 'x-amz-checksum-algorithm' && h !== 'x-amz-checksum-mode');
    if (unknown) throw new S3Error('InvalidRequest', `The algorithm of ${unknown} is not supported by the local cloud; use CRC32, CRC32C, CRC64NVME, SHA1 or SHA256.`);
    return undefined;
  }
  const value = headers[checksumHeader(found[0])];
  return { algorithm: found[0], value: typeof value === 'string' ? value : undefined };
}

/** A sent checksum compared with the computed one: BadDigest when they differ (S3's wording). */
export function checkChecksum(algorithm: ChecksumAlgorithm, sent: string, computed: string): void {
  if (sent !== computed) throw new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`);
}

/** A Content-MD5 header must be the base64 of 16 bytes: S3's 400 InvalidDigest otherwise (checked before the body is read). */
export function checkContentMd5(headers: Record<string, string | string[] | undefined>): void {
  const md5 = headers['content-md5'];
  if (md5 === undefined) return;
  if (typeof md5 !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(md5.trim())) {
    throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400, { 'Content-MD5': String(md5) });
  }
}
