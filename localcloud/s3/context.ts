import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notEmulatedMessage } from '../http/dispatch';
import type { Authorizer } from '../iam/authorizer';
import type { BoundCredentials } from '../iam/credentials';
import type { RequestContextKeys } from '../iam/policy-evaluator';
import type { VerifiedSignature } from '../sigv4/verify';
import type { BucketConfig } from './buckets';
import { accessDenied, escapeXml, S3Error } from './errors';
import type { ObjectStore } from './object-store';
import { type PayloadSummary, receivePayload } from './payload';

export interface S3Services {
  region: string;
  accountId: string;
  buckets: BucketConfig[];
  objects: ObjectStore;
  authorizer: Authorizer;
  now: () => Date;
}

/** One S3 request, authenticated, with its path-style bucket and key. */
export interface S3Context {
  req: IncomingMessage;
  res: ServerResponse;
  services: S3Services;
  bucket: BucketConfig;
  /** Decoded object key ('' for bucket operations). */
  key: string;
  /** Decoded query parameters (first value of each). */
  query: Map<string, string>;
  requestId: string;
  credentials: BoundCredentials;
  signature: VerifiedSignature;
}

/** IAM's decision for the caller: `action` on `resource`. */
export function evaluate(ctx: S3Context, action: string, resource: string, context: RequestContextKeys = {}) {
  return ctx.services.authorizer.authorize({
    credentials: ctx.credentials,
    action,
    resource,
    context,
    sourceIp: ctx.req.socket.remoteAddress,
  });
}

/** Throws AccessDenied unless IAM allows `action` on `resource`. */
export function authorize(ctx: S3Context, action: string, resource: string, context: RequestContextKeys = {}): void {
  const result = evaluate(ctx, action, resource, context);
  if (!result.allowed) throw accessDenied(result.message);
}

export const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

export const XML_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function sendXml(ctx: S3Context, status: number, xml: string, headers: Record<string, string> = {}): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  ctx.res.writeHead(status, {
    'Content-Type': 'application/xml',
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
  });
  ctx.res.end(body);
}

export function sendEmpty(ctx: S3Context, status: number, headers: Record<string, string> = {}): void {
  ctx.res.writeHead(status, { 'Content-Length': '0', ...headers });
  ctx.res.end();
}

export const tag = (name: string, value: string | number | boolean | undefined) =>
  value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;

export const isoDate = (d: Date) => d.toISOString();

/** Headers stored with an object and returned by Get/Head. */
const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'];

export function uploadAttributes(req: IncomingMessage): { contentType: string; headers: Record<string, string>; metadata: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const h of STORED_HEADERS) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = h === 'content-encoding' ? v.split(',').map((s) => s.trim()).filter((s) => s !== 'aws-chunked').join(', ') : v;
  }
  if (headers['content-encoding'] === '') delete headers['content-encoding'];
  const metadata: Record<string, string> = {};
  let metaSize = 0;
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') {
      metadata[name.slice('x-amz-meta-'.length)] = value;
      metaSize += name.length - 'x-amz-meta-'.length + value.length;
    }
  }
  if (metaSize > 2048) throw new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', 400);
  const contentType = typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : 'binary/octet-stream';
  return { contentType, headers, metadata };
}

/**
 * Streams the verified payload into a new blob (never the whole body in
 * memory), fdatasyncs it (while the last hashes finish); the blob's directory
 * entry is made durable while the bytes arrive. Nothing is left behind when
 * verification fails.
 */
export async function receiveBlob(ctx: S3Context, maxSize: number, options: { crc32?: boolean } = {}): Promise<{ file: string; summary: PayloadSummary }> {
  const summary: PayloadSummary = { size: 0, md5Hex: '' };
  const blob = await ctx.services.objects.createBlob();
  let open = true;
  try {
    await receivePayload(ctx.req, ctx.signature, summary, maxSize, {
      write: (bytes, position) => writeAll(blob.file, bytes, position),
      // A new file's size is metadata fdatasync makes durable too.
      finish: () => blob.file.datasync(),
    }, options);
    open = false;
    await blob.file.close();
    await blob.durableEntry;
    return { file: blob.name, summary };
  } catch (e) {
    if (open) await blob.file.close().catch(() => undefined);
    ctx.services.objects.discardBlob(blob.name);
    // Drain what is left of the request so the socket can answer the error.
    ctx.req.resume();
    throw e;
  }
}

export async function writeAll(fh: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/** Bodies up to this size are kept in the object's row (one SQLite commit, no file). */
export const INLINE_MAX = 64 * 1024;

/** The declared size of the payload, when the request says it (decoded length for aws-chunked). */
export function declaredPayloadSize(ctx: S3Context): number | undefined {
  const h = ctx.req.headers['x-amz-decoded-content-length'] ?? (ctx.signature.payloadHash.startsWith('STREAMING-') ? undefined : ctx.req.headers['content-length']);
  if (typeof h !== 'string' || !/^\d+$/.test(h)) return undefined;
  return Number(h);
}

/** Reads a small verified payload into memory (callers check declaredPayloadSize first). */
export async function receiveInline(ctx: S3Context): Promise<{ data: Buffer; summary: PayloadSummary }> {
  const summary: PayloadSummary = { size: 0, md5Hex: '' };
  const chunks: Buffer[] = [];
  try {
    await receivePayload(ctx.req, ctx.signature, summary, INLINE_MAX, { write: (bytes) => void chunks.push(Buffer.from(bytes)) });
  } catch (e) {
    ctx.req.resume();
    throw e;
  }
  return { data: Buffer.concat(chunks), summary };
}

export function parseIntParam(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new S3Error('InvalidArgument', `${name} must be an integer.`, 400, { ArgumentName: name, ArgumentValue: value });
  const n = Number(value);
  if (n < min || n > max) throw new S3Error('InvalidArgument', `${name} must be between ${min} and ${max}.`, 400, { ArgumentName: name, ArgumentValue: value });
  return n;
}

/**
 * A versionId (GetObject, HeadObject, a copy source): buckets are unversioned, so
 * every object's version is `null`; any other id is S3's 400 for an unversioned bucket.
 */
export function checkVersionId(versionId: string | undefined): void {
  if (versionId !== undefined && versionId !== 'null') {
    throw new S3Error('InvalidArgument', 'Invalid version id specified', 400, { ArgumentName: 'versionId', ArgumentValue: versionId });
  }
}

/**
 * Tags sent with a write (`x-amz-tagging`): S3 needs s3:PutObjectTagging for
 * them as well, which no role of this backend has (AccessDenied, as on AWS).
 * Object tags are not stored here, so a caller who may tag is told so (501)
 * rather than having them dropped.
 */
export function checkTagging(ctx: S3Context): void {
  if (ctx.req.headers['x-amz-tagging'] === undefined) return;
  authorize(ctx, 's3:PutObjectTagging', objectArn(ctx.bucket.name, ctx.key));
  throw new S3Error('UnsupportedOperationException', notEmulatedMessage('S3 object tags (x-amz-tagging)'), 501);
}
