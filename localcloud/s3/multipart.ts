import { createHash, randomBytes } from 'node:crypto';
import { authorize, checkTagging, isoDate, objectArn, parseIntParam, receiveBlob, type S3Context, sendEmpty, sendXml, tag, uploadAttributes, XML_NS } from './context';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, checksumHeader, checksummer } from './checksums';
import { noSuchUpload, S3Error } from './errors';
import type { StoredPart, Upload } from './object-store';
import { crc32Combine } from './crc32-combine';
import { crc32Base64 } from './payload';
import { MAX_PUT_SIZE } from './put-object';
import { parseXmlBody, readSmallBody } from './xml';

/** Multipart uploads: Create, UploadPart, Complete, Abort, ListParts. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

export function uploadFor(ctx: S3Context): Upload {
  const uploadId = ctx.query.get('uploadId') ?? '';
  const upload = ctx.services.objects.getUpload(uploadId);
  if (!upload || upload.bucket !== ctx.bucket.name || upload.key !== ctx.key) throw noSuchUpload(uploadId);
  return upload;
}

/** A partNumber (UploadPart, GET/HEAD ?partNumber): 1..10000 (S3's InvalidArgument otherwise). */
export function partNumberParam(value: string | undefined): number {
  if (value === undefined || !/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 10000) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', 400, { ArgumentName: 'partNumber', ArgumentValue: value ?? '' });
  }
  return Number(value);
}

export async function createMultipartUpload(ctx: S3Context): Promise<void> {
  authorize(ctx, 's3:PutObject', objectArn(ctx.bucket.name, ctx.key));
  checkTagging(ctx);
  ctx.req.resume();
  const uploadId = randomBytes(48).toString('base64url');
  const algorithm = ctx.req.headers['x-amz-checksum-algorithm'];
  ctx.services.objects.createUpload({
    uploadId,
    bucket: ctx.bucket.name,
    key: ctx.key,
    initiated: ctx.services.now(),
    ...uploadAttributes(ctx.req),
    checksumAlgorithm: typeof algorithm === 'string' ? algorithm.toUpperCase() : undefined,
  });
  const headers: Record<string, string> = {};
  if (typeof algorithm === 'string') headers['x-amz-checksum-algorithm'] = algorithm.toUpperCase();
  sendXml(ctx, 200, `<InitiateMultipartUploadResult xmlns="${XML_NS}">${tag('Bucket', ctx.bucket.name)}${tag('Key', ctx.key)}${tag('UploadId', uploadId)}</InitiateMultipartUploadResult>`, headers);
}

export async function uploadPart(ctx: S3Context): Promise<void> {
  authorize(ctx, 's3:PutObject', objectArn(ctx.bucket.name, ctx.key));
  const partNumber = partNumberParam(ctx.query.get('partNumber'));
  const upload = uploadFor(ctx);
  // A part's CRC32 is kept when the client sent one or the upload was created with CRC32; Complete computes the others if it needs them.
  const { file, summary } = await receiveBlob(ctx, MAX_PUT_SIZE, { crc32: upload.checksumAlgorithm === 'CRC32' });
  const etag = `"${summary.md5Hex}"`;
  const stored = ctx.services.objects.putPart(upload.uploadId, {
    partNumber,
    etag,
    size: summary.size,
    lastModified: ctx.services.now(),
    checksumCrc32: summary.sentCrc32 ?? summary.crc32,
    checksum: summary.checksum,
    file,
  });
  if (!stored) throw noSuchUpload(upload.uploadId); // aborted while the part was uploading
  const headers: Record<string, string> = { ETag: etag };
  if (summary.checksum) headers[checksumHeader(summary.checksum.algorithm)] = summary.checksum.value;
  sendEmpty(ctx, 200, headers);
}

export async function completeMultipartUpload(ctx: S3Context): Promise<void> {
  authorize(ctx, 's3:PutObject', objectArn(ctx.bucket.name, ctx.key));
  uploadFor(ctx);
  const body = await readSmallBody(ctx.req, 2 * 1024 * 1024);
  const declared = ctx.signature.payloadHash;
  if (/^[0-9a-f]{64}$/.test(declared) && createHash('sha256').update(body).digest('hex') !== declared) {
    throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const doc = parseXmlBody(body);
  const requested = doc?.CompleteMultipartUpload?.Part;
  if (!Array.isArray(requested) || requested.length === 0) {
    throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  }
  const sentFull = ctx.req.headers['x-amz-checksum-crc32'];
  const checksumType = String(ctx.req.headers['x-amz-checksum-type'] ?? 'FULL_OBJECT').toUpperCase();
  const partCrcs = await crc32sOfParts(ctx, requested, typeof sentFull === 'string');
  const upload = uploadFor(ctx); // again: it may have been completed or aborted meanwhile
  const fullWanted = typeof sentFull === 'string' || upload.checksumAlgorithm === 'CRC32';
  const stored = new Map(ctx.services.objects.parts(upload.uploadId).map((p) => [p.partNumber, p]));
  const crcOf = (part: StoredPart) => part.checksumCrc32 ?? partCrcs.get(part.file);
  const composite = compositeAlgorithm(upload.checksumAlgorithm);
  const chosen = [];
  let previous = 0;
  for (const p of requested) {
    const number = Number(String(p?.PartNumber ?? '').trim());
    if (!Number.isInteger(number)) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    if (number <= previous) throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.');
    previous = number;
    const part = stored.get(number);
    const etag = String(p?.ETag ?? '').trim();
    if (!part || (etag !== part.etag && `"${etag}"` !== part.etag)) {
      throw new S3Error('InvalidPart', "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", 400, { UploadId: upload.uploadId, PartNumber: String(number), ETag: etag });
    }
    const sentCrc = p?.ChecksumCRC32 !== undefined ? String(p.ChecksumCRC32).trim() : undefined;
    if (sentCrc !== undefined && sentCrc !== crcOf(part)) {
      throw new S3Error('InvalidPart', `The checksum of part ${number} does not match the part's checksum.`, 400, { UploadId: upload.uploadId, PartNumber: String(number) });
    }
    if (composite) {
      const sent = p?.[`Checksum${composite}`] !== undefined ? String(p[`Checksum${composite}`]).trim() : undefined;
      if (sent === undefined) {
        throw new S3Error('InvalidRequest', `The upload was created using a ${composite.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${number} in the request.`);
      }
      if (part.checksum?.algorithm !== composite || part.checksum.value !== sent) {
        throw new S3Error('InvalidPart', `The checksum of part ${number} does not match the part's checksum.`, 400, { UploadId: upload.uploadId, PartNumber: String(number) });
      }
    }
    chosen.push(part);
  }
  for (let i = 0; i < chosen.length - 1; i++) {
    if (chosen[i].size < MIN_PART_SIZE) {
      throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', 400, {
        ProposedSize: String(chosen[i].size),
        MinSizeAllowed: String(MIN_PART_SIZE),
        PartNumber: String(chosen[i].partNumber),
        ETag: chosen[i].etag,
      });
    }
  }
  const md5 = createHash('md5');
  for (const part of chosen) md5.update(Buffer.from(part.etag.replace(/"/g, ''), 'hex'));
  const etag = `"${md5.digest('hex')}-${chosen.length}"`;
  // Full-object CRC32 (what aws-amplify sends with x-amz-checksum-type: FULL_OBJECT), combined from the parts'.
  let fullCrc32: string | undefined;
  if (fullWanted) {
    let full = 0;
    for (const part of chosen) full = crc32Combine(full, Buffer.from(crcOf(part)!, 'base64').readUInt32BE(0), part.size);
    fullCrc32 = crc32Base64(full);
  }
  if (typeof sentFull === 'string' && checksumType === 'FULL_OBJECT' && sentFull !== fullCrc32) {
    throw new S3Error('BadDigest', 'The CRC32 you specified for the full object did not match the calculated checksum.');
  }
  // SHA1, SHA256, CRC32C uploads: S3's COMPOSITE checksum, the checksum of the parts' checksums, "-<parts>".
  let compositeValue: string | undefined;
  if (composite && composite !== 'CRC64NVME' && !(composite === 'CRC32C' && checksumType === 'FULL_OBJECT' && ctx.req.headers['x-amz-checksum-type'] !== undefined)) {
    const c = checksummer(composite);
    for (const part of chosen) c.update(Buffer.from(part.checksum!.value, 'base64'));
    compositeValue = `${c.digest()}-${chosen.length}`;
  }
  ctx.services.objects.completeUpload(upload.uploadId, {
    bucket: upload.bucket,
    key: upload.key,
    size: chosen.reduce((n, p) => n + p.size, 0),
    etag,
    lastModified: ctx.services.now(),
    contentType: upload.contentType,
    headers: compositeValue ? { ...upload.headers, [checksumHeader(composite!)]: compositeValue, 'x-amz-checksum-type': 'COMPOSITE' } : upload.headers,
    metadata: upload.metadata,
    checksumCrc32: fullCrc32,
    segments: chosen.map((p) => ({ file: p.file, size: p.size })),
  });
  const location = `http://${ctx.req.headers.host ?? 'localhost'}/${ctx.bucket.name}/${ctx.key.split('/').map(encodeURIComponent).join('/')}`;
  sendXml(ctx, 200, `<CompleteMultipartUploadResult xmlns="${XML_NS}">${tag('Location', location)}${tag('Bucket', upload.bucket)}${tag('Key', upload.key)}${tag('ETag', etag)}${
    fullCrc32 ? tag('ChecksumCRC32', fullCrc32) + tag('ChecksumType', 'FULL_OBJECT') : ''
  }${compositeValue ? tag(`Checksum${composite}`, compositeValue) + tag('ChecksumType', 'COMPOSITE') : ''}</CompleteMultipartUploadResult>`);
}

/**
 * The CRC32 (base64) of each requested part stored without one (no CRC32 was sent with it and the upload was
 * not created with CRC32), by part file, read from its file — only when the Complete request needs them: for
 * the full object's CRC32 (`full`, or an upload created with CRC32), or to check a part's CRC32 it names.
 * Parts re-uploaded meanwhile are read too; the caller looks the parts up again afterwards.
 */
async function crc32sOfParts(ctx: S3Context, requested: any[], full: boolean): Promise<Map<string, string>> {
  const computed = new Map<string, string>();
  const upload = uploadFor(ctx);
  if (!full && upload.checksumAlgorithm !== 'CRC32' && !requested.some((p) => p?.ChecksumCRC32 !== undefined)) return computed;
  const wanted = new Set(requested.map((p) => Number(String(p?.PartNumber ?? '').trim())));
  for (;;) {
    const lacking = ctx.services.objects.parts(upload.uploadId).filter((p) => wanted.has(p.partNumber) && p.checksumCrc32 === undefined && !computed.has(p.file));
    if (lacking.length === 0) return computed;
    const crcs = await ctx.services.objects.crc32OfBlobs(lacking.map((p) => p.file));
    lacking.forEach((p, i) => computed.set(p.file, crc32Base64(crcs[i])));
  }
}

/** An upload created with a flexible checksum other than CRC32: every part carries it, Complete names each. */
function compositeAlgorithm(algorithm: string | undefined): ChecksumAlgorithm | undefined {
  return CHECKSUM_ALGORITHMS.find((a) => a === algorithm && a !== 'CRC32');
}

export async function abortMultipartUpload(ctx: S3Context): Promise<void> {
  authorize(ctx, 's3:AbortMultipartUpload', objectArn(ctx.bucket.name, ctx.key));
  ctx.req.resume();
  const upload = uploadFor(ctx);
  ctx.services.objects.abortUpload(upload.uploadId);
  sendEmpty(ctx, 204);
}

export async function listParts(ctx: S3Context): Promise<void> {
  authorize(ctx, 's3:ListMultipartUploadParts', objectArn(ctx.bucket.name, ctx.key));
  ctx.req.resume();
  const upload = uploadFor(ctx);
  const maxParts = Math.min(parseIntParam(ctx.query.get('max-parts'), 'max-parts', 0, 2147483647) ?? 1000, 1000);
  const marker = parseIntParam(ctx.query.get('part-number-marker'), 'part-number-marker', 0, 10000) ?? 0;
  const all = ctx.services.objects.parts(upload.uploadId).filter((p) => p.partNumber > marker);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  const xml =
    `<ListPartsResult xmlns="${XML_NS}">` +
    tag('Bucket', upload.bucket) +
    tag('Key', upload.key) +
    tag('UploadId', upload.uploadId) +
    tag('PartNumberMarker', marker) +
    (truncated ? tag('NextPartNumberMarker', page[page.length - 1].partNumber) : '') +
    tag('MaxParts', maxParts) +
    tag('IsTruncated', truncated) +
    tag('StorageClass', 'STANDARD') +
    (upload.checksumAlgorithm ? tag('ChecksumAlgorithm', upload.checksumAlgorithm) : '') +
    page
      .map(
        (p) =>
          `<Part>${tag('PartNumber', p.partNumber)}${tag('LastModified', isoDate(p.lastModified))}${tag('ETag', p.etag)}${tag('Size', p.size)}${
            upload.checksumAlgorithm === 'CRC32' && p.checksumCrc32 ? tag('ChecksumCRC32', p.checksumCrc32) : ''
          }${p.checksum && p.checksum.algorithm === upload.checksumAlgorithm && p.checksum.algorithm !== 'CRC32' ? tag(`Checksum${p.checksum.algorithm}`, p.checksum.value) : ''}</Part>`,
      )
      .join('') +
    '</ListPartsResult>';
  sendXml(ctx, 200, xml);
}
