import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import { EMPTY_SHA256, type VerifiedSignature } from '../sigv4/verify';
import { S3Error } from './errors';
import { type ChecksumAlgorithm, checkChecksum, checkContentMd5, checksumHeader, checksummer, declaredChecksum } from './checksums';
import { hashPool, SLAB_SIZE, type Slab } from './hash-worker';

/**
 * Reads a request body as S3 does, handing the decoded payload to a sink piece
 * by piece (never buffering the whole body) and verifying, at the end:
 *  - a hex x-amz-content-sha256 against the bytes (XAmzContentSHA256Mismatch);
 *  - aws-chunked bodies (STREAMING-*): chunk framing, each chunk's signature
 *    (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]), the trailer signature,
 *    x-amz-decoded-content-length;
 *  - Content-MD5 and the x-amz-checksum-* (CRC32, CRC32C, CRC64NVME, SHA1,
 *    SHA256; header or trailer) → BadDigest.
 * The caller must not commit anything until the returned promise has resolved.
 */
export interface PayloadSummary {
  size: number;
  md5Hex: string;
  /** base64 of the big-endian CRC32, as S3 shows it: computed when asked for (or a CRC32 was sent to check). */
  crc32?: string;
  /** CRC32 the client sent (header or trailer), verified. */
  sentCrc32?: string;
  /** The flexible checksum the client sent (header or trailer, any algorithm), verified. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
}

/**
 * Where the payload goes. `write` gets each piece with its offset in the body;
 * several writes may be in flight, and the buffer is reused once the returned
 * promise settles. `finish` (optional) runs once every write has settled, while
 * the last hashes are computed (e.g. the file's fsync).
 */
export interface PayloadSink {
  write(bytes: Buffer, position: number): Promise<unknown> | void;
  finish?(): Promise<unknown>;
}

const MAX_CHUNK = 64 * 1024 * 1024;
/** Bodies from this size on are hashed on a worker thread (see hash-worker.ts). */
const OFFLOAD_THRESHOLD = 1024 * 1024;
/** Writes of unpooled pieces in flight before the body waits for them. */
const MAX_WRITES_IN_FLIGHT = 16;

export function crc32Base64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b.toString('base64');
}

/** `crc32`: compute the body's CRC32 even when the client sent none (e.g. a part of an upload created with CRC32). */
export async function receivePayload(
  req: IncomingMessage,
  sig: VerifiedSignature | undefined,
  summary: PayloadSummary,
  maxSize: number,
  sink: PayloadSink,
  options: { crc32?: boolean } = {},
): Promise<void> {
  const declared = sig?.payloadHash ?? 'UNSIGNED-PAYLOAD';
  checkContentMd5(req.headers);
  const flexible = declaredChecksum(req.headers);
  const wantCrc = options.crc32 === true || flexible?.algorithm === 'CRC32';
  // Small bodies hash in place; large ones (by Content-Length or aws-chunked) on a worker.
  const length = Number(req.headers['x-amz-decoded-content-length'] ?? req.headers['content-length'] ?? 0);
  const offload = length >= OFFLOAD_THRESHOLD;
  const verifySha = !declared.startsWith('STREAMING-') && /^[0-9a-f]{64}$/.test(declared);
  const worker = offload ? hashPool.start(verifySha ? ['md5', 'sha256'] : ['md5'], wantCrc) : undefined;
  const localMd5 = worker ? undefined : createHash('md5');
  const localSha = verifySha && !worker ? createHash('sha256') : undefined;
  // A flexible checksum other than CRC32 (always computed): hashed as the body streams.
  const extra = flexible && flexible.algorithm !== 'CRC32' ? checksummer(flexible.algorithm) : undefined;
  let crc = 0;
  let size = 0;

  // Writes in flight; the first failure is rethrown.
  const inFlight = new Set<Promise<unknown>>();
  let writeError: unknown;
  const startWrite = (bytes: Buffer, position: number, done?: () => void) => {
    const w = sink.write(bytes, position);
    if (!w) return done?.();
    const p: Promise<unknown> = w.then(
      () => undefined,
      (e) => (writeError ??= e),
    ).finally(() => {
      inFlight.delete(p);
      done?.();
    });
    inFlight.add(p);
  };
  const settleWrites = async () => {
    while (inFlight.size > 0) await Promise.race(inFlight);
    if (writeError) throw writeError;
  };

  // Offloaded bodies: copied into the slab being filled; full slabs go to the worker and the sink together.
  let slab: Slab | undefined;
  let filled = 0;
  let slabStart = 0;
  const submit = () => {
    const s = slab!;
    worker!.hash(s, filled);
    startWrite(s.bytes.subarray(0, filled), slabStart, () => worker!.release(s));
    slab = undefined;
  };
  const take = async (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxSize) throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, { MaxSizeAllowed: String(maxSize) });
    if (writeError) throw writeError;
    extra?.update(chunk);
    if (!worker) {
      if (wantCrc) crc = crc32(chunk, crc);
      localMd5!.update(chunk);
      localSha?.update(chunk);
      startWrite(chunk, size - chunk.length);
      if (inFlight.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(inFlight);
      return;
    }
    let offset = 0;
    while (offset < chunk.length) {
      if (!slab) {
        slab = await worker.slab();
        filled = 0;
        slabStart = size - chunk.length + offset;
      }
      // fill() copies with memcpy; copy() into shared memory goes byte by byte when the offsets are unaligned.
      const n = Math.min(SLAB_SIZE - filled, chunk.length - offset);
      slab.bytes.fill(chunk.subarray(offset, offset + n), filled, filled + n);
      filled += n;
      offset += n;
      if (filled === SLAB_SIZE) submit();
    }
  };

  let completed = false;
  try {
    const trailers = new Map<string, string>();
    const encoding = String(req.headers['content-encoding'] ?? '');
    if (declared.startsWith('STREAMING-')) {
      const decoded = req.headers['x-amz-decoded-content-length'];
      if (decoded === undefined && !declared.includes('TRAILER')) {
        throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header (x-amz-decoded-content-length for aws-chunked).', 411);
      }
      for await (const chunk of decodeAwsChunked(req, declared, sig!, trailers)) await take(chunk);
      if (decoded !== undefined && Number(decoded) !== size) {
        throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header.');
      }
    } else {
      if (/aws-chunked/.test(encoding)) throw new S3Error('InvalidArgument', 'aws-chunked content encoding requires a STREAMING-* x-amz-content-sha256.');
      for await (const chunk of req as AsyncIterable<Buffer>) await take(chunk);
      const length = req.headers['content-length'];
      if (length !== undefined && Number(length) !== size) {
        throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
      }
    }
    if (slab) {
      if (filled > 0) submit();
      else {
        worker!.release(slab);
        slab = undefined;
      }
    }
    await settleWrites();
    // The sink's finish (the fsync) runs while the worker hashes the last slabs.
    const [digests] = await Promise.all([worker?.digest(), sink.finish?.()]);
    if (verifySha && (digests ? digests.hex[1] : localSha!.digest('hex')) !== declared) {
      throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    summary.size = size;
    summary.md5Hex = digests ? digests.hex[0] : localMd5!.digest('hex');
    if (wantCrc) summary.crc32 = crc32Base64(digests ? digests.crc32! : crc);
    const contentMd5 = req.headers['content-md5'];
    if (typeof contentMd5 === 'string' && Buffer.from(summary.md5Hex, 'hex').toString('base64') !== contentMd5) {
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    if (flexible) {
      const name = checksumHeader(flexible.algorithm);
      const sent = flexible.value ?? trailers.get(name);
      if (sent === undefined) throw new S3Error('InvalidRequest', `The ${name} trailer declared in x-amz-trailer is missing.`);
      checkChecksum(flexible.algorithm, sent, extra ? extra.digest() : summary.crc32!);
      summary.checksum = { algorithm: flexible.algorithm, value: sent };
      if (flexible.algorithm === 'CRC32') summary.sentCrc32 = sent;
    }
    completed = true;
  } finally {
    if (!completed) {
      if (slab) worker!.release(slab);
      worker?.drop();
      // No write may still be using a slab (or the file) once this returns.
      while (inFlight.size > 0) await Promise.race(inFlight);
    }
  }
}

async function* decodeAwsChunked(req: IncomingMessage, declared: string, sig: VerifiedSignature, trailers: Map<string, string>): AsyncGenerator<Buffer> {
  const signed = declared.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
  const withTrailer = declared.endsWith('-TRAILER');
  const iterator = (req as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let buf: Buffer = Buffer.alloc(0);
  let ended = false;
  let previous = sig.signature;
  const fill = async () => {
    if (ended) return false;
    const r = await iterator.next();
    if (r.done) {
      ended = true;
      return false;
    }
    buf = buf.length === 0 ? r.value : Buffer.concat([buf, r.value]);
    return true;
  };
  const readLine = async (allowEof = false): Promise<string | undefined> => {
    for (;;) {
      const i = buf.indexOf('\r\n');
      if (i !== -1) {
        const line = buf.subarray(0, i).toString('latin1');
        buf = buf.subarray(i + 2);
        return line;
      }
      if (buf.length > 8192) throw new S3Error('InvalidChunkSizeError', 'Only the last chunk is allowed to have a size less than 8192 bytes; chunk header too long.');
      if (!(await fill())) {
        if (allowEof && buf.length === 0) return undefined;
        throw new S3Error('IncompleteBody', 'The request body ended in the middle of an aws-chunked frame.');
      }
    }
  };
  const hmacHex = (data: string) => createHmac('sha256', sig.signingKey).update(data).digest('hex');
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

  for (;;) {
    const header = (await readLine())!;
    // Any signature text is compared, so a changed byte anywhere in it is a signature mismatch, not a framing error.
    const m = /^([0-9a-fA-F]{1,16})(?:;chunk-signature=([^;]*))?$/.exec(header);
    if (!m) throw new S3Error('InvalidChunkSizeError', 'Malformed aws-chunked chunk header.');
    const size = parseInt(m[1], 16);
    if (size > MAX_CHUNK) throw new S3Error('InvalidChunkSizeError', 'aws-chunked chunk too large.');
    if (signed && !m[2]) throw new S3Error('SignatureDoesNotMatch', 'A chunk of a signed aws-chunked body has no chunk-signature.', 403);
    const hash = signed ? createHash('sha256') : undefined;
    let remaining = size;
    while (remaining > 0) {
      if (buf.length === 0 && !(await fill())) throw new S3Error('IncompleteBody', 'The request body ended in the middle of a chunk.');
      const take = buf.subarray(0, Math.min(remaining, buf.length));
      buf = buf.subarray(take.length);
      remaining -= take.length;
      hash?.update(take);
      yield take;
    }
    if (signed) {
      const expected = hmacHex(`AWS4-HMAC-SHA256-PAYLOAD\n${sig.amzDate}\n${sig.scope}\n${previous}\n${EMPTY_SHA256}\n${hash!.digest('hex')}`);
      if (!same(expected, m[2])) throw new S3Error('SignatureDoesNotMatch', 'The chunk signature we calculated does not match the signature you provided.', 403);
      previous = expected;
    }
    if (size === 0) break;
    const end = await readLine();
    if (end !== '') throw new S3Error('InvalidChunkSizeError', 'An aws-chunked chunk is longer than its declared size.');
  }
  // Trailer lines, then an empty line (end of body also accepted).
  const lines: string[] = [];
  for (;;) {
    const line = await readLine(true);
    if (line === undefined || line === '') break;
    lines.push(line);
    if (lines.length > 20) throw new S3Error('MalformedTrailerError', 'Too many trailing headers.');
  }
  let trailerSignature: string | undefined;
  const canonical: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon === -1) throw new S3Error('MalformedTrailerError', 'The request contained trailing data that was not well-formed.');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSignature = value;
    else {
      trailers.set(name, value);
      canonical.push(`${name}:${value}\n`);
    }
  }
  if (!withTrailer && trailers.size > 0) throw new S3Error('MalformedTrailerError', 'Trailing headers were sent without a *-TRAILER content hash.');
  const declaredTrailer = String(req.headers['x-amz-trailer'] ?? '').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of declaredTrailer) if (withTrailer && !trailers.has(name)) throw new S3Error('MalformedTrailerError', `The trailer ${name} declared in x-amz-trailer is missing.`);
  for (const name of trailers.keys()) if (!declaredTrailer.includes(name)) throw new S3Error('MalformedTrailerError', `The trailer ${name} was not declared in x-amz-trailer.`);
  if (signed && withTrailer) {
    const expected = hmacHex(`AWS4-HMAC-SHA256-TRAILER\n${sig.amzDate}\n${sig.scope}\n${previous}\n${createHash('sha256').update(canonical.join('')).digest('hex')}`);
    if (!trailerSignature || !same(expected, trailerSignature)) {
      throw new S3Error('SignatureDoesNotMatch', 'The trailer signature we calculated does not match the signature you provided.', 403);
    }
  }
  if (buf.length > 0 || (await fill())) throw new S3Error('IncompleteBody', 'Data after the end of an aws-chunked body.');
}
