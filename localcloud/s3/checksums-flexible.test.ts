import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksummer } from './checksums';
import { RawConnection, rawRequest, signedHeaders } from './testing/raw-http';
import { type Caller, type SignedInCloud, startSignedInCloud } from './testing/signed-in-cloud';

/**
 * Flexible checksums beyond CRC32 (the SDK's ChecksumAlgorithm option): CRC32C,
 * CRC64NVME, SHA1, SHA256 — verified on PutObject and UploadPart (header or
 * aws-chunked trailer), stored, and returned by Get/HeadObject with
 * ChecksumMode=ENABLED. A wrong value is BadDigest and nothing is stored.
 * Multipart uploads with SHA1/SHA256/CRC32C get S3's COMPOSITE checksum.
 */
let env: SignedInCloud;
let me: Caller;

beforeAll(async () => {
  env = await startSignedInCloud();
  me = await env.user('checksums');
}, 120_000);
afterAll(() => env?.close());

const ALGORITHMS = ['CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
const FIELD = { CRC32: 'ChecksumCRC32', CRC32C: 'ChecksumCRC32C', CRC64NVME: 'ChecksumCRC64NVME', SHA1: 'ChecksumSHA1', SHA256: 'ChecksumSHA256' } as const;
const expected = (algorithm: (typeof ALGORITHMS)[number], body: Buffer) => {
  if (algorithm === 'SHA1' || algorithm === 'SHA256') return createHash(algorithm.toLowerCase()).update(body).digest('base64');
  const c = checksummer(algorithm);
  c.update(body);
  return c.digest();
};
const code = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];

describe('flexible checksums', () => {
  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: PutObject (header and streamed trailer) verified, stored, returned with ChecksumMode=ENABLED`, async () => {
      const body = Buffer.from(`checked with ${algorithm} `.repeat(100));
      const Key = `private/${me.identityId}/${algorithm}.txt`;
      const put = await me.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key, Body: body, ChecksumAlgorithm: algorithm }));
      expect(put[FIELD[algorithm]]).toBe(expected(algorithm, body));
      const got = await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key, ChecksumMode: 'ENABLED' }));
      expect(got[FIELD[algorithm]]).toBe(expected(algorithm, body));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
      const head = await me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key, ChecksumMode: 'ENABLED' }));
      expect(head[FIELD[algorithm]]).toBe(expected(algorithm, body));
      // A stream of unknown length goes aws-chunked, the checksum in the trailer.
      const streamed = await me.s3.send(
        new PutObjectCommand({ Bucket: env.bucket, Key: `${Key}.streamed`, Body: Readable.from([body.subarray(0, 1000), body.subarray(1000)]), ContentLength: body.length, ChecksumAlgorithm: algorithm }),
      );
      expect(streamed[FIELD[algorithm]]).toBe(expected(algorithm, body));
    });
  }

  it('a wrong checksum → 400 BadDigest, nothing stored; two checksum headers → 400 InvalidRequest', async () => {
    const Key = `private/${me.identityId}/wrong.txt`;
    const path = `/${env.bucket}/${Key}`;
    const sign = (extra: Record<string, string>) => signedHeaders({ port: env.cloud.port, region: env.region, credentials: me.credentials }, 'PUT', path, 'payload', extra);
    const c = new RawConnection(env.cloud.port);
    try {
      for (const algorithm of ALGORITHMS) {
        const wrong = expected(algorithm, Buffer.from('other payload'));
        const res = await c.request(rawRequest('PUT', path, await sign({ [`x-amz-checksum-${algorithm.toLowerCase()}`]: wrong }), 'payload'));
        expect(res.status).toBe(400);
        expect(code(res.body)).toBe('BadDigest');
        expect(res.body).toContain(`The ${algorithm} you specified did not match the calculated checksum.`);
      }
      const both = await c.request(
        rawRequest('PUT', path, await sign({ 'x-amz-checksum-sha256': expected('SHA256', Buffer.from('payload')), 'x-amz-checksum-crc32c': expected('CRC32C', Buffer.from('payload')) }), 'payload'),
      );
      expect(both.status).toBe(400);
      expect(code(both.body)).toBe('InvalidRequest');
    } finally {
      c.close();
    }
    await expect(me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('UploadPart verifies and returns the part checksum; Complete checks each part and gives the COMPOSITE checksum', async () => {
    const Key = `private/${me.identityId}/parts-sha256.bin`;
    const { UploadId } = await me.s3.send(new CreateMultipartUploadCommand({ Bucket: env.bucket, Key, ChecksumAlgorithm: 'SHA256' }));
    const bodies = [Buffer.alloc(5 * 1024 * 1024, 7), Buffer.alloc(1024, 9)];
    const parts: { PartNumber: number; ETag?: string; ChecksumSHA256?: string }[] = [];
    for (const [i, body] of bodies.entries()) {
      const part = await me.s3.send(new UploadPartCommand({ Bucket: env.bucket, Key, UploadId, PartNumber: i + 1, Body: body, ChecksumAlgorithm: 'SHA256' }));
      expect(part.ChecksumSHA256).toBe(expected('SHA256', body));
      parts.push({ PartNumber: i + 1, ETag: part.ETag, ChecksumSHA256: part.ChecksumSHA256 });
    }
    await expect(
      me.s3.send(new CompleteMultipartUploadCommand({ Bucket: env.bucket, Key, UploadId, MultipartUpload: { Parts: parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) } })),
    ).rejects.toMatchObject({ name: 'InvalidRequest' });
    const wrong = parts.map((p, i) => (i === 1 ? { ...p, ChecksumSHA256: parts[0].ChecksumSHA256 } : p));
    await expect(me.s3.send(new CompleteMultipartUploadCommand({ Bucket: env.bucket, Key, UploadId, MultipartUpload: { Parts: wrong } }))).rejects.toMatchObject({ name: 'InvalidPart' });
    const done = await me.s3.send(new CompleteMultipartUploadCommand({ Bucket: env.bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
    const composite = `${createHash('sha256').update(Buffer.concat(parts.map((p) => Buffer.from(p.ChecksumSHA256!, 'base64')))).digest('base64')}-2`;
    expect(done.ChecksumSHA256).toBe(composite);
    expect(done.ChecksumType).toBe('COMPOSITE');
    const head = await me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key, ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(composite);
    expect(head.ChecksumType).toBe('COMPOSITE');
  });
  it('DeleteObjects: the body checksum of any algorithm is verified (the SDK sends one)', async () => {
    const Key = `private/${me.identityId}/to-delete.txt`;
    await me.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key, Body: 'bye' }));
    const done = await me.s3.send(new DeleteObjectsCommand({ Bucket: env.bucket, Delete: { Objects: [{ Key }] }, ChecksumAlgorithm: 'CRC32C' }));
    expect(done.Deleted?.map((d) => d.Key)).toEqual([Key]);
    const body = `<Delete><Object><Key>${Key}</Key></Object></Delete>`;
    const path = `/${env.bucket}?delete=`;
    const c = new RawConnection(env.cloud.port);
    try {
      const headers = await signedHeaders({ port: env.cloud.port, region: env.region, credentials: me.credentials }, 'POST', path, body, {
        'x-amz-checksum-sha256': expected('SHA256', Buffer.from('another body')),
      });
      const res = await c.request(rawRequest('POST', path, headers, body));
      expect(res.status).toBe(400);
      expect(code(res.body)).toBe('BadDigest');
    } finally {
      c.close();
    }
  });
});
