import { createHash } from 'node:crypto';
import { authorize, objectArn, type S3Context, sendXml, tag, XML_NS } from './context';
import { checkChecksum, checkContentMd5, checksummer, declaredChecksum } from './checksums';
import { S3Error } from './errors';
import { parseXmlBody, readSmallBody } from './xml';

/**
 * DeleteObjects (POST /<bucket>?delete, or the bucket-less POST /?delete the
 * patched aws-amplify client sends): each key is authorized on its own
 * (s3:DeleteObject) and reported as Deleted or Error.
 */
export async function deleteObjects(ctx: S3Context): Promise<void> {
  checkContentMd5(ctx.req.headers);
  const body = await readSmallBody(ctx.req, 2 * 1024 * 1024);
  const declared = ctx.signature.payloadHash;
  if (/^[0-9a-f]{64}$/.test(declared) && createHash('sha256').update(body).digest('hex') !== declared) {
    throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const md5 = ctx.req.headers['content-md5'];
  if (typeof md5 === 'string' && createHash('md5').update(body).digest('base64') !== md5) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  // The flexible checksum of the request body (the SDK sends one: CRC32 by default).
  const sent = declaredChecksum(ctx.req.headers);
  if (sent?.value !== undefined) {
    const c = checksummer(sent.algorithm);
    c.update(body);
    checkChecksum(sent.algorithm, sent.value, c.digest());
  }
  // S3 requires an integrity check of the body (the SDKs always send one).
  if (typeof md5 !== 'string' && !sent) throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*');
  const doc = parseXmlBody(body);
  const objects = doc?.Delete?.Object;
  if (!Array.isArray(objects) || objects.length === 0 || objects.length > 1000) {
    throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  }
  const quiet = String(doc.Delete.Quiet ?? 'false').trim() === 'true';
  let out = `<DeleteResult xmlns="${XML_NS}">`;
  for (const o of objects) {
    const key = typeof o?.Key === 'string' ? o.Key : o?.Key !== undefined ? String(o.Key) : undefined;
    if (!key) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    try {
      authorize(ctx, 's3:DeleteObject', objectArn(ctx.bucket.name, key));
      ctx.services.objects.delete(ctx.bucket.name, key);
      if (!quiet) out += `<Deleted>${tag('Key', key)}</Deleted>`;
    } catch (e) {
      if (!(e instanceof S3Error)) throw e;
      out += `<Error>${tag('Key', key)}${tag('Code', e.code)}${tag('Message', e.message)}</Error>`;
    }
  }
  sendXml(ctx, 200, `${out}</DeleteResult>`);
}
