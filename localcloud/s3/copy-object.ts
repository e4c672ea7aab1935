import { createHash } from 'node:crypto';
import { closeSync, createReadStream } from 'node:fs';
import { authorize, checkTagging, checkVersionId, isoDate, objectArn, type S3Context, sendXml, tag, uploadAttributes, writeAll, XML_NS } from './context';
import { noSuchUpload, preconditionFailed, S3Error } from './errors';
import { missingObject, preconditions } from './get-object';
import { partNumberParam, uploadFor } from './multipart';
import type { StoredObject } from './object-store';
import { MAX_PUT_SIZE } from './put-object';

/**
 * The source of a copy (CopyObject, UploadPartCopy): `x-amz-copy-source` is
 * `[/]bucket/key[?versionId=...]`, URL-decoded as S3 does. Needs s3:GetObject on
 * the source and s3:PutObject on the target; a missing source is NoSuchKey (404)
 * only with s3:ListBucket on it, else AccessDenied. The source's
 * x-amz-copy-source-if-* conditions are GetObject's; what GetObject answers
 * with 304 fails the copy (412). The object is looked up synchronously after
 * the last check: callers take its bytes before they await anything.
 */
function copySource(ctx: S3Context): { sourceBucket: string; sourceKey: string; object: StoredObject } {
  const raw = String(ctx.req.headers['x-amz-copy-source']);
  const q = raw.indexOf('?');
  let source = q === -1 ? raw : raw.slice(0, q);
  if (q !== -1) checkVersionId(new URLSearchParams(raw.slice(q + 1)).get('versionId') ?? undefined);
  try {
    source = decodeURIComponent(source);
  } catch {
    // S3 treats an undecodable source literally
  }
  source = source.replace(/^\//, '');
  const slash = source.indexOf('/');
  if (slash <= 0 || slash === source.length - 1) throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 400, { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw });
  const sourceBucket = source.slice(0, slash);
  const sourceKey = source.slice(slash + 1);
  if (!ctx.services.buckets.some((b) => b.name === sourceBucket)) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: sourceBucket });
  authorize(ctx, 's3:GetObject', objectArn(sourceBucket, sourceKey));
  authorize(ctx, 's3:PutObject', objectArn(ctx.bucket.name, ctx.key));
  ctx.req.resume();
  const object = ctx.services.objects.get(sourceBucket, sourceKey);
  if (!object) throw missingObject(ctx, false, sourceBucket, sourceKey);
  const h = ctx.req.headers;
  const verdict = preconditions(object, {
    ifMatch: h['x-amz-copy-source-if-match'],
    ifNoneMatch: h['x-amz-copy-source-if-none-match'],
    ifModifiedSince: h['x-amz-copy-source-if-modified-since'],
    ifUnmodifiedSince: h['x-amz-copy-source-if-unmodified-since'],
  });
  if (verdict !== 200) {
    const failed = verdict === 304 ? (typeof h['x-amz-copy-source-if-none-match'] === 'string' ? 'If-None-Match' : 'If-Modified-Since') : verdict;
    throw preconditionFailed(`x-amz-copy-source-${failed}`);
  }
  return { sourceBucket, sourceKey, object };
}

/** CopyObject: the source's bytes (hard links, no copy) under the target key, with its metadata (COPY) or the request's (REPLACE). */
export async function copyObject(ctx: S3Context): Promise<void> {
  const { sourceBucket, sourceKey, object } = copySource(ctx);
  checkTagging(ctx);
  const directive = String(ctx.req.headers['x-amz-metadata-directive'] ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown metadata directive.', 400, { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: directive });
  if (directive === 'COPY' && sourceBucket === ctx.bucket.name && sourceKey === ctx.key) {
    throw new S3Error('InvalidRequest', "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const segments = await ctx.services.objects.linkSegments(object);
  const attributes = directive === 'REPLACE' ? uploadAttributes(ctx.req) : { contentType: object.contentType, headers: object.headers, metadata: object.metadata };
  const lastModified = ctx.services.now();
  ctx.services.objects.put({ ...object, ...attributes, bucket: ctx.bucket.name, key: ctx.key, lastModified, segments });
  sendXml(ctx, 200, `<CopyObjectResult xmlns="${XML_NS}">${tag('LastModified', isoDate(lastModified))}${tag('ETag', object.etag)}</CopyObjectResult>`);
}

/**
 * UploadPartCopy: a part made of the source's bytes, all of them or
 * `x-amz-copy-source-range: bytes=first-last` (inside the source). The part's
 * ETag is the MD5 of those bytes, as an uploaded part's.
 */
export async function uploadPartCopy(ctx: S3Context): Promise<void> {
  const { object } = copySource(ctx);
  const partNumber = partNumberParam(ctx.query.get('partNumber'));
  const upload = uploadFor(ctx);
  let [start, end] = [0, object.size - 1];
  const range = ctx.req.headers['x-amz-copy-source-range'];
  if (typeof range === 'string') {
    const m = /^bytes=(\d+)-(\d+)$/.exec(range.trim());
    if (!m) {
      throw new S3Error('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', 400, {
        ArgumentName: 'x-amz-copy-source-range',
        ArgumentValue: range,
      });
    }
    [start, end] = [Number(m[1]), Number(m[2])];
    if (start > end || end >= object.size) {
      throw new S3Error('InvalidArgument', `Range specified is not valid for source object of size: ${object.size}`, 400, { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: range });
    }
  }
  if (end - start + 1 > MAX_PUT_SIZE) throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400);
  const { file, md5Hex, size } = await copyRangeToBlob(ctx, object, start, end);
  const etag = `"${md5Hex}"`;
  const lastModified = ctx.services.now();
  const stored = ctx.services.objects.putPart(upload.uploadId, { partNumber, etag, size, lastModified, file });
  if (!stored) throw noSuchUpload(upload.uploadId); // aborted while the part was copied
  sendXml(ctx, 200, `<CopyPartResult xmlns="${XML_NS}">${tag('LastModified', isoDate(lastModified))}${tag('ETag', etag)}</CopyPartResult>`);
}

/**
 * Bytes start..end of an object into a new durable blob, with their MD5. The
 * source's files are opened before anything awaits (an overwrite meanwhile
 * cannot take them away); nothing is left behind on failure.
 */
async function copyRangeToBlob(ctx: S3Context, object: StoredObject, start: number, end: number): Promise<{ file: string; md5Hex: string; size: number }> {
  const segments = object.data || end < start ? [] : ctx.services.objects.openRange(object, start, end);
  let next = 0;
  const md5 = createHash('md5');
  let size = 0;
  let blob: Awaited<ReturnType<typeof ctx.services.objects.createBlob>> | undefined;
  try {
    blob = await ctx.services.objects.createBlob();
    const write = async (bytes: Buffer) => {
      md5.update(bytes);
      await writeAll(blob!.file, bytes, size);
      size += bytes.length;
    };
    if (object.data) await write(object.data.subarray(start, end + 1));
    for (; next < segments.length; next++) {
      const { fd, from, to } = segments[next];
      for await (const chunk of createReadStream('', { fd, start: from, end: to, highWaterMark: 1024 * 1024 })) await write(chunk as Buffer);
    }
    await blob.file.datasync();
    await blob.file.close();
    await blob.durableEntry;
    return { file: blob.name, md5Hex: md5.digest('hex'), size };
  } catch (e) {
    // The segment being read closed itself; the ones not reached yet are closed here.
    for (const { fd } of segments.slice(next + 1)) closeSync(fd);
    if (blob) {
      await blob.file.close().catch(() => undefined);
      ctx.services.objects.discardBlob(blob.name);
    }
    throw e;
  }
}
