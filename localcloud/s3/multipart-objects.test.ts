import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startRealCloud, type RealCloud } from '../testing/real-cloud';

/**
 * A completed multipart upload is stored as the list of its part files (no
 * bytes are moved when it completes): reads, ranges, copies and deletes of such
 * objects, and parts left out of the Complete request.
 */
let cloud: RealCloud;
let s3: S3Client;
let prefix: string;

beforeAll(async () => {
  cloud = await startRealCloud();
  const { identityId, credentials } = await cloud.credentialsFor((await cloud.signedInUser('mp')).idToken);
  prefix = `private/${identityId}/`;
  s3 = cloud.s3Client(credentials);
});
afterAll(() => cloud?.close());

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest();

/** Uploads `parts` (all of them, plus `extra` part numbers left out of the Complete request). */
async function uploadInParts(Key: string, parts: Buffer[], extra: Buffer[] = []) {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: cloud.bucket, Key, ContentType: 'application/x-parts', Metadata: { origin: 'parts' } }));
  const etags = await Promise.all(parts.map((Body, i) => s3.send(new UploadPartCommand({ Bucket: cloud.bucket, Key, UploadId, PartNumber: i + 1, Body })).then((o) => o.ETag!)));
  await Promise.all(extra.map((Body, i) => s3.send(new UploadPartCommand({ Bucket: cloud.bucket, Key, UploadId, PartNumber: parts.length + 10 + i, Body }))));
  const done = await s3.send(
    new CompleteMultipartUploadCommand({ Bucket: cloud.bucket, Key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) } }),
  );
  return { UploadId: UploadId!, ETag: done.ETag! };
}

/** Files in blobs/ that no object references (no upload is open between the tests' steps). */
function unreferencedBlobs(): string[] {
  const referenced = new Set<string>();
  for (const o of cloud.objects.scan(cloud.bucket, '', '')) for (const s of o.segments) referenced.add(s.file);
  return readdirSync(cloud.objects.blobDir).filter((f) => !referenced.has(f));
}

const read = async (Key: string, Range?: string) => {
  const out = await s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key, Range }));
  return { out, bytes: Buffer.from(await out.Body!.transformToByteArray()) };
};

describe('multipart objects (stored as their parts)', () => {
  const parts = [randomBytes(5 * MiB + 17), randomBytes(5 * MiB), randomBytes(1234)];
  const whole = Buffer.concat(parts);
  const Key = () => `${prefix}mp-${randomBytes(4).toString('hex')}.bin`;

  it('GET returns the parts in order; HEAD gives size, ETag, parts count; no bytes were copied', async () => {
    const key = Key();
    const { ETag } = await uploadInParts(key, parts);
    expect(ETag).toBe(`"${createHash('md5').update(Buffer.concat(parts.map(md5))).digest('hex')}-3"`);
    const stored = cloud.objects.get(cloud.bucket, key)!;
    expect(stored.segments.map((s) => s.size)).toEqual(parts.map((p) => p.length));
    const { out, bytes } = await read(key);
    expect(bytes.equals(whole)).toBe(true);
    expect(out.ContentLength).toBe(whole.length);
    expect(out.ContentType).toBe('application/x-parts');
    expect(out.Metadata).toEqual({ origin: 'parts' });
    const head = await s3.send(new HeadObjectCommand({ Bucket: cloud.bucket, Key: key }));
    expect(head.ContentLength).toBe(whole.length);
    expect(head.ETag).toBe(ETag);
    // The parts count comes with a partNumber only (S3: "only returned if you specify partNumber").
    expect(head.PartsCount).toBeUndefined();
    const first = await s3.send(new HeadObjectCommand({ Bucket: cloud.bucket, Key: key, PartNumber: 1 }));
    expect([first.PartsCount, first.ContentLength]).toEqual([3, parts[0].length]);
  });

  it('Range reads map into the parts: within one, across a boundary, across all three, suffixes', async () => {
    const key = Key();
    await uploadInParts(key, parts);
    const b1 = parts[0].length;
    const b2 = b1 + parts[1].length;
    const ranges: [string, number, number][] = [
      [`bytes=10-99`, 10, 99],
      [`bytes=${b1 - 3}-${b1 + 2}`, b1 - 3, b1 + 2],
      [`bytes=${b1}-${b1}`, b1, b1],
      [`bytes=${b1 - 1}-${b2 + 5}`, b1 - 1, b2 + 5],
      [`bytes=${b2 - 1}-`, b2 - 1, whole.length - 1],
      [`bytes=-1300`, whole.length - 1300, whole.length - 1],
      [`bytes=0-${whole.length + 100}`, 0, whole.length - 1],
    ];
    for (const [Range, start, end] of ranges) {
      const { out, bytes } = await read(key, Range);
      expect(out.ContentRange, Range).toBe(`bytes ${start}-${end}/${whole.length}`);
      expect(bytes.equals(whole.subarray(start, end + 1)), Range).toBe(true);
    }
  });

  it('CopyObject of a multipart object: same bytes and ETag, files of its own; deleting either leaves the other whole', async () => {
    const source = Key();
    const { ETag } = await uploadInParts(source, parts);
    const target = Key();
    const copied = await s3.send(new CopyObjectCommand({ Bucket: cloud.bucket, Key: target, CopySource: `${cloud.bucket}/${source}` }));
    expect(copied.CopyObjectResult?.ETag).toBe(ETag);
    const a = cloud.objects.get(cloud.bucket, source)!.segments.map((s) => s.file);
    const b = cloud.objects.get(cloud.bucket, target)!.segments.map((s) => s.file);
    expect(b.filter((f) => a.includes(f))).toEqual([]);
    await s3.send(new DeleteObjectCommand({ Bucket: cloud.bucket, Key: source }));
    await cloud.objects.settled();
    expect(a.filter((f) => existsSync(cloud.objects.blobPath(f)))).toEqual([]);
    expect((await read(target)).bytes.equals(whole)).toBe(true);
    expect((await read(target, `bytes=${parts[0].length - 1}-${parts[0].length}`)).bytes.equals(whole.subarray(parts[0].length - 1, parts[0].length + 1))).toBe(true);
  });

  it('a GET in flight returns the object it started with, though an overwrite deletes its files meanwhile', async () => {
    const key = Key();
    await uploadInParts(key, parts);
    const files = cloud.objects.get(cloud.bucket, key)!.segments.map((s) => s.file);
    const out = await s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: key }));
    // Headers received, body not read yet: replace the object and let its part files go.
    await s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: key, Body: randomBytes(1000) }));
    await cloud.objects.settled();
    expect(files.filter((f) => existsSync(cloud.objects.blobPath(f)))).toEqual([]);
    expect(Buffer.from(await out.Body!.transformToByteArray()).equals(whole)).toBe(true);
    expect((await read(key)).bytes.length).toBe(1000);
  });

  it('DeleteObject and overwrites remove every part file; parts left out of Complete are deleted', async () => {
    const key = Key();
    const { UploadId } = await uploadInParts(key, parts, [randomBytes(5 * MiB)]);
    await cloud.objects.settled();
    expect(cloud.objects.parts(UploadId)).toEqual([]);
    const files = cloud.objects.get(cloud.bucket, key)!.segments.map((s) => s.file);
    expect(files.every((f) => existsSync(cloud.objects.blobPath(f)))).toBe(true);
    // The left-out part's file is gone: no file in blobs/ is unreferenced.
    expect(unreferencedBlobs()).toEqual([]);
    // Overwrite with a plain PutObject: the part files go.
    await s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: key, Body: randomBytes(100 * 1024) }));
    await cloud.objects.settled();
    expect(files.filter((f) => existsSync(cloud.objects.blobPath(f)))).toEqual([]);
    // Another multipart object, then DeleteObject.
    const other = Key();
    await uploadInParts(other, parts);
    const otherFiles = cloud.objects.get(cloud.bucket, other)!.segments.map((s) => s.file);
    await s3.send(new DeleteObjectCommand({ Bucket: cloud.bucket, Key: other }));
    await cloud.objects.settled();
    expect(otherFiles.filter((f) => existsSync(cloud.objects.blobPath(f)))).toEqual([]);
    expect(await read(other).then(() => 'found', (e) => e.name)).toBe('NoSuchKey');
    expect(unreferencedBlobs()).toEqual([]);
  });

  it("parts sent without a CRC32: Complete computes theirs from the files when it needs them (a full-object CRC32, a part's CRC32 to check)", async () => {
    const plain = cloud.s3Client(await s3.config.credentials(), { requestChecksumCalculation: 'WHEN_REQUIRED' }); // sends no checksums
    const key = Key();
    const { UploadId } = await plain.send(new CreateMultipartUploadCommand({ Bucket: cloud.bucket, Key: key }));
    const sent = await Promise.all(parts.map((Body, i) => plain.send(new UploadPartCommand({ Bucket: cloud.bucket, Key: key, UploadId, PartNumber: i + 1, Body }))));
    expect(cloud.objects.parts(UploadId!).map((p) => p.checksumCrc32)).toEqual([undefined, undefined, undefined]); // no CRC32 work while receiving
    const base64 = (crc: number) => Buffer.from([crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255]).toString('base64');
    const Parts = sent.map((p, i) => ({ PartNumber: i + 1, ETag: p.ETag, ChecksumCRC32: base64(crc32(parts[i])) }));
    const complete = (ChecksumCRC32: string, parts: { PartNumber: number; ETag?: string; ChecksumCRC32?: string }[] = Parts) =>
      plain.send(new CompleteMultipartUploadCommand({ Bucket: cloud.bucket, Key: key, UploadId, ChecksumCRC32, ChecksumType: 'FULL_OBJECT', MultipartUpload: { Parts: parts } }));
    const full = base64(crc32(whole));
    const wrongFull = base64(crc32(whole) ^ 1);
    await expect(complete(wrongFull, Parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })))).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    await expect(complete(full, Parts.map((p, i) => (i === 1 ? { ...p, ChecksumCRC32: base64(crc32(parts[0])) } : p)))).rejects.toMatchObject({ name: 'InvalidPart' });
    const done = await complete(full);
    expect(done).toMatchObject({ ChecksumCRC32: full, ChecksumType: 'FULL_OBJECT' });
    const got = await plain.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: key, ChecksumMode: 'ENABLED' }));
    expect(got.ChecksumCRC32).toBe(full);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
    plain.destroy();
  });
});
