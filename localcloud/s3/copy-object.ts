import { authorize, checkVersionId, isoDate, objectArn, type S3Context, sendXml, tag, uploadAttributes, XML_NS } from './context';
import { preconditionFailed, S3Error } from './errors';
import { missingObject, preconditions } from './get-object';

/**
 * CopyObject: needs s3:GetObject on the source and s3:PutObject on the target;
 * a missing source is NoSuchKey (404) only with s3:ListBucket on it, else AccessDenied.
 * `x-amz-copy-source` is `[/]bucket/key[?versionId=...]`, URL-decoded as S3 does.
 */
export async function copyObject(ctx: S3Context): Promise<void> {
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
  // A missing source answers as GetObject does: 404 only where the caller may list it.
  if (!object) throw missingObject(ctx, false, sourceBucket, sourceKey);
  // The source's conditions, as GetObject's; what GetObject answers with 304 fails the copy (412).
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
