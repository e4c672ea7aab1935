import { closeSync, createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { authorize, bucketArn, evaluate, objectArn, type S3Context } from './context';
import { CHECKSUM_ALGORITHMS, checksumHeader } from './checksums';
import { accessDenied, noSuchKey, S3Error } from './errors';
import type { OpenSegment, StoredObject } from './object-store';
import { etagMatches } from './put-object';

/** GetObject and HeadObject (s3:GetObject): Range, conditional requests, response-* overrides. */
export async function getObject(ctx: S3Context, head: boolean): Promise<void> {
  authorize(ctx, 's3:GetObject', objectArn(ctx.bucket.name, ctx.key));
  const object = ctx.services.objects.get(ctx.bucket.name, ctx.key);
  if (!object) throw missingObject(ctx, head);
  const conditional = checkReadConditions(ctx, object);
  const headers = objectHeaders(ctx, object);
  if (conditional === 304) {
    ctx.res.writeHead(304, { ETag: object.etag, 'Last-Modified': headers['Last-Modified'] });
    ctx.res.end();
    return;
  }
  let start = 0;
  let end = object.size - 1;
  let status = 200;
  const range = ctx.req.headers.range;
  if (typeof range === 'string' && object.size >= 0) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (m && (m[1] !== '' || m[2] !== '')) {
      let ignored = false;
      if (m[1] === '') {
        const suffix = Number(m[2]);
        if (suffix === 0) throw invalidRange(object.size);
        start = Math.max(0, object.size - suffix);
      } else {
        start = Number(m[1]);
        if (m[2] !== '') end = Math.min(Number(m[2]), object.size - 1);
        if (m[2] !== '' && Number(m[2]) < start) ignored = true; // S3 ignores a malformed range
        else if (start >= object.size) throw invalidRange(object.size);
      }
      if (ignored) {
        start = 0;
        end = object.size - 1;
      } else {
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${object.size}`;
        // The whole object's checksum does not describe a range.
        for (const name of Object.keys(headers)) if (name.startsWith('x-amz-checksum-')) delete headers[name];
      }
    }
  }
  allowPdfViewer(ctx, headers['Content-Type']);
  const length = object.size === 0 ? 0 : end - start + 1;
  headers['Content-Length'] = String(length);
  // Opened before anything awaits: an overwrite meanwhile cannot take the bytes away.
  const segments = head || length === 0 || object.data ? [] : ctx.services.objects.openRange(object, start, end);
  ctx.res.writeHead(status, headers);
  if (head || length === 0) {
    ctx.res.end();
    return;
  }
  if (object.data) {
    ctx.res.end(object.data.subarray(start, end + 1));
    return;
  }
  await pipeline(segmentStream(segments), ctx.res);
}

/**
 * Browsers refuse to render a sandboxed PDF (the app previews PDFs in an iframe),
 * and their PDF viewers give the document no script access to the origin: a
 * response whose type is exactly application/pdf (nosniff holds it to that) is
 * served without the CSP sandbox every other S3 response carries.
 */
function allowPdfViewer(ctx: S3Context, contentType: string): void {
  if (contentType.split(';')[0].trim().toLowerCase() === 'application/pdf') ctx.res.removeHeader('Content-Security-Policy');
}

/**
 * A key that does not exist: 404 only for a caller who may list it
 * (s3:ListBucket with s3:prefix = the key), 403 AccessDenied otherwise — as S3
 * does, so a caller cannot probe which keys exist where they may not list.
 * The key is the request's own, or another (CopyObject's source).
 */
export function missingObject(ctx: S3Context, head: boolean, bucket = ctx.bucket.name, key = ctx.key): S3Error {
  const listable = evaluate(ctx, 's3:ListBucket', bucketArn(bucket), { 's3:prefix': key });
  if (!listable.allowed) return accessDenied(`Access Denied: the key does not exist, and ${listable.message}`);
  return head ? new S3Error('NotFound', 'Not Found', 404) : noSuchKey(key);
}

function invalidRange(size: number) {
  return new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, { ActualObjectSize: String(size), RangeRequested: '' });
}

/** Open segments, one after the other; each file is closed once read, or when the stream is destroyed early. */
function segmentStream(segments: OpenSegment[]) {
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  let next = 0;
  (async () => {
    for (; next < segments.length; next++) {
      const { fd, from, to } = segments[next];
      await pipeline(createReadStream('', { fd, start: from, end: to, highWaterMark: 1024 * 1024 }), out, { end: false });
    }
    out.end();
  })().catch((e) => {
    // The segment that failed closed itself; the ones not reached yet are closed here.
    for (const { fd } of segments.slice(next + 1)) closeSync(fd);
    out.destroy(e);
  });
  return out;
}

function checkReadConditions(ctx: S3Context, object: StoredObject): 200 | 304 {
  const h = ctx.req.headers;
  const ifMatch = h['if-match'];
  const ifNoneMatch = h['if-none-match'];
  const ifModifiedSince = h['if-modified-since'];
  const ifUnmodifiedSince = h['if-unmodified-since'];
  const modified = Math.floor(object.lastModified.getTime() / 1000) * 1000;
  if (typeof ifMatch === 'string') {
    if (!etagMatches(ifMatch, object.etag)) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-Match' });
  } else if (typeof ifUnmodifiedSince === 'string') {
    const t = Date.parse(ifUnmodifiedSince);
    if (!Number.isNaN(t) && modified > t) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-Unmodified-Since' });
  }
  if (typeof ifNoneMatch === 'string') {
    if (etagMatches(ifNoneMatch, object.etag)) return 304;
  } else if (typeof ifModifiedSince === 'string') {
    const t = Date.parse(ifModifiedSince);
    if (!Number.isNaN(t) && modified <= t) return 304;
  }
  return 200;
}

function objectHeaders(ctx: S3Context, object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    ETag: object.etag,
    'Last-Modified': object.lastModified.toUTCString(),
    'Content-Type': object.contentType,
    'Accept-Ranges': 'bytes',
  };
  const names: Record<string, string> = {
    'cache-control': 'Cache-Control',
    'content-disposition': 'Content-Disposition',
    'content-encoding': 'Content-Encoding',
    'content-language': 'Content-Language',
    expires: 'Expires',
  };
  for (const [k, v] of Object.entries(object.headers)) if (names[k]) headers[names[k]] = v;
  for (const [k, v] of Object.entries(object.metadata)) headers[`x-amz-meta-${k}`] = v;
  if (String(ctx.req.headers['x-amz-checksum-mode'] ?? '').toUpperCase() === 'ENABLED') {
    const stored: Record<string, string> = object.checksumCrc32 ? { 'x-amz-checksum-crc32': object.checksumCrc32 } : {};
    for (const a of CHECKSUM_ALGORITHMS) if (a !== 'CRC32' && object.headers[checksumHeader(a)]) stored[checksumHeader(a)] = object.headers[checksumHeader(a)];
    if (Object.keys(stored).length > 0) Object.assign(headers, stored, { 'x-amz-checksum-type': object.headers['x-amz-checksum-type'] ?? 'FULL_OBJECT' });
  }
  if (object.segments.length > 1) headers['x-amz-mp-parts-count'] = String(object.segments.length);
  const overrides: Record<string, string> = {
    'response-content-type': 'Content-Type',
    'response-content-disposition': 'Content-Disposition',
    'response-content-language': 'Content-Language',
    'response-content-encoding': 'Content-Encoding',
    'response-cache-control': 'Cache-Control',
    'response-expires': 'Expires',
  };
  for (const [param, header] of Object.entries(overrides)) {
    const v = ctx.query.get(param);
    if (v !== undefined) {
      if (/[\r\n]/.test(v)) throw new S3Error('InvalidArgument', `${param} contains invalid characters.`);
      headers[header] = v;
    }
  }
  return headers;
}
