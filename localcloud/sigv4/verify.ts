import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createScope } from '@smithy/signature-v4';
import { canonicalQuery, canonicalUri, headerValues, parseQuery } from './canonical';
import { SigV4Error } from './errors';

/**
 * Server-side AWS Signature Version 4 verification, for the Authorization header
 * and for presigned query strings.
 *
 * The verifier recomputes the canonical request from the request as received
 * and compares signatures in constant time. It checks the credential scope
 * (date, region, service, aws4_request), the clock skew (15 minutes), the
 * presigned expiry, and the session token bound to the access key. The body is
 * NOT read here: the result carries the declared payload hash (a hex SHA-256,
 * UNSIGNED-PAYLOAD or a STREAMING-* form) and the signing key, so the caller
 * verifies the body while streaming it (see payload.ts and chunked.ts).
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const MAX_SKEW_MS = 15 * 60 * 1000;
export const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SigningSecret {
  secretAccessKey: string;
  /** When the key is temporary: the session token the request must carry. */
  sessionToken?: string;
  /** When the key expires (temporary credentials). */
  expiration?: Date;
}

export interface SigV4Request {
  method: string;
  /** Path and query exactly as received, e.g. `/bucket/a%20b?list-type=2`. */
  url: string;
  /** Header lines as received (node: pairs(req.rawHeaders)). */
  headers: [string, string][];
}

export interface VerifyOptions {
  /** The service name the scope must carry (`s3`, `cognito-idp`, `ssm`, ...). */
  service: string;
  /** The region the scope must carry; undefined accepts any. */
  region?: string;
  now?: () => Date;
  lookup: (accessKeyId: string) => SigningSecret | undefined;
  /** S3 canonicalization (single encoding, no path normalization). Default: service === 's3'. */
  s3?: boolean;
  /** For services whose body is hashed in the signature (non-S3): the body's SHA-256 hex. */
  payloadHash?: string;
  maxSkewMs?: number;
}

export interface VerifiedSignature {
  mode: 'header' | 'query';
  accessKeyId: string;
  /** The value used as the canonical request's payload hash. */
  payloadHash: string;
  signature: string;
  signingKey: Buffer;
  /** yyyymmddThhmmssZ */
  amzDate: string;
  scope: string;
  signedHeaders: string[];
  secret: SigningSecret;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const keyCache = new Map<string, Buffer>();
export function signingKey(secretAccessKey: string, shortDate: string, region: string, service: string): Buffer {
  const cacheKey = `${secretAccessKey}\u0000${shortDate}\u0000${region}\u0000${service}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, shortDate), region), service), 'aws4_request');
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function equalHex(a: string, b: string): boolean {
  if (a.length !== b.length || !/^[0-9a-f]*$/.test(a)) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Does the request carry a SigV4 signature at all (header or query)? */
export function isSigned(req: SigV4Request): boolean {
  if (req.headers.some(([n]) => n.toLowerCase() === 'authorization')) return true;
  return /[?&]X-Amz-Algorithm=/i.test(req.url);
}

export function verifySigV4(req: SigV4Request, options: VerifyOptions): VerifiedSignature {
  const s3 = options.s3 ?? options.service === 's3';
  const now = options.now?.() ?? new Date();
  const headers = headerValues(req.headers);
  const q = req.url.indexOf('?');
  const rawPath = q === -1 ? req.url : req.url.slice(0, q);
  const rawQuery = q === -1 ? '' : req.url.slice(q + 1);
  if (!rawPath.startsWith('/')) throw new SigV4Error('InvalidRequest', 'The request target must be an absolute path.');
  const params = parseQuery(rawQuery, { plusAsSpace: s3 });
  const param = (name: string) => params.find(([k]) => k === name)?.[1];

  const authorization = headers.get('authorization');
  const presigned = param('X-Amz-Algorithm') !== undefined;
  if (authorization !== undefined && presigned) {
    throw new SigV4Error('InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.');
  }
  let mode: 'header' | 'query';
  let credential: string;
  let signedHeadersText: string;
  let signature: string;
  let amzDateText: string | undefined;
  let sessionToken: string | undefined;
  let expiresSeconds: number | undefined;
  if (authorization !== undefined) {
    mode = 'header';
    const m = /^AWS4-HMAC-SHA256 (.*)$/.exec(authorization);
    if (!m) {
      if (authorization.startsWith('AWS ')) throw new SigV4Error('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
      throw new SigV4Error('AuthorizationHeaderMalformed', 'The authorization header is malformed; the authorization header requires AWS4-HMAC-SHA256.');
    }
    const fields = new Map<string, string>();
    for (const part of m[1].split(',')) {
      const eq = part.indexOf('=');
      if (eq === -1) continue;
      fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    credential = fields.get('Credential') ?? '';
    signedHeadersText = fields.get('SignedHeaders') ?? '';
    signature = fields.get('Signature') ?? '';
    if (!credential || !signedHeadersText || !signature) {
      throw new SigV4Error('AuthorizationHeaderMalformed', 'The authorization header is malformed; it must contain Credential, SignedHeaders and Signature.');
    }
    amzDateText = headers.get('x-amz-date') ?? (headers.get('date') ? toAmzDate(headers.get('date')!) : undefined);
    sessionToken = headers.get('x-amz-security-token');
  } else if (presigned) {
    mode = 'query';
    if (param('X-Amz-Algorithm') !== ALGORITHM) {
      throw new SigV4Error('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    }
    credential = param('X-Amz-Credential') ?? '';
    signedHeadersText = param('X-Amz-SignedHeaders') ?? '';
    signature = param('X-Amz-Signature') ?? '';
    amzDateText = param('X-Amz-Date');
    sessionToken = param('X-Amz-Security-Token');
    const expires = param('X-Amz-Expires');
    if (!credential || !signedHeadersText || !signature || !amzDateText || expires === undefined) {
      throw new SigV4Error('AuthorizationQueryParametersError', 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
    }
    if (!/^\d+$/.test(expires)) throw new SigV4Error('AuthorizationQueryParametersError', 'X-Amz-Expires should be a number');
    expiresSeconds = Number(expires);
    if (expiresSeconds > MAX_PRESIGNED_SECONDS) {
      throw new SigV4Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds) that is 604800');
    }
  } else {
    throw new SigV4Error('AccessDenied', 'Anonymous access is not allowed: the request carries no AWS Signature Version 4.');
  }

  // Credential scope: AKID/yyyymmdd/region/service/aws4_request
  const scopeParts = credential.split('/');
  const malformed = mode === 'header' ? 'AuthorizationHeaderMalformed' : 'AuthorizationQueryParametersError';
  if (scopeParts.length !== 5 || scopeParts[4] !== 'aws4_request') {
    throw new SigV4Error(malformed, `The credential "${credential}" is malformed; expected "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  const [accessKeyId, shortDate, region, service] = scopeParts;
  if (!amzDateText) throw new SigV4Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  const date = parseAmzDate(amzDateText);
  if (!date) throw new SigV4Error(mode === 'header' ? 'AccessDenied' : 'AuthorizationQueryParametersError', `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"; got "${amzDateText}".`);
  if (shortDate !== amzDateText.slice(0, 8)) {
    throw new SigV4Error(malformed, `The authorization header is malformed; Invalid credential date "${shortDate}". This date is not the same as X-Amz-Date: "${amzDateText.slice(0, 8)}".`);
  }
  if (options.region !== undefined && region !== options.region) {
    throw new SigV4Error(malformed, `The authorization header is malformed; the region '${region}' is wrong; expecting '${options.region}'`);
  }
  if (service !== options.service) {
    throw new SigV4Error(malformed, `The authorization header is malformed; incorrect service "${service}". This endpoint belongs to "${options.service}".`);
  }

  // Time: skew for header signatures, validity window for presigned URLs.
  const maxSkew = options.maxSkewMs ?? MAX_SKEW_MS;
  const skew = date.getTime() - now.getTime();
  if (mode === 'header') {
    if (Math.abs(skew) > maxSkew) {
      throw new SigV4Error('RequestTimeTooSkewed', `The difference between the request time (${amzDateText}) and the server's time (${toAmzDate(now.toUTCString())}) is too large.`);
    }
  } else {
    if (skew > maxSkew) throw new SigV4Error('AccessDenied', 'Request is not valid yet');
    if (now.getTime() > date.getTime() + expiresSeconds! * 1000) throw new SigV4Error('AccessDenied', 'Request has expired');
  }

  const secret = options.lookup(accessKeyId);
  if (!secret) throw new SigV4Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (secret.sessionToken !== undefined) {
    if (sessionToken === undefined) throw new SigV4Error('InvalidToken', 'The provided token is malformed or otherwise invalid: this temporary access key requires its session token.');
    if (!equalText(sessionToken, secret.sessionToken)) throw new SigV4Error('InvalidToken', 'The provided token is malformed or otherwise invalid.');
  } else if (sessionToken !== undefined) {
    throw new SigV4Error('InvalidToken', 'The provided token is malformed or otherwise invalid.');
  }
  if (secret.expiration && now.getTime() >= secret.expiration.getTime()) {
    throw new SigV4Error('ExpiredToken', 'The provided token has expired.');
  }

  // Signed headers: sorted, lower case, must include host.
  const signedHeaders = signedHeadersText.split(';');
  if (signedHeaders.some((h) => h !== h.toLowerCase() || h === '') || !signedHeaders.includes('host')) {
    throw new SigV4Error(malformed, 'The list of signed headers is malformed; it must be lower case, separated by ";" and include "host".');
  }
  if (mode === 'header' && s3) {
    for (const name of headers.keys()) {
      if (name.startsWith('x-amz-') && !signedHeaders.includes(name)) {
        throw new SigV4Error('AccessDenied', `There were headers present in the request which were not signed: ${name}`);
      }
    }
  }
  for (const h of signedHeaders) {
    if (!headers.has(h)) throw new SigV4Error('SignatureDoesNotMatch', `The header "${h}" is signed but absent from the request.`);
  }

  // Payload hash.
  let payloadHash: string;
  if (mode === 'query') {
    payloadHash = s3 ? (headers.get('x-amz-content-sha256') ?? UNSIGNED_PAYLOAD) : (options.payloadHash ?? EMPTY_SHA256);
  } else if (s3) {
    const declared = headers.get('x-amz-content-sha256');
    if (declared === undefined) throw new SigV4Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    if (!/^[0-9a-f]{64}$/.test(declared) && !/^(UNSIGNED-PAYLOAD|STREAMING-UNSIGNED-PAYLOAD-TRAILER|STREAMING-AWS4-HMAC-SHA256-PAYLOAD|STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)$/.test(declared)) {
      throw new SigV4Error('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.');
    }
    payloadHash = declared;
  } else {
    payloadHash = options.payloadHash ?? headers.get('x-amz-content-sha256') ?? EMPTY_SHA256;
  }

  const scope = createScope(shortDate, region, service);
  const key = signingKey(secret.secretAccessKey, shortDate, region, service);
  const rest = [canonicalQuery(params), signedHeaders.map((h) => `${h}:${headers.get(h)}\n`).join(''), signedHeadersText, payloadHash].join('\n');
  const expectedFor = (uri: string) => {
    const canonicalRequest = `${req.method.toUpperCase()}\n${uri}\n${rest}`;
    const stringToSign = `${ALGORITHM}\n${amzDateText}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    return { canonicalRequest, stringToSign, expected: createHmac('sha256', key).update(stringToSign).digest('hex') };
  };
  // S3: the path re-encoded from its decoded segments (what the SDKs sign); a client that
  // signed the path exactly as it sent it (e.g. with a raw ":") is accepted too — both
  // forms are computed from the bytes received.
  const uri = canonicalUri(rawPath, s3);
  let attempt = expectedFor(uri);
  if (!equalHex(signature, attempt.expected) && s3 && rawPath !== uri) attempt = expectedFor(rawPath);
  const { canonicalRequest, stringToSign, expected } = attempt;
  if (!equalHex(signature, expected)) {
    const error = new SigV4Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    Object.assign(error, { canonicalRequest, stringToSign });
    throw error;
  }
  return { mode, accessKeyId, payloadHash, signature, signingKey: key, amzDate: amzDateText, scope, signedHeaders, secret };
}

function toAmzDate(httpDate: string): string | undefined {
  const d = new Date(httpDate);
  if (Number.isNaN(d.getTime())) return undefined;
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}
