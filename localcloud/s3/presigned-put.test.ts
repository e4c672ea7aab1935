import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boto3 } from './testing/boto3';
import { type Caller, type SignedInCloud, startSignedInCloud } from './testing/signed-in-cloud';

/**
 * PutObject through a presigned URL (SigV4 query authentication,
 * UNSIGNED-PAYLOAD): made by boto3 and by the SDK's presigner, uploaded with a
 * plain HTTP PUT, authorized by IAM like any PutObject.
 */
let env: SignedInCloud;
let me: Caller;
let other: Caller;

beforeAll(async () => {
  env = await startSignedInCloud();
  [me, other] = await Promise.all([env.user('presigner'), env.user('presign-victim')]);
}, 120_000);
afterAll(() => env?.close());

const code = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
const stored = async (caller: Caller, Key: string) => {
  try {
    await caller.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key }));
    return true;
  } catch (e) {
    if ((e as { name?: string }).name === 'NotFound') return false;
    throw e;
  }
};
/** The SDK as AWS's docs advise for presigned uploads: no checksum of an (absent) body baked into the URL. */
const presigner = (caller: Caller) =>
  new S3Client({ region: env.region, endpoint: env.cloud.url, forcePathStyle: true, credentials: caller.credentials, requestChecksumCalculation: 'WHEN_REQUIRED' });

describe('presigned PutObject', () => {
  it("boto3's generate_presigned_url('put_object'): the PUT stores the body with its signed Content-Type and metadata", async () => {
    const Key = `private/${me.identityId}/boto3 upload.txt`;
    const url = await boto3<string>(
      { endpoint: env.cloud.url, region: env.region, credentials: me.credentials },
      "print(json.dumps(s3.generate_presigned_url('put_object', Params={'Bucket': args['bucket'], 'Key': args['key'], 'ContentType': 'text/plain', 'Metadata': {'origin': 'boto3'}}, ExpiresIn=300)))",
      { bucket: env.bucket, key: Key },
    );
    expect(url).toContain('X-Amz-Signature=');
    const res = await fetch(url, { method: 'PUT', body: 'hello from boto3', headers: { 'content-type': 'text/plain', 'x-amz-meta-origin': 'boto3' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"' + (await import('node:crypto')).createHash('md5').update('hello from boto3').digest('hex') + '"');
    const got = await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key }));
    expect(await got.Body!.transformToString()).toBe('hello from boto3');
    expect(got.ContentType).toBe('text/plain');
    expect(got.Metadata).toEqual({ origin: 'boto3' });
  });

  it("the SDK's presigner: metadata hoisted into the query is stored", async () => {
    const Key = `private/${me.identityId}/sdk-upload.bin`;
    const url = await getSignedUrl(presigner(me), new PutObjectCommand({ Bucket: env.bucket, Key, Metadata: { via: 'sdk' } }), { expiresIn: 300 });
    expect(url).toContain('X-Amz-Content-Sha256=UNSIGNED-PAYLOAD');
    expect(url).toContain('x-amz-meta-via=sdk');
    const res = await fetch(url, { method: 'PUT', body: new Uint8Array([1, 2, 3]) });
    expect(res.status).toBe(200);
    const got = await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key }));
    expect([...(await got.Body!.transformToByteArray())]).toEqual([1, 2, 3]);
    expect(got.Metadata).toEqual({ via: 'sdk' });
  });

  it("the SDK's default presigned URL carries the empty body's CRC32: a non-empty upload gets BadDigest, as on S3", async () => {
    const Key = `private/${me.identityId}/default-checksum.txt`;
    const url = await getSignedUrl(me.s3, new PutObjectCommand({ Bucket: env.bucket, Key }), { expiresIn: 300 });
    expect(url).toContain('x-amz-checksum-crc32=AAAAAA%3D%3D');
    const res = await fetch(url, { method: 'PUT', body: 'not empty' });
    expect(res.status).toBe(400);
    expect(code(await res.text())).toBe('BadDigest');
    expect(await stored(me, Key)).toBe(false);
    expect((await fetch(url, { method: 'PUT', body: '' })).status).toBe(200);
  });

  it("IAM decides as for any PutObject: a URL signed for another user's private folder is refused, nothing stored", async () => {
    const Key = `private/${other.identityId}/planted.txt`;
    const url = await getSignedUrl(presigner(me), new PutObjectCommand({ Bucket: env.bucket, Key }), { expiresIn: 300 });
    const res = await fetch(url, { method: 'PUT', body: 'planted' });
    expect(res.status).toBe(403);
    expect(code(await res.text())).toBe('AccessDenied');
    expect(await stored(other, Key)).toBe(false);
  });

  it('an expired URL, a changed signature and a changed key are refused', async () => {
    const Key = `private/${me.identityId}/late.txt`;
    const expired = await getSignedUrl(presigner(me), new PutObjectCommand({ Bucket: env.bucket, Key }), { expiresIn: 60, signingDate: new Date(Date.now() - 10 * 60_000) });
    const late = await fetch(expired, { method: 'PUT', body: 'late' });
    expect(late.status).toBe(403);
    const lateBody = await late.text();
    expect(code(lateBody)).toBe('AccessDenied');
    expect(lateBody).toContain('Request has expired');

    const url = await getSignedUrl(presigner(me), new PutObjectCommand({ Bucket: env.bucket, Key }), { expiresIn: 300 });
    const forged = url.replace(/X-Amz-Signature=([0-9a-f])/, (_, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    const bad = await fetch(forged, { method: 'PUT', body: 'x' });
    expect(bad.status).toBe(403);
    expect(code(await bad.text())).toBe('SignatureDoesNotMatch');
    const moved = await fetch(url.replace('/late.txt?', '/other.txt?'), { method: 'PUT', body: 'x' });
    expect(moved.status).toBe(403);
    expect(code(await moved.text())).toBe('SignatureDoesNotMatch');
    expect(await stored(me, Key)).toBe(false);
  });
});
