import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialsStore } from '../iam/credentials';
import { notEmulatedMessage } from '../http/dispatch';
import { pairs } from '../sigv4/canonical';
import { SigV4Error } from '../sigv4/errors';
import { verifySigV4 } from '../sigv4/verify';
import type { BucketConfig } from './buckets';
import { copyObject, uploadPartCopy } from './copy-object';
import { answerBucketPreflight, applyBucketCors } from './cors';
import { bucketArn, type S3Context, type S3Services, sendXml, XML_NS } from './context';
import { deleteObject } from './delete-object';
import { deleteObjects } from './delete-objects';
import { noSuchBucket, S3Error, sendS3Error } from './errors';
import { getObject, getObjectTagging } from './get-object';
import { listObjects, listObjectsV2 } from './list-objects-v2';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listParts, uploadPart } from './multipart';
import { postObject } from './post-object';
import { putObject } from './put-object';

/**
 * S3, path-style (`/<bucket>/<key>`), as aws-amplify's test endpoint and the
 * SDK with forcePathStyle send it. Every request is SigV4-verified with the
 * temporary credentials the identity pool issued, then authorized by IAM.
 *
 * Keys with `.` or `..` segments are refused (InvalidArgument): S3 would store
 * them literally, but browsers and HTTP clients normalize such paths, so the
 * object written would not be the one later read — and they look like
 * traversal attempts. Encoded slashes (%2F) are ordinary key characters.
 */
export interface S3HandlerOptions {
  services: S3Services;
  credentials: CredentialsStore;
  region: string;
  /** Refuse requests whose header section exceeds this many bytes (default 8 KiB, S3's limit). */
  maxHeaderBytes?: number;
}

type Operation = (ctx: S3Context) => Promise<void>;

export function createS3Handler(options: S3HandlerOptions) {
  const { services } = options;
  const maxHeaderBytes = options.maxHeaderBytes ?? 8 * 1024;
  const bucketNamed = (name: string) => services.buckets.find((b) => b.name === name);

  // Request ids: unique per process (a random prefix and a counter), as S3's 16 hex digits.
  const idPrefix = randomBytes(3).toString('hex').toUpperCase();
  let requestCount = 0;

  return async function handleS3(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = idPrefix + (requestCount++ % 0x10000000000).toString(16).toUpperCase().padStart(10, '0');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    let bucket: BucketConfig | undefined;
    let resource = rawPath;
    const head = req.method === 'HEAD';
    res.setHeader('x-amz-request-id', requestId);
    if (!res.hasHeader('x-amz-id-2')) res.setHeader('x-amz-id-2', randomBytes(24).toString('base64')); // the front door stamps it
    sandboxContent(res);
    try {
      const headerBytes = req.rawHeaders.reduce((n, h) => n + h.length + 2, 0);
      if (headerBytes > maxHeaderBytes) {
        throw new S3Error('RequestHeaderSectionTooLarge', `Your request header section exceeds the maximum allowed size (${maxHeaderBytes} bytes).`, 400);
      }
      const query = new Map<string, string>();
      for (const part of (q === -1 ? '' : url.slice(q + 1)).split('&')) {
        if (!part) continue;
        const eq = part.indexOf('=');
        const k = decode(formSpaces(eq === -1 ? part : part.slice(0, eq)), 'query');
        if (!query.has(k)) query.set(k, decode(formSpaces(eq === -1 ? '' : part.slice(eq + 1)), 'query'));
      }
      const slash = rawPath.indexOf('/', 1);
      const bucketName = decode(slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash), 'bucket');
      const rawKey = slash === -1 ? '' : rawPath.slice(slash + 1);
      const key = decode(rawKey, 'key');
      resource = key ? `/${bucketName}/${key}` : `/${bucketName}`;
      // The bucket-less DeleteObjects of aws-amplify's patched test endpoint: the bucket is
      // the only one this backend has.
      if (bucketName === '') {
        const own = services.buckets.filter((b) => !b.toolkit);
        if (own.length === 1 && (req.method === 'OPTIONS' || (req.method === 'POST' && query.has('delete')))) bucket = own[0];
        else if (req.method === 'GET') throw new S3Error('AccessDenied', 'ListBuckets (s3:ListAllMyBuckets) is not granted by any role of this backend.', 403);
        else throw new S3Error('InvalidRequest', 'Path-style requests must name the bucket: /<bucket>/<key>.');
      } else {
        bucket = bucketNamed(bucketName);
      }
      if (req.method === 'OPTIONS') {
        answerBucketPreflight(req, res, bucket);
        return;
      }
      applyBucketCors(req, res, bucket);
      if (!bucket) throw noSuchBucket(bucketName);
      checkKey(key);
      // A browser form upload: authenticated by its signed policy, not a request signature.
      if (req.method === 'POST' && key === '' && [...query.keys()].every((k) => notASubresource(k))) {
        await postObject({ req, res, services, bucket, query, requestId }, options.credentials, checkKey);
        return;
      }
      const operation = route(req, key, query, rawKey);

      // Authenticate: SigV4 with the temporary credentials the identity pool issued.
      let verified;
      try {
        verified = verifySigV4(
          { method: req.method ?? 'GET', url, headers: pairs(req.rawHeaders) },
          {
            service: 's3',
            region: options.region,
            now: services.now,
            lookup: (id) => options.credentials.signingSecret(id),
          },
        );
      } catch (e) {
        if (e instanceof SigV4Error) throw new S3Error(e.code, e.message, e.status);
        throw e;
      }
      const credentials = options.credentials.lookup(verified.accessKeyId)!;
      if (verified.mode === 'query') hoistedHeaders(req, query);
      const expectedOwner = req.headers['x-amz-expected-bucket-owner'];
      if (typeof expectedOwner === 'string' && expectedOwner !== services.accountId) {
        throw new S3Error('AccessDenied', 'Access Denied: the bucket is not owned by the expected account (x-amz-expected-bucket-owner).', 403);
      }
      await operation({ req, res, services, bucket, key, query, requestId, credentials, signature: verified });
    } catch (e) {
      if (!(e instanceof S3Error)) {
        if ((e as NodeJS.ErrnoException)?.code === 'ERR_STREAM_PREMATURE_CLOSE' || (e as NodeJS.ErrnoException)?.code === 'ECONNRESET') {
          res.destroy();
          return;
        }
        console.error('[s3] internal error', e);
      }
      const error = e instanceof S3Error ? e : new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500);
      if (!req.readableEnded) req.resume();
      sendS3Error(res, error, resource, requestId, head);
    }
  };
}

/**
 * Objects are served from the local cloud's own origin, next to its endpoints
 * (/_localcloud/outbox holds everyone's codes). Every S3 response is therefore
 * sandboxed: CSP `sandbox` without allow-same-origin runs any HTML/SVG/XML
 * document in an opaque origin (its requests carry `Origin: null`, which gets no
 * CORS grant), and nosniff stops a browser from reading other types as HTML.
 * Images, media and fetches are unaffected (CSP applies to documents only).
 * GetObject lifts the sandbox for PDFs alone (see allowPdfViewer).
 */
function sandboxContent(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', 'sandbox');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

/**
 * Keys S3 refuses (too long) or the local cloud does (`.` / `..` segments: S3
 * would store them literally, but clients normalize such paths).
 */
function checkKey(key: string): void {
  if (Buffer.byteLength(key) > 1024) throw new S3Error('KeyTooLongError', 'Your key is too long', 400);
  if (key !== '' && key.split('/').some((s) => s === '.' || s === '..')) {
    throw new S3Error('InvalidArgument', 'Object keys with "." or ".." path segments are refused by the local cloud (clients normalize such paths).', 400, { ArgumentName: 'key', ArgumentValue: key });
  }
}

/** S3 reads `+` in a query string as a space (form encoding), as browsers write it. */
function formSpaces(s: string): string {
  return s.replace(/\+/g, ' ');
}

function decode(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidURI', `Couldn't parse the specified URI (${what}).`, 400);
  }
}

/**
 * Query parameters that name no sub-resource: a presigned URL's SigV4
 * parameters and the `x-amz-*` headers the presigners hoist into the query
 * (metadata, checksums), and the SDK's `x-id`.
 */
const notASubresource = (name: string) => /^x-amz-/i.test(name) || name === 'x-id';

/** In a presigned request, the hoisted `x-amz-*` query parameters count as the headers they stand for (headers sent win). */
function hoistedHeaders(req: IncomingMessage, query: Map<string, string>): void {
  for (const [name, value] of query) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-amz-') || PRESIGN_AUTH_PARAMS.has(lower) || req.headers[lower] !== undefined) continue;
    if (/[\r\n]/.test(value)) throw new S3Error('InvalidArgument', `${name} contains invalid characters.`, 400, { ArgumentName: name, ArgumentValue: value });
    req.headers[lower] = value;
  }
}

const PRESIGN_AUTH_PARAMS = new Set(['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-signedheaders', 'x-amz-signature', 'x-amz-security-token', 'x-amz-content-sha256']);

const LIST_OBJECTS_V1_PARAMS = new Set(['prefix', 'delimiter', 'marker', 'max-keys', 'encoding-type']);

/** 501 UnsupportedOperationException in the one wording every service uses for what is not emulated. */
function notEmulated(what: string): S3Error {
  return new S3Error('UnsupportedOperationException', notEmulatedMessage(what), 501);
}

function route(req: IncomingMessage, key: string, allQuery: Map<string, string>, _rawKey: string): Operation {
  const method = req.method;
  const query = new Map([...allQuery].filter(([k]) => !notASubresource(k)));
  if (key === '') {
    if (method === 'GET' && query.get('list-type') === '2') return listObjectsV2;
    if (method === 'POST' && query.has('delete')) return deleteObjects;
    if (method === 'HEAD') return headBucket;
    if (method === 'GET' && query.has('location')) return getBucketLocation;
    if (method === 'GET' && query.has('encryption')) return getBucketEncryption;
    if (method === 'GET' && [...query.keys()].every((k) => LIST_OBJECTS_V1_PARAMS.has(k))) return listObjects;
    throw notEmulated(`the S3 bucket operation ${method} ?${[...query.keys()].join('&')}`);
  }
  switch (method) {
    case 'PUT':
      if (query.has('uploadId') || query.has('partNumber')) {
        if (req.headers['x-amz-copy-source']) return uploadPartCopy;
        return uploadPart;
      }
      if (query.size > 0) throw notEmulated(`the S3 object operation PUT ?${[...query.keys()].join('&')}`);
      if (req.headers['x-amz-copy-source']) return copyObject;
      return putObject;
    case 'GET':
      if (query.has('uploadId')) return listParts;
      if (query.has('tagging') && [...query.keys()].every((k) => k === 'tagging' || k === 'versionId')) return getObjectTagging;
      if (['acl', 'tagging', 'attributes', 'retention', 'legal-hold', 'torrent'].some((k) => query.has(k))) {
        throw notEmulated(`the S3 object operation GET ?${[...query.keys()].join('&')}`);
      }
      return (ctx) => getObject(ctx, false);
    case 'HEAD':
      return (ctx) => getObject(ctx, true);
    case 'DELETE':
      if (query.has('uploadId')) return abortMultipartUpload;
      return deleteObject;
    case 'POST':
      if (query.has('uploads')) return createMultipartUpload;
      if (query.has('uploadId')) return completeMultipartUpload;
      throw notEmulated(`the S3 object operation POST ?${[...query.keys()].join('&')} (browser form uploads POST to the bucket)`);
  }
  throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: String(method), ResourceType: 'OBJECT' });
}

async function headBucket(ctx: S3Context): Promise<void> {
  const result = ctx.services.authorizer.authorize({ credentials: ctx.credentials, action: 's3:ListBucket', resource: bucketArn(ctx.bucket.name), sourceIp: ctx.req.socket.remoteAddress });
  if (!result.allowed) throw new S3Error('AccessDenied', result.message, 403);
  ctx.res.writeHead(200, { 'x-amz-bucket-region': ctx.services.region });
  ctx.res.end();
}

/** Every bucket is encrypted with S3-managed keys (SSE-S3), S3's default since 2023; the CDK toolkit reads this of its assets bucket. */
async function getBucketEncryption(ctx: S3Context): Promise<void> {
  const result = ctx.services.authorizer.authorize({ credentials: ctx.credentials, action: 's3:GetEncryptionConfiguration', resource: bucketArn(ctx.bucket.name), sourceIp: ctx.req.socket.remoteAddress });
  if (!result.allowed) throw new S3Error('AccessDenied', result.message, 403);
  sendXml(
    ctx,
    200,
    `<ServerSideEncryptionConfiguration xmlns="${XML_NS}"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`,
  );
}

async function getBucketLocation(ctx: S3Context): Promise<void> {
  const result = ctx.services.authorizer.authorize({ credentials: ctx.credentials, action: 's3:GetBucketLocation', resource: bucketArn(ctx.bucket.name), sourceIp: ctx.req.socket.remoteAddress });
  if (!result.allowed) throw new S3Error('AccessDenied', result.message, 403);
  // us-east-1 is the empty location constraint.
  const location = ctx.services.region === 'us-east-1' ? '' : ctx.services.region;
  sendXml(ctx, 200, `<LocationConstraint xmlns="${XML_NS}">${location}</LocationConstraint>`);
}
