import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  GetObjectTaggingCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { awsCli } from './testing/aws-cli';
import { boto3 } from './testing/boto3';
import { RawConnection, rawRequest, signedHeaders } from './testing/raw-http';
import { type Caller, type SignedInCloud, startSignedInCloud } from './testing/signed-in-cloud';

/**
 * An outside-client probe of S3's less-trodden paths (round two): ranges,
 * conditionals and part numbers on GetObject/HeadObject, response-* overrides,
 * ListObjectsV2 / ListObjects paging and encoding, CopyObject's directives and
 * source conditions, DeleteObjects' quiet mode and limits — each answer as S3
 * documents it, through the AWS SDK v3, boto3 and raw signed requests, with the
 * identity-pool credentials of a user who really signed in.
 */
let env: SignedInCloud;
let me: Caller;
let base: string;

beforeAll(async () => {
  env = await startSignedInCloud();
  me = await env.user('probe');
  base = `private/${me.identityId}/probe`;
}, 120_000);
afterAll(() => env?.close());

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    // The SDK has no name for a 304 (S3 sends no body with it).
    return status === 304 ? '304' : `${status} ${(e as { name: string }).name}`;
  }
};

/** One signed request on a raw connection (headers S3 answers with are visible, error bodies too). */
async function raw(method: string, path: string, extra: Record<string, string> = {}, body = '') {
  const c = new RawConnection(env.cloud.port);
  try {
    const headers = await signedHeaders({ port: env.cloud.port, region: env.region, credentials: me.credentials }, method, path, body, extra);
    return await c.request(rawRequest(method, path, headers, body), method === 'HEAD');
  } finally {
    c.close();
  }
}
const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');
const put = (Key: string, Body: string | Buffer, more: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}) =>
  me.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key, Body, ...more }));
const past = new Date('2001-01-01T00:00:00Z');
const future = new Date(Date.now() + 86_400_000);

describe('GetObject / HeadObject: ranges', () => {
  it('bytes=a-b, suffix, open-ended and past-the-end ranges answer 206 with Content-Range', async () => {
    const Key = `${base}/range.txt`;
    await put(Key, 'hello world');
    const get = async (Range: string) => {
      const out = await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key, Range }));
      return [out.$metadata.httpStatusCode, out.ContentRange, out.ContentLength, await out.Body!.transformToString()];
    };
    expect(await get('bytes=2-5')).toEqual([206, 'bytes 2-5/11', 4, 'llo ']);
    expect(await get('bytes=-3')).toEqual([206, 'bytes 8-10/11', 3, 'rld']);
    expect(await get('bytes=-100')).toEqual([206, 'bytes 0-10/11', 11, 'hello world']);
    expect(await get('bytes=6-')).toEqual([206, 'bytes 6-10/11', 5, 'world']);
    expect(await get('bytes=9-1000')).toEqual([206, 'bytes 9-10/11', 2, 'ld']);
    const head = await me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key, Range: 'bytes=0-0' }));
    expect([head.$metadata.httpStatusCode, head.ContentRange, head.ContentLength]).toEqual([206, 'bytes 0-0/11', 1]);
  });

  it('an unsatisfiable range → 416 InvalidRange with Content-Range bytes */size and the range requested', async () => {
    const Key = `${base}/unsatisfiable.txt`;
    await put(Key, 'hello world');
    const res = await raw('GET', `/${env.bucket}/${encodeKey(Key)}`, { range: 'bytes=11-' });
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */11');
    expect(res.body).toContain('<Code>InvalidRange</Code>');
    expect(res.body).toContain('<RangeRequested>bytes=11-</RangeRequested>');
    expect(res.body).toContain('<ActualObjectSize>11</ActualObjectSize>');
  });

  it('GET and HEAD carry ETag, Last-Modified (HTTP date) and Accept-Ranges: bytes', async () => {
    const Key = `${base}/headers.txt`;
    const { ETag } = await put(Key, 'abc');
    for (const method of ['GET', 'HEAD']) {
      const res = await raw(method, `/${env.bucket}/${encodeKey(Key)}`);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe(ETag);
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers['last-modified']).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    }
  });
});

describe('GetObject / HeadObject: conditional requests', () => {
  it('If-None-Match → 304 (GET and HEAD); If-Match, If-Unmodified-Since → 412; If-Modified-Since → 304', async () => {
    const Key = `${base}/conditional.txt`;
    const { ETag } = await put(Key, 'abc');
    const get = (more: object) => errorOf(me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key, ...more })));
    // A HEAD error has no body, so the SDK knows it by its status alone.
    const head = async (more: object) => (await errorOf(me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key, ...more })))).split(' ')[0];
    expect(await get({ IfNoneMatch: ETag })).toBe('304');
    expect(await head({ IfNoneMatch: ETag })).toBe('304');
    expect(await get({ IfNoneMatch: '"other"' })).toBe('ok');
    expect(await get({ IfMatch: '"other"' })).toBe('412 PreconditionFailed');
    expect(await head({ IfMatch: '"other"' })).toBe('412');
    expect(await get({ IfMatch: ETag })).toBe('ok');
    expect(await get({ IfMatch: '*' })).toBe('ok');
    expect(await get({ IfUnmodifiedSince: past })).toBe('412 PreconditionFailed');
    expect(await get({ IfUnmodifiedSince: future })).toBe('ok');
    expect(await get({ IfModifiedSince: future })).toBe('304');
    expect(await get({ IfModifiedSince: past })).toBe('ok');
  });

  it("the documented precedence: If-Match true beats If-Unmodified-Since false (200); If-None-Match false with If-Modified-Since true → 304", async () => {
    const Key = `${base}/precedence.txt`;
    const { ETag } = await put(Key, 'abc');
    const get = (more: object) => errorOf(me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key, ...more })));
    expect(await get({ IfMatch: ETag, IfUnmodifiedSince: past })).toBe('ok');
    expect(await get({ IfNoneMatch: ETag, IfModifiedSince: past })).toBe('304');
    // 412 is decided before 304.
    expect(await get({ IfMatch: '"other"', IfNoneMatch: ETag })).toBe('412 PreconditionFailed');
    const res = await raw('GET', `/${env.bucket}/${encodeKey(Key)}`, { 'if-none-match': ETag! });
    expect([res.status, res.headers.etag, res.body]).toEqual([304, ETag, '']);
    expect(res.headers['last-modified']).toBeDefined();
  });
});

describe('GetObject / HeadObject: partNumber', () => {
  const FIVE_MIB = 5 * 1024 * 1024;
  let Key: string;
  beforeAll(async () => {
    Key = `${base}/parts.bin`;
    const { UploadId } = await me.s3.send(new CreateMultipartUploadCommand({ Bucket: env.bucket, Key }));
    const parts = [];
    for (const [i, body] of [Buffer.alloc(FIVE_MIB, 'a'), Buffer.from('the second part')].entries()) {
      const { ETag } = await me.s3.send(new UploadPartCommand({ Bucket: env.bucket, Key, UploadId, PartNumber: i + 1, Body: body }));
      parts.push({ ETag, PartNumber: i + 1 });
    }
    await me.s3.send(new CompleteMultipartUploadCommand({ Bucket: env.bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
  }, 60_000);

  it('reads one part of a multipart object: 206, its Content-Range, x-amz-mp-parts-count', async () => {
    const total = FIVE_MIB + 'the second part'.length;
    const head = await me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key, PartNumber: 1 }));
    expect([head.$metadata.httpStatusCode, head.ContentLength, head.ContentRange, head.PartsCount]).toEqual([206, FIVE_MIB, `bytes 0-${FIVE_MIB - 1}/${total}`, 2]);
    const second = await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key, PartNumber: 2 }));
    expect([second.$metadata.httpStatusCode, second.ContentRange, second.PartsCount]).toEqual([206, `bytes ${FIVE_MIB}-${total - 1}/${total}`, 2]);
    expect(await second.Body!.transformToString()).toBe('the second part');
  });

  it('a part the object does not have → 416 InvalidPartNumber; partNumber with Range → 400 InvalidRequest', async () => {
    expect(await errorOf(me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key, PartNumber: 3 })))).toBe('416 InvalidPartNumber');
    expect(await errorOf(me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key, PartNumber: 1, Range: 'bytes=0-1' })))).toBe('400 InvalidRequest');
    const res = await raw('GET', `/${env.bucket}/${encodeKey(Key)}?partNumber=0`);
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>InvalidArgument</Code>');
  });

  it('part 1 of a single-part object is the whole object (206); part 2 → 416 InvalidPartNumber', async () => {
    const single = `${base}/single.txt`;
    await put(single, 'one part');
    const out = await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: single, PartNumber: 1 }));
    expect([out.$metadata.httpStatusCode, out.ContentRange, out.PartsCount, await out.Body!.transformToString()]).toEqual([206, 'bytes 0-7/8', undefined, 'one part']);
    expect(await errorOf(me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: single, PartNumber: 2 })))).toBe('416 InvalidPartNumber');
    expect(await errorOf(me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: single, PartNumber: 2 })))).toBe('416 Unknown');
  });
});

describe('presigned GET: response-* overrides', () => {
  it('response-content-type and response-content-disposition replace the stored headers on a signed URL', async () => {
    const Key = `${base}/override.txt`;
    await put(Key, 'abc', { ContentType: 'text/plain' });
    const url = await getSignedUrl(
      me.s3,
      new GetObjectCommand({ Bucket: env.bucket, Key, ResponseContentType: 'application/x-probe', ResponseContentDisposition: 'attachment; filename="ünï.txt"', ResponseCacheControl: 'no-store' }),
      { expiresIn: 60 },
    );
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-probe');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The value's UTF-8 bytes, as S3 sends them.
    expect(Buffer.from(res.headers.get('content-disposition')!, 'latin1').toString('utf8')).toBe('attachment; filename="ünï.txt"');
    // Unsigned, the overrides are refused (S3: anonymous requests may not use them); here every request must be signed.
    const unsigned = await fetch(`${env.cloud.url}/${env.bucket}/${encodeKey(Key)}?response-content-type=text/html`);
    expect(unsigned.status).toBe(403);
  });
});

describe('ListObjectsV2', () => {
  let prefix: string;
  const keys = ['a.txt', 'dir/one.txt', 'dir/two.txt', 'dir/sub/three.txt', 'other/x.txt', 'z.txt'];
  beforeAll(async () => {
    prefix = `${base}/list/`;
    for (const k of keys) await put(prefix + k, k);
  });
  const list = (more: object) => me.s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: prefix, ...more }));

  it('delimiter + prefix: CommonPrefixes, then the keys under one prefix', async () => {
    const top = await list({ Delimiter: '/' });
    expect(top.Contents?.map((c) => c.Key)).toEqual([`${prefix}a.txt`, `${prefix}z.txt`]);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual([`${prefix}dir/`, `${prefix}other/`]);
    expect(top.KeyCount).toBe(4);
    const dir = await me.s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${prefix}dir/`, Delimiter: '/' }));
    expect(dir.Contents?.map((c) => c.Key)).toEqual([`${prefix}dir/one.txt`, `${prefix}dir/two.txt`]);
    expect(dir.CommonPrefixes?.map((p) => p.Prefix)).toEqual([`${prefix}dir/sub/`]);
  });

  it('max-keys 0 lists nothing; above 1000 is capped at 1000; start-after skips', async () => {
    const none = await list({ MaxKeys: 0 });
    expect([none.KeyCount, none.Contents, none.MaxKeys, none.IsTruncated, none.NextContinuationToken]).toEqual([0, undefined, 0, false, undefined]);
    const many = await list({ MaxKeys: 5000 });
    expect(many.KeyCount).toBe(keys.length);
    expect(many.IsTruncated).toBe(false);
    const after = await list({ StartAfter: `${prefix}dir/two.txt` });
    expect(after.Contents?.map((c) => c.Key)).toEqual([`${prefix}other/x.txt`, `${prefix}z.txt`]);
    expect(after.StartAfter).toBe(`${prefix}dir/two.txt`);
  });

  it('pages with continuation tokens (keys and prefixes count toward max-keys)', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await list({ MaxKeys: 2, Delimiter: '/', ContinuationToken: token });
      seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
      pages++;
    } while (token);
    expect(pages).toBe(2);
    expect(seen.sort()).toEqual([`${prefix}a.txt`, `${prefix}dir/`, `${prefix}other/`, `${prefix}z.txt`]);
  });

  it('a forged or garbled continuation token → 400 InvalidArgument', async () => {
    for (const token of ['garbage!!', Buffer.from('{"b":"other","after":""}').toString('base64url'), '']) {
      expect(await errorOf(list({ ContinuationToken: token }))).toBe('400 InvalidArgument');
    }
  });

  it('encoding-type=url with odd keys: boto3 (which asks for it and decodes) gets the keys back exactly', async () => {
    const odd = ['sp ace+plus.txt', 'per%cent&amp.txt', 'ünï/日本.txt', 'tab\there.txt', 'q?uote"s.txt'];
    for (const k of odd) await put(`${prefix}odd/${k}`, 'x');
    const got = await boto3<{ keys: string[]; prefixes: string[]; v1: string[]; v2: string[]; deleted: string[] }>(
      { endpoint: env.cloud.url, region: env.region, credentials: me.credentials },
      [
        "out = s3.list_objects_v2(Bucket=args['bucket'], Prefix=args['prefix'])",
        "top = s3.list_objects_v2(Bucket=args['bucket'], Prefix=args['prefix'], Delimiter='/')",
        // The paginators: v2 by continuation token, v1 by NextMarker / the last key (both url-encoded on the wire).
        "pages = lambda op, **kw: [c['Key'] for p in s3.get_paginator(op).paginate(Bucket=args['bucket'], Prefix=args['prefix'], PaginationConfig={'PageSize': 2}, **kw) for c in p.get('Contents', [])]",
        "v1 = pages('list_objects')",
        "v2 = pages('list_objects_v2')",
        // DeleteObjects as boto3 sends it (Content-MD5), of a key with odd characters.
        "gone = s3.delete_objects(Bucket=args['bucket'], Delete={'Objects': [{'Key': args['prefix'] + 'q?uote\"s.txt'}]})",
        "print(json.dumps({'keys': [c['Key'] for c in out['Contents']], 'prefixes': [p['Prefix'] for p in top.get('CommonPrefixes', [])], 'v1': v1, 'v2': v2, 'deleted': [d['Key'] for d in gone['Deleted']]}))",
      ].join('\n'),
      { bucket: env.bucket, prefix: `${prefix}odd/` },
    );
    expect(got.keys.sort()).toEqual(odd.map((k) => `${prefix}odd/${k}`).sort());
    expect(got.v1).toEqual(got.keys);
    expect(got.v2).toEqual(got.keys);
    expect(got.deleted).toEqual([`${prefix}odd/q?uote"s.txt`]);
    expect(got.prefixes).toEqual([`${prefix}odd/ünï/`]);
    const res = await raw('GET', `/${env.bucket}?list-type=2&encoding-type=url&prefix=${encodeURIComponent(`${prefix}odd/sp`)}`);
    expect(res.body).toContain(`<Key>${encodeURIComponent(prefix).replace(/%2F/g, '/')}odd/sp+ace%2Bplus.txt</Key>`);
    expect(res.body).toContain('<EncodingType>url</EncodingType>');
  });

  it('fetch-owner=true adds each object\'s Owner; without it there is none', async () => {
    const owned = await list({ FetchOwner: true, MaxKeys: 1 });
    expect(owned.Contents?.[0].Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    const plain = await list({ MaxKeys: 1 });
    expect(plain.Contents?.[0].Owner).toBeUndefined();
  });
});

describe('ListObjects (version 1)', () => {
  it('lists with prefix, delimiter and marker; NextMarker when truncated with a delimiter', async () => {
    const prefix = `${base}/v1/`;
    for (const k of ['a.txt', 'b/1.txt', 'b/2.txt', 'c.txt']) await put(prefix + k, k);
    const first = await me.s3.send(new ListObjectsCommand({ Bucket: env.bucket, Prefix: prefix, Delimiter: '/', MaxKeys: 2 }));
    expect(first.Contents?.map((c) => c.Key)).toEqual([`${prefix}a.txt`]);
    expect(first.CommonPrefixes?.map((p) => p.Prefix)).toEqual([`${prefix}b/`]);
    expect([first.IsTruncated, first.NextMarker]).toEqual([true, `${prefix}b/`]);
    const second = await me.s3.send(new ListObjectsCommand({ Bucket: env.bucket, Prefix: prefix, Delimiter: '/', Marker: first.NextMarker }));
    expect(second.Contents?.map((c) => c.Key)).toEqual([`${prefix}c.txt`]);
    expect([second.IsTruncated, second.Marker]).toEqual([false, `${prefix}b/`]);
    // Without a delimiter there is no NextMarker: the last key is the next marker.
    const plain = await me.s3.send(new ListObjectsCommand({ Bucket: env.bucket, Prefix: prefix, MaxKeys: 3 }));
    expect(plain.Contents?.map((c) => c.Key)).toEqual([`${prefix}a.txt`, `${prefix}b/1.txt`, `${prefix}b/2.txt`]);
    expect([plain.IsTruncated, plain.NextMarker, plain.Contents?.[0].Owner?.ID]).toEqual([true, undefined, expect.stringMatching(/^[0-9a-f]{64}$/)]);
  });
});

describe('CopyObject', () => {
  it('COPY keeps the source metadata and type; REPLACE takes the request\'s', async () => {
    const Source = `${base}/copy-src.txt`;
    await put(Source, 'copy me', { ContentType: 'text/x-src', Metadata: { colour: 'blue' } });
    await me.s3.send(new CopyObjectCommand({ Bucket: env.bucket, Key: `${base}/copy-kept.txt`, CopySource: `${env.bucket}/${Source}`, ContentType: 'text/ignored', Metadata: { colour: 'ignored' } }));
    const kept = await me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: `${base}/copy-kept.txt` }));
    expect([kept.ContentType, kept.Metadata]).toEqual(['text/x-src', { colour: 'blue' }]);
    await me.s3.send(
      new CopyObjectCommand({ Bucket: env.bucket, Key: `${base}/copy-replaced.txt`, CopySource: `${env.bucket}/${Source}`, MetadataDirective: 'REPLACE', ContentType: 'text/new', Metadata: { shape: 'round' } }),
    );
    const replaced = await me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: `${base}/copy-replaced.txt` }));
    expect([replaced.ContentType, replaced.Metadata]).toEqual(['text/new', { shape: 'round' }]);
  });

  it('onto itself: 400 InvalidRequest without REPLACE, allowed with it', async () => {
    const Key = `${base}/self.txt`;
    await put(Key, 'me');
    expect(await errorOf(me.s3.send(new CopyObjectCommand({ Bucket: env.bucket, Key, CopySource: `${env.bucket}/${Key}` })))).toBe('400 InvalidRequest');
    expect(await errorOf(me.s3.send(new CopyObjectCommand({ Bucket: env.bucket, Key, CopySource: `${env.bucket}/${Key}`, MetadataDirective: 'REPLACE', Metadata: { v: '2' } })))).toBe('ok');
    expect((await me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key }))).Metadata).toEqual({ v: '2' });
  });

  it('x-amz-copy-source-if-* conditions, with the documented precedence', async () => {
    const Source = `${base}/cond-src.txt`;
    const { ETag } = await put(Source, 'conditional');
    const copy = (more: object) => errorOf(me.s3.send(new CopyObjectCommand({ Bucket: env.bucket, Key: `${base}/cond-dst.txt`, CopySource: `${env.bucket}/${Source}`, ...more })));
    expect(await copy({ CopySourceIfMatch: '"other"' })).toBe('412 PreconditionFailed');
    expect(await copy({ CopySourceIfMatch: ETag })).toBe('ok');
    expect(await copy({ CopySourceIfNoneMatch: ETag })).toBe('412 PreconditionFailed');
    expect(await copy({ CopySourceIfNoneMatch: '"other"' })).toBe('ok');
    expect(await copy({ CopySourceIfModifiedSince: future })).toBe('412 PreconditionFailed');
    expect(await copy({ CopySourceIfModifiedSince: past })).toBe('ok');
    expect(await copy({ CopySourceIfUnmodifiedSince: past })).toBe('412 PreconditionFailed');
    expect(await copy({ CopySourceIfUnmodifiedSince: future })).toBe('ok');
    // If-Match true and If-Unmodified-Since false: copied. If-None-Match false and If-Modified-Since true: 412.
    expect(await copy({ CopySourceIfMatch: ETag, CopySourceIfUnmodifiedSince: past })).toBe('ok');
    expect(await copy({ CopySourceIfNoneMatch: ETag, CopySourceIfModifiedSince: past })).toBe('412 PreconditionFailed');
  });

  it('a percent-encoded copy source with ?versionId=null copies; another version id → 400 InvalidArgument', async () => {
    const Source = `${base}/ünï cødé+plus%.txt`;
    await put(Source, 'odd source');
    const CopySource = `${env.bucket}/${encodeKey(Source)}`;
    await me.s3.send(new CopyObjectCommand({ Bucket: env.bucket, Key: `${base}/odd-copy.txt`, CopySource }));
    const got = await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: `${base}/odd-copy.txt` }));
    expect(await got.Body!.transformToString()).toBe('odd source');
    expect(await errorOf(me.s3.send(new CopyObjectCommand({ Bucket: env.bucket, Key: `${base}/odd-copy.txt`, CopySource: `${CopySource}?versionId=null` })))).toBe('ok');
    expect(await errorOf(me.s3.send(new CopyObjectCommand({ Bucket: env.bucket, Key: `${base}/odd-copy.txt`, CopySource: `${CopySource}?versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrH` })))).toBe(
      '400 InvalidArgument',
    );
  });
});

describe('UploadPartCopy and GetObjectTagging', () => {
  it('parts copied from ranges of a source make the source again; a range outside it → 400 InvalidArgument', async () => {
    const source = Buffer.concat([Buffer.alloc(5 * 1024 * 1024, 'x'), Buffer.from('and the rest')]);
    const Source = `${base}/part-copy-src.bin`;
    await put(Source, source);
    const Key = `${base}/part-copy.bin`;
    const CopySource = `${env.bucket}/${encodeKey(Source)}`;
    const { UploadId } = await me.s3.send(new CreateMultipartUploadCommand({ Bucket: env.bucket, Key }));
    const copyPart = (PartNumber: number, CopySourceRange: string) => me.s3.send(new UploadPartCopyCommand({ Bucket: env.bucket, Key, UploadId, PartNumber, CopySource, CopySourceRange }));
    const first = await copyPart(1, `bytes=0-${5 * 1024 * 1024 - 1}`);
    const second = await copyPart(2, `bytes=${5 * 1024 * 1024}-${source.length - 1}`);
    expect(second.CopyPartResult?.ETag).toBe(`"${createHash('md5').update('and the rest').digest('hex')}"`);
    expect(await errorOf(copyPart(3, `bytes=0-${source.length}`))).toBe('400 InvalidArgument');
    expect(await errorOf(copyPart(3, 'bytes=5-'))).toBe('400 InvalidArgument');
    const Parts = [first, second].map((p, i) => ({ PartNumber: i + 1, ETag: p.CopyPartResult!.ETag }));
    await me.s3.send(new CompleteMultipartUploadCommand({ Bucket: env.bucket, Key, UploadId, MultipartUpload: { Parts } }));
    const got = await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(source)).toBe(true);
  });

  it('GetObjectTagging needs s3:GetObjectTagging, which no role of this backend has → 403 AccessDenied', async () => {
    const Key = `${base}/tags.txt`;
    await put(Key, 'x');
    expect(await errorOf(me.s3.send(new GetObjectTaggingCommand({ Bucket: env.bucket, Key })))).toBe('403 AccessDenied');
  });

  it('tags sent with a write (x-amz-tagging) need s3:PutObjectTagging too → 403 AccessDenied, and nothing is written', async () => {
    const Key = `${base}/tagged.txt`;
    expect(await errorOf(put(Key, 'x', { Tagging: 'colour=blue' }))).toBe('403 AccessDenied');
    expect(await errorOf(me.s3.send(new CreateMultipartUploadCommand({ Bucket: env.bucket, Key, Tagging: 'colour=blue' })))).toBe('403 AccessDenied');
    expect(await errorOf(me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key })))).toBe('404 NotFound');
  });
});

describe('aws s3api (the AWS CLI)', () => {
  it('get-object with --range, an unsatisfiable range, s3 presign, delete-objects (the CLI sends Content-MD5)', async () => {
    const cli = awsCli({ endpoint: env.cloud.url, region: env.region, credentials: me.credentials });
    try {
      const Key = `${base}/cli-range.txt`;
      await put(Key, 'hello world');
      const got = JSON.parse(await cli.run('s3api', 'get-object', '--bucket', env.bucket, '--key', Key, '--range', 'bytes=6-', join(cli.home, 'part.txt'), '--output', 'json'));
      expect(got.ContentRange).toBe('bytes 6-10/11');
      expect(readFileSync(join(cli.home, 'part.txt'), 'utf8')).toBe('world');
      const failure = await cli.run('s3api', 'get-object', '--bucket', env.bucket, '--key', Key, '--range', 'bytes=50-', join(cli.home, 'none.txt')).catch((e: { stderr: string }) => e.stderr);
      expect(failure).toContain('An error occurred (InvalidRange) when calling the GetObject operation: The requested range is not satisfiable');
      // aws s3 presign: a query-signed GET any HTTP client can follow.
      const url = (await cli.run('s3', 'presign', `s3://${env.bucket}/${Key}`, '--expires-in', '60')).trim();
      expect(await (await fetch(url)).text()).toBe('hello world');
      const deleted = JSON.parse(await cli.run('s3api', 'delete-objects', '--bucket', env.bucket, '--delete', JSON.stringify({ Objects: [{ Key }] }), '--output', 'json'));
      expect(deleted.Deleted).toEqual([{ Key }]);
    } finally {
      rmSync(cli.home, { recursive: true, force: true });
    }
  });
});

describe('Content-MD5', () => {
  it('not the base64 of 16 bytes → 400 InvalidDigest; a digest of other bytes → 400 BadDigest; nothing is written', async () => {
    const Key = `${base}/md5.txt`;
    expect(await errorOf(put(Key, 'body', { ContentMD5: 'not-an-md5' }))).toBe('400 InvalidDigest');
    expect(await errorOf(put(Key, 'body', { ContentMD5: createHash('md5').update('other').digest('base64') }))).toBe('400 BadDigest');
    expect(await errorOf(me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key })))).toBe('404 NotFound');
    expect(await errorOf(put(Key, 'body', { ContentMD5: createHash('md5').update('body').digest('base64') }))).toBe('ok');
    const bad = await raw('POST', `/${env.bucket}?delete=`, { 'content-md5': 'xyz' }, `<Delete><Object><Key>${Key}</Key></Object></Delete>`);
    expect([bad.status, /<Code>(\w+)<\/Code>/.exec(bad.body)?.[1]]).toEqual([400, 'InvalidDigest']);
  });
});

describe('DeleteObjects', () => {
  it('Quiet reports only the failures; a key that does not exist counts as deleted', async () => {
    const mine = `${base}/del-1.txt`;
    await put(mine, 'x');
    const notMine = `private/someone-else/x.txt`;
    const quiet = await me.s3.send(new DeleteObjectsCommand({ Bucket: env.bucket, Delete: { Quiet: true, Objects: [{ Key: mine }, { Key: notMine }] } }));
    expect(quiet.Deleted).toBeUndefined();
    expect(quiet.Errors?.map((e) => [e.Key, e.Code])).toEqual([[notMine, 'AccessDenied']]);
    const loud = await me.s3.send(new DeleteObjectsCommand({ Bucket: env.bucket, Delete: { Objects: [{ Key: `${base}/never-was.txt` }] } }));
    expect(loud.Deleted?.map((d) => d.Key)).toEqual([`${base}/never-was.txt`]);
  });

  it('more than 1000 keys → 400 MalformedXML', async () => {
    const Objects = Array.from({ length: 1001 }, (_, i) => ({ Key: `${base}/many-${i}` }));
    expect(await errorOf(me.s3.send(new DeleteObjectsCommand({ Bucket: env.bucket, Delete: { Objects } })))).toBe('400 MalformedXML');
  });

  it('without Content-MD5 or a checksum → 400 InvalidRequest; with Content-MD5 alone it deletes', async () => {
    const Key = `${base}/del-md5.txt`;
    await put(Key, 'x');
    const body = `<Delete><Object><Key>${Key}</Key></Object></Delete>`;
    const bare = await raw('POST', `/${env.bucket}?delete=`, {}, body);
    expect(bare.status).toBe(400);
    expect(bare.body).toContain('<Code>InvalidRequest</Code>');
    expect(bare.body).toContain('<Message>Missing required header for this request: Content-MD5 OR x-amz-checksum-*</Message>');
    const md5 = await raw('POST', `/${env.bucket}?delete=`, { 'content-md5': createHash('md5').update(body).digest('base64') }, body);
    expect(md5.status).toBe(200);
    expect(md5.body).toContain(`<Deleted><Key>${Key}</Key></Deleted>`);
  });
});
