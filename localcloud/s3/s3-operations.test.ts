import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startRealCloud, type RealCloud } from '../testing/real-cloud';

let cloud: RealCloud;
let s3: S3Client;
let id: string;

beforeAll(async () => {
  cloud = await startRealCloud();
  const { identityId, credentials } = await cloud.credentialsFor((await cloud.signedInUser('ops')).idToken);
  id = identityId;
  s3 = cloud.s3Client(credentials);
});
afterAll(() => cloud?.close());

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return status === 304 ? '304' : (e as { name: string }).name;
  }
};

describe('S3 operations through @aws-sdk/client-s3', () => {
  it('round-trips keys with reserved and non-ASCII characters (header and presigned signatures)', async () => {
    const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
    for (const name of ["a%b#c?d&e=f g+h~!'()*,;:@$.txt", 'ünï cødé/日本.txt', 'sp  two spaces', 'trailing-slash/']) {
      const Key = `private/${id}/weird/${name}`;
      await s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key, Body: name }));
      expect(cloud.objects.get(cloud.bucket, Key)).toBeDefined();
      const got = await s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key }));
      expect(await got.Body!.transformToString()).toBe(name);
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: cloud.bucket, Key }), { expiresIn: 60 });
      expect(await (await fetch(url)).text()).toBe(name);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: `private/${id}/weird/` }));
    expect(listed.KeyCount).toBe(4);
  });

  it("answers CORS preflights from the bucket's CorsConfiguration", async () => {
    const preflight = (method: string, headers = 'x-amz-date,x-amz-content-sha256,authorization,x-amz-security-token') =>
      fetch(`${cloud.endpoint}/${cloud.bucket}/public/x.txt`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': method, 'access-control-request-headers': headers },
      });
    const ok = await preflight('PUT');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(ok.headers.get('access-control-allow-methods')).toBe('GET, HEAD, PUT, POST, DELETE');
    expect(ok.headers.get('access-control-max-age')).toBe('3000');
    expect(ok.headers.get('access-control-expose-headers')).toContain('ETag');
    const refused = await preflight('PATCH');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>AccessForbidden</Code>');
  });

  it('answers what it does not emulate with 501 UnsupportedOperationException naming it, as every service does', async () => {
    const refusal = async (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => [e.name, e.$metadata.httpStatusCode, e.message],
      );
    expect(await refusal(s3.send(new ListObjectVersionsCommand({ Bucket: cloud.bucket, Prefix: `private/${id}/` })))).toEqual([
      'UnsupportedOperationException',
      501,
      'The local cloud does not implement the S3 bucket operation GET ?prefix&versions.',
    ]);
    expect(await refusal(s3.send(new GetObjectAclCommand({ Bucket: cloud.bucket, Key: `private/${id}/x.txt` })))).toEqual([
      'UnsupportedOperationException',
      501,
      'The local cloud does not implement the S3 object operation GET ?acl.',
    ]);
  });

  it('checks x-amz-expected-bucket-owner', async () => {
    const Key = `private/${id}/owner.txt`;
    await s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key, Body: 'x', ExpectedBucketOwner: cloud.assembly.accountId }));
    expect(await errorOf(s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: `${Key}2`, Body: 'x', ExpectedBucketOwner: '111111111111' })))).toBe('AccessDenied');
    expect(cloud.objects.get(cloud.bucket, `${Key}2`)).toBeUndefined();
  });

  it('puts and gets an object with metadata, content type, CRC32, ranges and conditions', async () => {
    const Key = `private/${id}/hello.txt`;
    const put = await s3.send(
      new PutObjectCommand({ Bucket: cloud.bucket, Key, Body: 'hello world', ContentType: 'text/plain', Metadata: { owner: 'ops' }, ChecksumAlgorithm: 'CRC32' }),
    );
    expect(put.ETag).toBe(`"${createHash('md5').update('hello world').digest('hex')}"`);
    expect(put.ChecksumCRC32).toBeDefined();
    const got = await s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key, ChecksumMode: 'ENABLED' }));
    expect(await got.Body!.transformToString()).toBe('hello world');
    expect(got.ContentType).toBe('text/plain');
    expect(got.Metadata).toEqual({ owner: 'ops' });
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
    const range = await s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key, Range: 'bytes=6-' }));
    expect(await range.Body!.transformToString()).toBe('world');
    expect(range.ContentRange).toBe('bytes 6-10/11');
    const suffix = await s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key, Range: 'bytes=-3' }));
    expect(await suffix.Body!.transformToString()).toBe('rld');
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key, Range: 'bytes=100-' })))).toBe('InvalidRange');
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key, IfNoneMatch: put.ETag })))).toBe('304');
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key, IfMatch: '"nope"' })))).toBe('PreconditionFailed');
    expect(await errorOf(s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key, Body: 'x', IfNoneMatch: '*' })))).toBe('PreconditionFailed');
    const head = await s3.send(new HeadObjectCommand({ Bucket: cloud.bucket, Key }));
    expect(head.ContentLength).toBe(11);
    expect(await errorOf(s3.send(new HeadObjectCommand({ Bucket: cloud.bucket, Key: `${Key}.missing` })))).toBe('NotFound');
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: `${Key}.missing` })))).toBe('NoSuchKey');
  });

  it('streams a body of unknown length (aws-chunked with a trailing CRC32)', async () => {
    const { Readable } = await import('node:stream');
    const Key = `private/${id}/stream.bin`;
    const data = randomBytes(300_000);
    await s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key, Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), ContentLength: data.length }));
    const got = await s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it('lists with prefix, delimiter, pagination, start-after and url encoding, echoing exactly', async () => {
    const base = `private/${id}/list/`;
    const keys = ['a.txt', 'b.txt', 'dir1/x.txt', 'dir1/y.txt', 'dir2/z.txt', 'sp ace+plus.txt', 'ü.txt'];
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: base + k, Body: k }));
    const all = await s3.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: base }));
    expect(all.Contents!.map((c) => c.Key)).toEqual(keys.map((k) => base + k));
    expect(all.KeyCount).toBe(keys.length);
    expect(all.Name).toBe(cloud.bucket);
    expect(all.Prefix).toBe(base);
    expect(all.MaxKeys).toBe(1000);
    const delimited = await s3.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: base, Delimiter: '/' }));
    expect(delimited.Contents!.map((c) => c.Key)).toEqual([base + 'a.txt', base + 'b.txt', base + 'sp ace+plus.txt', base + 'ü.txt']);
    expect(delimited.CommonPrefixes!.map((p) => p.Prefix)).toEqual([base + 'dir1/', base + 'dir2/']);
    expect(delimited.KeyCount).toBe(6);
    expect(delimited.Delimiter).toBe('/');
    // Pages of 2 with a delimiter: common prefixes count toward MaxKeys and are never repeated.
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: base, Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
      expect(page.MaxKeys).toBe(2);
      expect(page.ContinuationToken).toBe(token);
      expect(page.KeyCount).toBe((page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0));
      seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = page.NextContinuationToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...delimited.Contents!.map((c) => c.Key!), ...delimited.CommonPrefixes!.map((p) => p.Prefix!)].sort());
    const after = await s3.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: base, StartAfter: base + 'dir1/y.txt' }));
    expect(after.Contents!.map((c) => c.Key)).toEqual([base + 'dir2/z.txt', base + 'sp ace+plus.txt', base + 'ü.txt']);
    expect(after.StartAfter).toBe(base + 'dir1/y.txt');
    const encoded = await s3.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: base, EncodingType: 'url' }));
    // Form-style url encoding, as S3 does it (aws-amplify decodes '+' as a space).
    expect(encoded.Contents!.map((c) => c.Key)).toEqual(
      keys.map((k) => `private/${encodeURIComponent(id)}/list/${encodeURIComponent(k).replace(/%2F/g, '/').replace(/%20/g, '+')}`),
    );
    expect(encoded.Contents![5].Key).toBe(`private/${encodeURIComponent(id)}/list/sp+ace%2Bplus.txt`);
    expect(encoded.Prefix).toBe(`private/${encodeURIComponent(id)}/list/`);
    const none = await s3.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: `${base}nothing/` }));
    expect(none.KeyCount).toBe(0);
    expect(none.Contents).toBeUndefined();
  });

  it('copies (GetObject on the source, PutObject on the target), deletes one and many', async () => {
    const src = `private/${id}/copy-src.txt`;
    await s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: src, Body: 'copy me', Metadata: { a: '1' } }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket: cloud.bucket, Key: `private/${id}/copy-dst.txt`, CopySource: `${cloud.bucket}/${src}` }));
    expect(copied.CopyObjectResult!.ETag).toBe(`"${createHash('md5').update('copy me').digest('hex')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: `private/${id}/copy-dst.txt` }));
    expect(await got.Body!.transformToString()).toBe('copy me');
    expect(got.Metadata).toEqual({ a: '1' });
    // Copy into a folder the role may not write: denied, nothing written.
    expect(await errorOf(s3.send(new CopyObjectCommand({ Bucket: cloud.bucket, Key: 'admin/stolen.txt', CopySource: `${cloud.bucket}/${src}` })))).toBe('AccessDenied');
    expect(cloud.objects.get(cloud.bucket, 'admin/stolen.txt')).toBeUndefined();
    await s3.send(new DeleteObjectCommand({ Bucket: cloud.bucket, Key: src }));
    expect(await errorOf(s3.send(new HeadObjectCommand({ Bucket: cloud.bucket, Key: src })))).toBe('NotFound');
    const many = await s3.send(
      new DeleteObjectsCommand({ Bucket: cloud.bucket, Delete: { Objects: [{ Key: `private/${id}/copy-dst.txt` }, { Key: 'admin/x.txt' }] } }),
    );
    expect(many.Deleted!.map((d) => d.Key)).toEqual([`private/${id}/copy-dst.txt`]);
    expect(many.Errors!.map((e) => [e.Key, e.Code])).toEqual([['admin/x.txt', 'AccessDenied']]);
  });

  it('uploads in parts: multipart ETag, ListParts denied as IAM says, EntityTooSmall, InvalidPart, NoSuchUpload, abort', async () => {
    const Key = `private/${id}/big.bin`;
    const part1 = randomBytes(5 * 1024 * 1024);
    const part2 = randomBytes(1000);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: cloud.bucket, Key, ContentType: 'application/x-test' }));
    const p1 = await s3.send(new UploadPartCommand({ Bucket: cloud.bucket, Key, UploadId, PartNumber: 1, Body: part1 }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: cloud.bucket, Key, UploadId, PartNumber: 2, Body: part2 }));
    // The storage policies grant s3:PutObject only, not s3:ListMultipartUploadParts.
    expect(await errorOf(s3.send(new ListPartsCommand({ Bucket: cloud.bucket, Key, UploadId })))).toBe('AccessDenied');
    expect(
      await errorOf(s3.send(new CompleteMultipartUploadCommand({ Bucket: cloud.bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"00"' }] } }))),
    ).toBe('InvalidPart');
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: cloud.bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } }),
    );
    const md5s = Buffer.concat([createHash('md5').update(part1).digest(), createHash('md5').update(part2).digest()]);
    expect(done.ETag).toBe(`"${createHash('md5').update(md5s).digest('hex')}-2"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key, Range: `bytes=${part1.length - 2}-${part1.length + 1}` }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([part1.subarray(-2), part2.subarray(0, 2)]))).toBe(true);
    expect(got.ContentType).toBe('application/x-test');
    expect(await errorOf(s3.send(new UploadPartCommand({ Bucket: cloud.bucket, Key, UploadId, PartNumber: 3, Body: 'x' })))).toBe('NoSuchUpload');

    const small = await s3.send(new CreateMultipartUploadCommand({ Bucket: cloud.bucket, Key: `${Key}.small` }));
    const s1 = await s3.send(new UploadPartCommand({ Bucket: cloud.bucket, Key: `${Key}.small`, UploadId: small.UploadId, PartNumber: 1, Body: 'tiny' }));
    const s2 = await s3.send(new UploadPartCommand({ Bucket: cloud.bucket, Key: `${Key}.small`, UploadId: small.UploadId, PartNumber: 2, Body: 'tiny' }));
    expect(
      await errorOf(
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: cloud.bucket,
            Key: `${Key}.small`,
            UploadId: small.UploadId,
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: s1.ETag }, { PartNumber: 2, ETag: s2.ETag }] },
          }),
        ),
      ),
    ).toBe('EntityTooSmall');
    // The storage policies do not grant s3:AbortMultipartUpload either.
    expect(await errorOf(s3.send(new AbortMultipartUploadCommand({ Bucket: cloud.bucket, Key: `${Key}.small`, UploadId: small.UploadId })))).toBe('AccessDenied');
  });
});
