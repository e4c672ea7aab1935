import { closeSync, createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { authorize, bucketArn, checkVersionId, evaluate, objectArn, type S3Context, sendXml, XML_NS } from './context';
import { CHECKSUM_ALGORITHMS, checksumHeader } from './checksums';
import { accessDenied, noSuchKey, preconditionFailed, S3Error } from './errors';
import type { OpenSegment, StoredObject } from './object-store';
import { partNumberParam } from './multipart';
import { etagMatches } from './put-object';

/** GetObject and HeadObject (s3:GetObject): Range, conditional requests, response-* overrides. */
export async function getObject(ctx: S3Context, head: boolean): Promise<void> {
  authorize(ctx, 's3:GetObject', objectArn(ctx.bucket.name, ctx.key));
  checkVersionId(ctx.query.get('versionId'));
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
  const partNumber = ctx.query.get('partNumber');
  if (partNumber !== undefined && object.size > 0) {
    if (typeof range === 'string') throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
    const part = partOf(object, partNumberParam(partNumber));
    [start, end] = [part.start, part.end];
    status = 206;
    headers['Content-Range'] = `bytes ${start}-${end}/${object.size}`;
    if (part.count !== undefined) headers['x-amz-mp-parts-count'] = String(part.count);
  } else if (typeof range === 'string') {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (m && (m[1] !== '' || m[2] !== '')) {
      let ignored = false;
      if (m[1] === '') {
        const suffix = Number(m[2]);
        if (suffix === 0) throw invalidRange(object.size, range);
        start = Math.max(0, object.size - suffix);
      } else {
        start = Number(m[1]);
        if (m[2] !== '') end = Math.min(Number(m[2]), object.size - 1);
        if (m[2] !== '' && Number(m[2]) < start) ignored = true; // S3 ignores a malformed range
        else if (start >= object.size) throw invalidRange(object.size, range);
      }
      if (ignored) {
        start = 0;
        end = object.size - 1;
      } else {
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${object.size}`;
      }
    }
  }
  // The whole object's checksum does not describe a range or a part.
  if (status === 206) for (const name of Object.keys(headers)) if (name.startsWith('x-amz-checksum-')) delete headers[name];
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
 * GetObjectTagging (s3:GetObjectTagging): objects carry no tags here, so an
 * empty TagSet. No role this backend synthesizes has the action, so callers
 * get AccessDenied as on AWS (the AWS CLI asks for it when it copies a big
 * object; its --copy-props option avoids that).
 */
export async function getObjectTagging(ctx: S3Context): Promise<void> {
  authorize(ctx, 's3:GetObjectTagging', objectArn(ctx.bucket.name, ctx.key));
  checkVersionId(ctx.query.get('versionId'));
  if (!ctx.services.objects.get(ctx.bucket.name, ctx.key)) throw missingObject(ctx, false);
  sendXml(ctx, 200, `<Tagging xmlns="${XML_NS}"><TagSet></TagSet></Tagging>`);
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

/** 416 InvalidRange: the body names the range and the size, Content-Range says `bytes *\/size` (RFC 9110). */
function invalidRange(size: number, range: string) {
  return new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: range, ActualObjectSize: String(size) }, { 'Content-Range': `bytes */${size}` });
}

/**
 * The bytes of part `n` (GET/HEAD ?partNumber=n): a multipart object's parts
 * are its segments (the ETag's `-N` says it was one); any other object is one
 * part, and it has no parts count. A part it does not have: 416 InvalidPartNumber.
 */
function partOf(object: StoredObject, n: number): { start: number; end: number; count?: number } {
  const multipart = /-\d+"$/.test(object.etag) && object.segments.length > 0;
  const sizes = multipart ? object.segments.map((s) => s.size) : [object.size];
  if (n > sizes.length) throw new S3Error('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, { PartNumberRequested: String(n), ActualPartCount: String(sizes.length) });
  const start = sizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
  return { start, end: start + sizes[n - 1] - 1, count: multipart ? sizes.length : undefined };
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
  const verdict = preconditions(object, { ifMatch: h['if-match'], ifNoneMatch: h['if-none-match'], ifModifiedSince: h['if-modified-since'], ifUnmodifiedSince: h['if-unmodified-since'] });
  if (verdict === 304 || verdict === 200) return verdict;
  throw preconditionFailed(verdict);
}

/**
 * S3's conditional-request rules (GetObject, HeadObject, CopyObject's
 * x-amz-copy-source-if-*): If-Match decides over If-Unmodified-Since (true: 200
 * whatever the date), If-None-Match over If-Modified-Since; 412 conditions are
 * checked before 304 ones. Dates compare at S3's one-second resolution; an
 * unparseable date is ignored. Returns 200, 304, or the name of the failed 412 condition.
 */
export function preconditions(
  object: StoredObject,
  c: { ifMatch?: string | string[]; ifNoneMatch?: string | string[]; ifModifiedSince?: string | string[]; ifUnmodifiedSince?: string | string[] },
): 200 | 304 | 'If-Match' | 'If-Unmodified-Since' {
  const modified = Math.floor(object.lastModified.getTime() / 1000) * 1000;
  if (typeof c.ifMatch === 'string') {
    if (!etagMatches(c.ifMatch, object.etag)) return 'If-Match';
  } else if (typeof c.ifUnmodifiedSince === 'string') {
    const t = Date.parse(c.ifUnmodifiedSince);
    if (!Number.isNaN(t) && modified > t) return 'If-Unmodified-Since';
  }
  if (typeof c.ifNoneMatch === 'string') {
    if (etagMatches(c.ifNoneMatch, object.etag)) return 304;
  } else if (typeof c.ifModifiedSince === 'string') {
    const t = Date.parse(c.ifModifiedSince);
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
      // As S3 sends it: the value's UTF-8 bytes (Node writes a header string as Latin-1).
      headers[header] = Buffer.from(v, 'utf8').toString('latin1');
    }
  }
  return headers;
}
