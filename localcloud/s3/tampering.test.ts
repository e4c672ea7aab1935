import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { startRealCloud, type RealCloud } from '../testing/real-cloud';

/**
 * Tampering: every refusal has S3's error code, and nothing is stored.
 * Requests are signed with AWS's own signer (@smithy/signature-v4) and then
 * altered on the way, or made with the SDK and a wrong secret/token.
 */
let cloud: RealCloud;
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
let creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
let otherCreds: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
let idA: string;
let idB: string;

beforeAll(async () => {
  cloud = await startRealCloud({ clock: { now } });
  const a = await cloud.credentialsFor((await cloud.signedInUser('tamper-a')).idToken);
  const b = await cloud.credentialsFor((await cloud.signedInUser('tamper-b')).idToken);
  creds = a.credentials;
  otherCreds = b.credentials;
  idA = a.identityId;
  idB = b.identityId;
});
afterAll(() => cloud?.close());

interface RawResponse {
  status: number;
  body: string;
  code?: string;
}

function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: cloud.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, body: text, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function sign(
  method: string,
  path: string,
  body: string | Buffer,
  extraHeaders: Record<string, string> = {},
  credentials = creds,
  signingDate = now(),
) {
  const signer = new SignatureV4({ credentials, region: cloud.assembly.region, service: 's3', sha256: Sha256, uriEscapePath: false });
  const [pathname, query] = path.split('?');
  const queryBag: Record<string, string> = {};
  for (const part of (query ?? '').split('&').filter(Boolean)) {
    const [k, v = ''] = part.split('=');
    queryBag[decodeURIComponent(k)] = decodeURIComponent(v);
  }
  const signed = await signer.sign(
    {
      method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: cloud.port,
      path: pathname,
      query: queryBag,
      headers: {
        host: `127.0.0.1:${cloud.port}`,
        'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
        'content-length': String(Buffer.byteLength(body)),
        ...extraHeaders,
      },
      body,
    },
    { signingDate },
  );
  return signed.headers as Record<string, string>;
}

const key = () => `private/${idA}/t-${Math.random().toString(36).slice(2)}.txt`;
const stored = (k: string) => cloud.objects.get(cloud.bucket, k) !== undefined;

describe('tampering is refused with the right error, and nothing is stored', () => {
  it('accepts the untampered request (the baseline every case below alters)', async () => {
    const k = key();
    const path = `/${cloud.bucket}/${k}`;
    const res = await send('PUT', path, await sign('PUT', path, 'payload'), 'payload');
    expect(res.status).toBe(200);
    expect(stored(k)).toBe(true);
  });

  it('accepts UNSIGNED-PAYLOAD (header signature) and presigned PUTs; the signature still covers method, path and headers', async () => {
    const k = key();
    const path = `/${cloud.bucket}/${k}`;
    const headers = await sign('PUT', path, 'anything', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
    expect(await send('PUT', path, headers, 'anything')).toMatchObject({ status: 200 });
    expect(cloud.objects.get(cloud.bucket, k)?.size).toBe(8);
    expect(await send('PUT', `${path}.other`, headers, 'anything')).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const k2 = key();
    // WHEN_REQUIRED: by default the SDK signs the empty body's CRC32 into the URL, which S3 holds the upload to (BadDigest).
    const url = await getSignedUrl(cloud.s3Client(creds, { requestChecksumCalculation: 'WHEN_REQUIRED' }), new PutObjectCommand({ Bucket: cloud.bucket, Key: k2 }), { expiresIn: 60 });
    const put = await fetch(url, { method: 'PUT', body: 'presigned body' });
    expect(put.status).toBe(200);
    expect(cloud.objects.get(cloud.bucket, k2)?.size).toBe(14);
    const wrongMethod = await fetch(url, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(403);
    expect(stored(k2)).toBe(true);
  });

  it('a wrong secret → SignatureDoesNotMatch', async () => {
    const k = key();
    const wrong = `${creds.secretAccessKey.slice(0, -1)}${creds.secretAccessKey.endsWith("x") ? "y" : "x"}`; // always differs
    const s3 = cloud.s3Client({ ...creds, secretAccessKey: wrong });
    await expect(s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: k, Body: 'x' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    expect(stored(k)).toBe(false);
  });

  it('an unknown access key → InvalidAccessKeyId; no signature at all → AccessDenied', async () => {
    const k = key();
    const s3 = cloud.s3Client({ ...creds, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' });
    await expect(s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: k, Body: 'x' }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    const res = await send('PUT', `/${cloud.bucket}/${k}`, { 'content-length': '1' }, 'x');
    expect([res.status, res.code]).toEqual([403, 'AccessDenied']);
    expect(stored(k)).toBe(false);
  });

  it('a changed signed header → SignatureDoesNotMatch', async () => {
    const k = key();
    const path = `/${cloud.bucket}/${k}`;
    const headers = await sign('PUT', path, 'payload', { 'content-type': 'text/plain' });
    const res = await send('PUT', path, { ...headers, 'content-type': 'text/html' }, 'payload');
    expect([res.status, res.code]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(stored(k)).toBe(false);
  });

  it('an x-amz-* header added after signing → AccessDenied', async () => {
    const k = key();
    const path = `/${cloud.bucket}/${k}`;
    const headers = await sign('PUT', path, 'payload');
    const res = await send('PUT', path, { ...headers, 'x-amz-meta-evil': '1' }, 'payload');
    expect([res.status, res.code]).toEqual([403, 'AccessDenied']);
    expect(stored(k)).toBe(false);
  });

  it('a changed body → XAmzContentSHA256Mismatch', async () => {
    const k = key();
    const path = `/${cloud.bucket}/${k}`;
    const headers = await sign('PUT', path, 'payload');
    const res = await send('PUT', path, headers, 'paylOad');
    expect([res.status, res.code]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    expect(stored(k)).toBe(false);
  });

  it('a changed byte in a large body (hashed on a worker thread) → XAmzContentSHA256Mismatch', async () => {
    const k = key();
    const path = `/${cloud.bucket}/${k}`;
    const body = Buffer.alloc(3 * 1024 * 1024, 1);
    const headers = await sign('PUT', path, body);
    body[2 * 1024 * 1024] = 2;
    expect(await send('PUT', path, headers, body)).toMatchObject({ status: 400, code: 'XAmzContentSHA256Mismatch' });
    expect(stored(k)).toBe(false);
    body[2 * 1024 * 1024] = 1;
    expect(await send('PUT', path, headers, body)).toMatchObject({ status: 200 });
    expect(cloud.objects.get(cloud.bucket, k)?.etag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
  });

  it('a changed path → SignatureDoesNotMatch', async () => {
    const k = key();
    const path = `/${cloud.bucket}/${k}`;
    const headers = await sign('PUT', path, 'payload');
    const res = await send('PUT', `${path}x`, headers, 'payload');
    expect([res.status, res.code]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(stored(`${k}x`)).toBe(false);
  });

  it('a request signed 20 minutes ago → RequestTimeTooSkewed', async () => {
    const k = key();
    const path = `/${cloud.bucket}/${k}`;
    const headers = await sign('PUT', path, 'payload', {}, creds, new Date(now().getTime() - 20 * 60_000));
    const res = await send('PUT', path, headers, 'payload');
    expect([res.status, res.code]).toEqual([403, 'RequestTimeTooSkewed']);
    expect(stored(k)).toBe(false);
  });

  it("another identity's session token → InvalidToken", async () => {
    const k = key();
    const s3 = cloud.s3Client({ ...creds, sessionToken: otherCreds.sessionToken });
    await expect(s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: k, Body: 'x' }))).rejects.toMatchObject({ name: 'InvalidToken' });
    const s3NoToken = cloud.s3Client({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey });
    await expect(s3NoToken.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: k, Body: 'x' }))).rejects.toMatchObject({ name: 'InvalidToken' });
    expect(stored(k)).toBe(false);
  });

  it("B's credentials cannot write into A's folder, even through an encoded slash", async () => {
    const k = `private/${idA}/from-b.txt`;
    const path = `/${cloud.bucket}/private%2F${encodeURIComponent(idA)}%2Ffrom-b.txt`;
    const res = await send('PUT', path, await sign('PUT', path, 'evil', {}, otherCreds), 'evil');
    expect([res.status, res.code]).toEqual([403, 'AccessDenied']);
    expect(stored(k)).toBe(false);
  });

  it('dot segments in keys → InvalidArgument, raw or encoded', async () => {
    for (const path of [`/${cloud.bucket}/private/${idB}/../${idA}/x.txt`, `/${cloud.bucket}/private/${idB}/%2E%2E/${idA}/x.txt`]) {
      const res = await send('PUT', path, await sign('PUT', path, 'evil', {}, otherCreds), 'evil');
      expect([res.status, res.code]).toEqual([400, 'InvalidArgument']);
    }
    expect(stored(`private/${idB}/../${idA}/x.txt`)).toBe(false);
    expect(stored(`private/${idA}/x.txt`)).toBe(false);
  });

  it('a huge header → RequestHeaderSectionTooLarge', async () => {
    const k = key();
    const path = `/${cloud.bucket}/${k}`;
    const headers = await sign('PUT', path, 'payload', { 'x-amz-meta-big': 'a'.repeat(10_000) });
    const res = await send('PUT', path, headers, 'payload');
    expect([res.status, res.code]).toEqual([400, 'RequestHeaderSectionTooLarge']);
    expect(stored(k)).toBe(false);
  });

  it('presigned URLs: accepted in time, refused when expired (replay), tampered, or for another key', async () => {
    const k = key();
    cloud.seedObject(k, 'secret');
    const s3 = cloud.s3Client(creds);
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: cloud.bucket, Key: k }), { expiresIn: 60 });
    // Sent as the SDK would: to the URL's host (localhost:<port>), which the signature covers.
    const get = (u: string) => send('GET', u.slice(u.indexOf('/', 'http://'.length)), { host: new URL(u).host });
    const ok = await get(url);
    expect([ok.status, ok.body]).toEqual([200, 'secret']);
    expect(await get(url)).toMatchObject({ status: 200 }); // replay within the window is S3's behaviour
    const tampered = url.replace('/t-', '/T-');
    expect(await get(tampered)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const badSignature = url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    expect(await get(badSignature)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    offsetMs = 61_000;
    try {
      expect(await get(url)).toMatchObject({ status: 403, code: 'AccessDenied' });
      expect((await get(url)).body).toContain('Request has expired');
    } finally {
      offsetMs = 0;
    }
  });

  it('expired credentials → ExpiredToken', async () => {
    const k = key();
    offsetMs = 3601_000;
    try {
      const s3 = cloud.s3Client(creds, { systemClockOffset: 3601_000 });
      await expect(s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: k, Body: 'x' }))).rejects.toMatchObject({ name: 'ExpiredToken' });
    } finally {
      offsetMs = 0;
    }
    expect(stored(k)).toBe(false);
  });

  it('signed aws-chunked streaming, with and without a signed trailer: good signatures accepted, any changed byte refused', async () => {
    const put = async (k: string, options: { tamper?: number; trailer?: boolean; badCrc?: boolean; badTrailerSignature?: boolean }) => {
      const path = `/${cloud.bucket}/${k}`;
      const data = Buffer.from('a'.repeat(70_000));
      const chunks = [data.subarray(0, 65_536), data.subarray(65_536), Buffer.alloc(0)];
      const date = now();
      const amzDate = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
      const scope = `${amzDate.slice(0, 8)}/${cloud.assembly.region}/s3/aws4_request`;
      const signer = new SignatureV4({ credentials: creds, region: cloud.assembly.region, service: 's3', sha256: Sha256, uriEscapePath: false });
      const h = (k2: Buffer | string, d: string) => createHmac('sha256', k2).update(d).digest();
      const signingKey = h(h(h(h(`AWS4${creds.secretAccessKey}`, amzDate.slice(0, 8)), cloud.assembly.region), 's3'), 'aws4_request');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(options.badCrc ? Buffer.from('other') : data));
      const headersToSign: Record<string, string> = {
        host: `127.0.0.1:${cloud.port}`,
        'x-amz-content-sha256': options.trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(data.length),
      };
      if (options.trailer) headersToSign['x-amz-trailer'] = 'x-amz-checksum-crc32';
      const signed = await signer.sign({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: cloud.port, path, query: {}, headers: headersToSign }, { signingDate: date });
      const headers = signed.headers as Record<string, string>;
      let previous = /Signature=([0-9a-f]{64})/.exec(headers.authorization)![1];
      const frames: Buffer[] = [];
      for (const chunk of chunks) {
        const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${previous}\n${createHash('sha256').update('').digest('hex')}\n${createHash('sha256').update(chunk).digest('hex')}`;
        previous = createHmac('sha256', signingKey).update(sts).digest('hex');
        frames.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`), chunk);
        if (chunk.length > 0 || !options.trailer) frames.push(Buffer.from('\r\n'));
      }
      if (options.trailer) {
        const trailer = `x-amz-checksum-crc32:${crc.toString('base64')}\n`;
        const sts = `AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${previous}\n${createHash('sha256').update(trailer).digest('hex')}`;
        let trailerSignature = createHmac('sha256', signingKey).update(sts).digest('hex');
        if (options.badTrailerSignature) trailerSignature = trailerSignature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
        frames.push(Buffer.from(`${trailer.trim()}\r\nx-amz-trailer-signature:${trailerSignature}\r\n\r\n`));
      }
      const body = Buffer.concat(frames);
      // A letter no frame byte here can be, so every case is a real change (and a non-hex one in a signature).
      if (options.tamper !== undefined) body[options.tamper] = 0x7a;
      return send('PUT', path, { ...headers, 'content-length': String(body.length) }, body);
    };
    for (const trailer of [false, true]) {
      const good = key();
      expect(await put(good, { trailer })).toMatchObject({ status: 200 });
      expect(cloud.objects.get(cloud.bucket, good)?.size).toBe(70_000);
      for (const tamper of [5, 200, 65_700, 65_800]) {
        const bad = key();
        const res = await put(bad, { trailer, tamper });
        // Byte 5 is in the first chunk's size line; 65_700 in the second chunk's signature; 200 and 65_800 are data, which the chunk signatures cover.
        expect([res.status, res.code], `byte ${tamper}`).toEqual(tamper === 5 ? [400, 'InvalidChunkSizeError'] : [403, 'SignatureDoesNotMatch']);
        expect(stored(bad)).toBe(false);
      }
    }
    const badCrc = key();
    expect(await put(badCrc, { trailer: true, badCrc: true })).toMatchObject({ status: 400, code: 'BadDigest' });
    const badTrailer = key();
    expect(await put(badTrailer, { trailer: true, badTrailerSignature: true })).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(stored(badCrc) || stored(badTrailer)).toBe(false);
  });

  it('a client that disconnects mid-upload leaves no object and no file', async () => {
    const k = key();
    const path = `/${cloud.bucket}/${k}`;
    const body = Buffer.alloc(4 * 1024 * 1024, 3);
    const headers = await sign('PUT', path, body);
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: cloud.port, method: 'PUT', path, headers });
      req.on('error', () => resolve());
      req.write(body.subarray(0, 1024 * 1024), () => setTimeout(() => req.destroy(), 50));
      req.on('close', () => resolve());
    });
    const { readdirSync } = await import('node:fs');
    // Files no object references: the upload's, until the server notices the disconnect (longer on a loaded machine).
    const unreferenced = () => {
      const referenced = new Set<string>();
      for (const object of cloud.objects.scan(cloud.bucket, '', '')) for (const segment of object.segments) referenced.add(segment.file);
      return [...readdirSync(cloud.objects.blobDir), ...readdirSync(cloud.objects.tmpDir)].filter((f) => !referenced.has(f));
    };
    for (const deadline = Date.now() + 10_000; unreferenced().length > 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    await cloud.objects.settled();
    expect(stored(k)).toBe(false);
    expect(unreferenced()).toEqual([]);
    // The server carries on.
    const ok = await send('PUT', path, await sign('PUT', path, 'fine'), 'fine');
    expect(ok.status).toBe(200);
  });

  it("malformed input gets S3's exact 4xx, never a 500", async () => {
    const cases: [string, string, Record<string, string>, number, string][] = [
      ['GET', `/${cloud.bucket}/%E0%A4%A`, {}, 400, 'InvalidURI'],
      ['GET', `/${cloud.bucket}/x`, { authorization: 'AWS4-HMAC-SHA256 garbage' }, 400, 'AuthorizationHeaderMalformed'],
      ['GET', `/${cloud.bucket}/x`, { authorization: 'AWS AKID:sig' }, 400, 'InvalidRequest'], // Signature V2: not supported
      [
        'GET',
        `/${cloud.bucket}/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb&X-Amz-Date=x&X-Amz-Expires=zz&X-Amz-SignedHeaders=host&X-Amz-Signature=00`,
        {},
        400,
        'AuthorizationQueryParametersError',
      ],
      ['GET', `/nonexistent-bucket/x`, await sign('GET', '/nonexistent-bucket/x', ''), 404, 'NoSuchBucket'],
      ['PATCH', `/${cloud.bucket}/x`, {}, 405, 'MethodNotAllowed'],
      ['GET', `/${cloud.bucket}?list-type=2&max-keys=abc&prefix=public%2F`, await sign('GET', `/${cloud.bucket}?list-type=2&max-keys=abc&prefix=public%2F`, ''), 400, 'InvalidArgument'],
    ];
    for (const [method, path, headers, status, code] of cases) {
      const res = await send(method, path, headers);
      expect([res.status, res.code], `${method} ${path}`).toEqual([status, code]);
    }
    // Unsigned and for no bucket of the backend, a request is no S3 request: the local cloud's own 404 (JSON).
    const unclaimed = await send('GET', '/nonexistent-bucket/x', {});
    expect([unclaimed.status, JSON.parse(unclaimed.body).__type]).toEqual([404, 'UnknownOperationException']);
  });
});
