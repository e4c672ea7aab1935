import { authorize, checkTagging, declaredPayloadSize, INLINE_MAX, objectArn, receiveBlob, receiveInline, type S3Context, sendEmpty, uploadAttributes } from './context';
import { checksumHeader } from './checksums';
import { preconditionFailed, S3Error } from './errors';
import type { PayloadSummary } from './payload';

export const MAX_PUT_SIZE = 5 * 1024 * 1024 * 1024;

/** PutObject (s3:PutObject), with If-None-Match: * / If-Match conditional writes. */
export async function putObject(ctx: S3Context): Promise<void> {
  authorize(ctx, 's3:PutObject', objectArn(ctx.bucket.name, ctx.key));
  checkTagging(ctx);
  const attributes = uploadAttributes(ctx.req);
  checkWriteConditions(ctx);
  const declared = declaredPayloadSize(ctx);
  const inline = declared !== undefined && declared <= INLINE_MAX;
  const { file, data, summary } = inline ? { file: undefined, ...(await receiveInline(ctx)) } : { data: undefined, ...(await receiveBlob(ctx, MAX_PUT_SIZE)) };
  try {
    checkWriteConditions(ctx); // again: another writer may have committed meanwhile
  } catch (e) {
    if (file) ctx.services.objects.discardBlob(file);
    throw e;
  }
  const etag = `"${summary.md5Hex}"`;
  ctx.services.objects.put({
    bucket: ctx.bucket.name,
    key: ctx.key,
    size: summary.size,
    etag,
    lastModified: ctx.services.now(),
    ...attributes,
    headers: withChecksum(attributes.headers, summary),
    checksumCrc32: summary.sentCrc32,
    segments: file ? [{ file, size: summary.size }] : [],
    data,
  });
  const headers: Record<string, string> = { ETag: etag };
  if (summary.checksum) headers[checksumHeader(summary.checksum.algorithm)] = summary.checksum.value;
  sendEmpty(ctx, 200, headers);
}

/** A verified checksum other than CRC32 (which has its own column) is kept with the object's stored headers. */
export function withChecksum(headers: Record<string, string>, summary: PayloadSummary): Record<string, string> {
  const c = summary.checksum;
  return c && c.algorithm !== 'CRC32' ? { ...headers, [checksumHeader(c.algorithm)]: c.value } : headers;
}

export function checkWriteConditions(ctx: S3Context): void {
  const ifNoneMatch = ctx.req.headers['if-none-match'];
  const ifMatch = ctx.req.headers['if-match'];
  if (ifNoneMatch === undefined && ifMatch === undefined) return;
  const existing = ctx.services.objects.get(ctx.bucket.name, ctx.key);
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch !== '*') throw new S3Error('NotImplemented', 'If-None-Match on writes accepts only "*".', 501);
    if (existing) throw preconditionFailed('If-None-Match');
  }
  if (ifMatch !== undefined) {
    if (!existing) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: ctx.key });
    if (!etagMatches(String(ifMatch), existing.etag)) throw preconditionFailed('If-Match');
  }
}

export function etagMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((s) => s.trim().replace(/^W\//, ''))
    .some((s) => s === '*' || s === etag || `"${s}"` === etag);
}
