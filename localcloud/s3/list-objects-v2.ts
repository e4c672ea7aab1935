import { authorize, bucketArn, isoDate, parseIntParam, type S3Context, sendXml, tag, XML_NS } from './context';
import { S3Error } from './errors';

/**
 * ListObjectsV2 (s3:ListBucket with s3:prefix, s3:delimiter, s3:max-keys):
 * prefix, delimiter, max-keys, continuation-token, start-after,
 * encoding-type=url; Name/Prefix/Delimiter/MaxKeys/ContinuationToken echoed
 * exactly, KeyCount = Contents + CommonPrefixes.
 */
const MAX_CODE_POINT = '\u{10FFFF}';

export async function listObjectsV2(ctx: S3Context): Promise<void> {
  const q = ctx.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter');
  const maxKeysText = q.get('max-keys');
  const maxKeys = Math.min(parseIntParam(maxKeysText, 'max-keys', 0, 2147483647) ?? 1000, 1000);
  const encodingType = q.get('encoding-type');
  if (encodingType !== undefined && encodingType !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, { ArgumentName: 'encoding-type', ArgumentValue: encodingType });
  const continuationToken = q.get('continuation-token');
  const startAfter = q.get('start-after');

  const context: Record<string, string> = { 's3:prefix': prefix, 's3:max-keys': String(maxKeysText ?? 1000) };
  if (delimiter !== undefined) context['s3:delimiter'] = delimiter;
  if (q.get('prefix') === undefined) delete context['s3:prefix'];
  authorize(ctx, 's3:ListBucket', bucketArn(ctx.bucket.name), context);

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
  // S3's url encoding is form-style: space → '+', '+' → %2B, '/' kept (aws-amplify decodes '+' as a space).
  const enc = (s: string) => (encodingType === 'url' ? encodeURIComponent(s).replace(/%2F/g, '/').replace(/%20/g, '+') : s);

  const contents: string[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last = '';
  let lastIsPrefix = false;
  if (maxKeys > 0) {
    const scan = ctx.services.objects.scan(ctx.bucket.name, prefix, after);
    let next = scan.next();
    while (!next.done) {
      const object = next.value;
      if (contents.length + prefixes.length >= maxKeys) {
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
          }${tag('Size', object.size)}${tag('StorageClass', 'STANDARD')}</Contents>`,
        );
        last = object.key;
        lastIsPrefix = false;
      }
      next = scan.next(skipTo);
    }
  }
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
