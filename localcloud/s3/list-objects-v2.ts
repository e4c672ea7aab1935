import { createHash } from 'node:crypto';
import { authorize, bucketArn, isoDate, parseIntParam, type S3Context, sendXml, tag, XML_NS } from './context';
import { S3Error } from './errors';

/** After every key that starts with a string (keys are UTF-8, compared by code point). */
const MAX_CODE_POINT = '\u{10FFFF}';

/** The canonical user id S3 names the bucket owner by (64 hex digits), stable per account. */
export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`localcloud canonical user ${accountId}`).digest('hex');
}

/** S3's url encoding is form-style: space → '+', '+' → %2B, '/' kept (aws-amplify decodes '+' as a space). */
function urlEncoder(encodingType: string | undefined): (s: string) => string {
  if (encodingType !== undefined && encodingType !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, { ArgumentName: 'encoding-type', ArgumentValue: encodingType });
  return (s) => (encodingType === 'url' ? encodeURIComponent(s).replace(/%2F/g, '/').replace(/%20/g, '+') : s);
}

/** s3:ListBucket with the listing's condition keys (s3:prefix only when one was sent). */
function authorizeList(ctx: S3Context, prefix: string | undefined, delimiter: string | undefined, maxKeysText: string | undefined): void {
  const context: Record<string, string> = { 's3:max-keys': String(maxKeysText ?? 1000) };
  if (prefix !== undefined) context['s3:prefix'] = prefix;
  if (delimiter !== undefined) context['s3:delimiter'] = delimiter;
  authorize(ctx, 's3:ListBucket', bucketArn(ctx.bucket.name), context);
}

/**
 * One page of a listing (both versions): keys after `after` under `prefix`, keys
 * sharing a delimited prefix rolled into one CommonPrefixes entry; both count
 * toward `maxKeys`. `last` is the last key or prefix returned.
 */
function listPage(ctx: S3Context, o: { prefix: string; delimiter?: string; after: string; maxKeys: number; enc: (s: string) => string; owner: boolean }) {
  const { prefix, delimiter, enc } = o;
  const owner = o.owner ? `<Owner>${tag('ID', canonicalUserId(ctx.services.accountId))}</Owner>` : '';
  const contents: string[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last = '';
  let lastIsPrefix = false;
  if (o.maxKeys > 0) {
    const scan = ctx.services.objects.scan(ctx.bucket.name, prefix, o.after);
    let next = scan.next();
    while (!next.done) {
      const object = next.value;
      if (contents.length + prefixes.length >= o.maxKeys) {
        truncated = true;
        break;
      }
      let skipTo: string | undefined;
      if (delimiter) {
        const i = object.key.indexOf(delimiter, prefix.length);
        if (i !== -1) {
          const common = object.key.slice(0, i + delimiter.length);
          prefixes.push(`<CommonPrefixes>${tag('Prefix', enc(common))}</CommonPrefixes>`);
          last = common;
          lastIsPrefix = true;
          skipTo = common + MAX_CODE_POINT;
        }
      }
      if (skipTo === undefined) {
        contents.push(
          `<Contents>${tag('Key', enc(object.key))}${tag('LastModified', isoDate(object.lastModified))}${tag('ETag', object.etag)}${
            object.checksumCrc32 ? tag('ChecksumAlgorithm', 'CRC32') : ''
          }${tag('Size', object.size)}${owner}${tag('StorageClass', 'STANDARD')}</Contents>`,
        );
        last = object.key;
        lastIsPrefix = false;
      }
      next = scan.next(skipTo);
    }
  }
  return { contents, prefixes, truncated, last, lastIsPrefix };
}

/**
 * ListObjects (version 1): prefix, delimiter, marker, max-keys, encoding-type;
 * every entry names its Owner. NextMarker only with a delimiter (without one,
 * the last key is the next marker); a marker that is a common prefix resumes
 * after everything under it.
 */
export async function listObjects(ctx: S3Context): Promise<void> {
  const q = ctx.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter');
  const marker = q.get('marker');
  const maxKeysText = q.get('max-keys');
  const maxKeys = Math.min(parseIntParam(maxKeysText, 'max-keys', 0, 2147483647) ?? 1000, 1000);
  const encodingType = q.get('encoding-type');
  const enc = urlEncoder(encodingType);
  authorizeList(ctx, q.get('prefix'), delimiter, maxKeysText);
  let after = marker ?? '';
  if (delimiter && after.startsWith(prefix) && after.endsWith(delimiter) && after.indexOf(delimiter, prefix.length) === after.length - delimiter.length) after += MAX_CODE_POINT;
  const page = listPage(ctx, { prefix, delimiter, after, maxKeys, enc, owner: true });
  const xml =
    `<ListBucketResult xmlns="${XML_NS}">` +
    tag('Name', ctx.bucket.name) +
    tag('Prefix', enc(prefix)) +
    tag('Marker', enc(marker ?? '')) +
    (page.truncated && delimiter ? tag('NextMarker', enc(page.last)) : '') +
    tag('MaxKeys', maxKeysText !== undefined ? maxKeys : 1000) +
    (delimiter !== undefined ? tag('Delimiter', enc(delimiter)) : '') +
    (encodingType ? tag('EncodingType', encodingType) : '') +
    tag('IsTruncated', page.truncated) +
    page.contents.join('') +
    page.prefixes.join('') +
    '</ListBucketResult>';
  sendXml(ctx, 200, xml);
}

/**
 * ListObjectsV2 (s3:ListBucket with s3:prefix, s3:delimiter, s3:max-keys):
 * prefix, delimiter, max-keys, continuation-token, start-after,
 * encoding-type=url, fetch-owner; Name/Prefix/Delimiter/MaxKeys/ContinuationToken echoed
 * exactly, KeyCount = Contents + CommonPrefixes.
 */
export async function listObjectsV2(ctx: S3Context): Promise<void> {
  const q = ctx.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter');
  const maxKeysText = q.get('max-keys');
  const maxKeys = Math.min(parseIntParam(maxKeysText, 'max-keys', 0, 2147483647) ?? 1000, 1000);
  const encodingType = q.get('encoding-type');
  const continuationToken = q.get('continuation-token');
  const startAfter = q.get('start-after');
  const enc = urlEncoder(encodingType);
  authorizeList(ctx, q.get('prefix'), delimiter, maxKeysText);

  let after = startAfter ?? '';
  if (continuationToken !== undefined) {
    try {
      const decoded = JSON.parse(Buffer.from(continuationToken, 'base64url').toString('utf8'));
      if (typeof decoded?.after !== 'string' || decoded.b !== ctx.bucket.name) throw new Error('bad');
      after = decoded.after;
    } catch {
      throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, { ArgumentName: 'continuation-token' });
    }
  }
  const page = listPage(ctx, { prefix, delimiter, after, maxKeys, enc, owner: q.get('fetch-owner') === 'true' });
  const { contents, prefixes, truncated, last, lastIsPrefix } = page;
  const keyCount = contents.length + prefixes.length;
  const nextToken = truncated ? Buffer.from(JSON.stringify({ b: ctx.bucket.name, after: lastIsPrefix ? last + MAX_CODE_POINT : last })).toString('base64url') : undefined;
  const xml =
    `<ListBucketResult xmlns="${XML_NS}">` +
    tag('Name', ctx.bucket.name) +
    tag('Prefix', enc(prefix)) +
    (delimiter !== undefined ? tag('Delimiter', enc(delimiter)) : '') +
    tag('MaxKeys', maxKeysText !== undefined ? maxKeys : 1000) +
    (encodingType ? tag('EncodingType', encodingType) : '') +
    tag('KeyCount', keyCount) +
    tag('IsTruncated', truncated) +
    (continuationToken !== undefined ? tag('ContinuationToken', continuationToken) : '') +
    (nextToken ? tag('NextContinuationToken', nextToken) : '') +
    (startAfter !== undefined ? tag('StartAfter', enc(startAfter)) : '') +
    contents.join('') +
    prefixes.join('') +
    '</ListBucketResult>';
  sendXml(ctx, 200, xml);
}
