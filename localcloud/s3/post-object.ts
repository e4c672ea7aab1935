import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { BoundCredentials, CredentialsStore } from '../iam/credentials';
import { ALGORITHM, signingKey, UNSIGNED_PAYLOAD, type VerifiedSignature } from '../sigv4/verify';
import { authorize, objectArn, receiveBlob, type S3Context, sendEmpty, sendXml, tag, uploadAttributes } from './context';
import { escapeXml, preconditionFailed, S3Error } from './errors';
import { formBoundary, MultipartForm } from './multipart-form';
import { MAX_PUT_SIZE } from './put-object';

/**
 * PostObject: a browser form upload (multipart/form-data POST to the bucket)
 * authorized by a signed POST policy (AWS Signature Version 4): the signature
 * over the base64 policy with the credential's signing key, the policy's
 * expiration and every condition (exact match, eq, starts-with,
 * content-length-range, bucket; every form field must be named by one), then
 * IAM's s3:PutObject for the signing credentials — as for any PutObject.
 */
export type PostContext = Omit<S3Context, 'credentials' | 'signature' | 'key'>;

/** Form fields S3 reads at most (all fields before the file together). */
const MAX_FIELDS_BYTES = 20 * 1024;
/** Fields a policy need not name. */
const UNCHECKED = new Set(['policy', 'x-amz-signature', 'file']);

const policyError = (message: string) => new S3Error('AccessDenied', `Invalid according to Policy: ${message}`, 403);
const invalidPolicy = (message: string) => new S3Error('InvalidPolicyDocument', `Invalid Policy: ${message}`, 400);
const missingField = (name: string) =>
  new S3Error('InvalidArgument', `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, 400, { ArgumentName: name, ArgumentValue: '' });

export async function postObject(ctx: PostContext, credentialsStore: CredentialsStore, checkKey: (key: string) => void): Promise<void> {
  const boundary = formBoundary(ctx.req.headers['content-type']);
  if (!boundary) {
    throw preconditionFailed('Bucket POST must be of the enclosure-type multipart/form-data');
  }
  const form = new MultipartForm(ctx.req as AsyncIterable<Buffer>, boundary);
  // Fields up to the file (lower-cased names; the first of a repeated name counts).
  const fields = new Map<string, { name: string; value: string }>();
  let fieldBytes = 0;
  let file: { filename: string; contentType?: string } | undefined;
  for (let part = await form.nextPart(true); part; part = await form.nextPart(false)) {
    if (part.filename !== undefined || part.name.toLowerCase() === 'file') {
      file = { filename: part.filename ?? '', contentType: part.contentType };
      break;
    }
    const value = await form.text(MAX_FIELDS_BYTES - fieldBytes, () => new S3Error('MaxPostPreDataLengthExceeded', 'Your POST request fields preceding the upload file were too large.'));
    fieldBytes += value.length + part.name.length;
    if (!fields.has(part.name.toLowerCase())) fields.set(part.name.toLowerCase(), { name: part.name, value });
  }
  if (!file) throw new S3Error('InvalidArgument', 'POST requires exactly one file upload per request.', 400, { ArgumentName: 'file', ArgumentValue: '0' });
  const field = (name: string) => fields.get(name)?.value;

  const formKey = field('key');
  if (formKey === undefined) throw missingField('key');
  const policyText = field('policy');
  if (policyText === undefined) throw new S3Error('AccessDenied', 'Anonymous access is not allowed: a POST upload must carry a signed policy.', 403);
  const credentials = verifyPolicySignature(ctx, credentialsStore, field);
  const policy = parsePolicy(policyText);
  const expiration = Date.parse(policy.expiration);
  if (ctx.services.now().getTime() > expiration) throw policyError('Policy expired.');

  // Conditions: each must hold; every field must be named by one.
  const named = new Set<string>(['bucket']);
  let range: [number, number] | undefined;
  const valueOf = (name: string) => (name === 'bucket' ? ctx.bucket.name : (field(name) ?? ''));
  for (const condition of policy.conditions) {
    if (Array.isArray(condition)) {
      const op = String(condition[0]).toLowerCase();
      if (op === 'content-length-range') {
        const [min, max] = [Number(condition[1]), Number(condition[2])];
        if (condition.length !== 3 || !Number.isInteger(min) || !Number.isInteger(max) || min < 0) throw invalidPolicy('Invalid content-length-range condition.');
        range = [min, max];
        continue;
      }
      if ((op !== 'eq' && op !== 'starts-with') || condition.length !== 3 || typeof condition[1] !== 'string' || !condition[1].startsWith('$') || typeof condition[2] !== 'string') {
        throw invalidPolicy(`Invalid Condition: ${JSON.stringify(condition)}`);
      }
      const name = condition[1].slice(1).toLowerCase();
      named.add(name);
      const actual = valueOf(name);
      const ok = op === 'eq' ? actual === condition[2] : startsWith(name, actual, condition[2]);
      if (!ok) throw policyError(`Policy Condition failed: ${conditionText(condition)}`);
    } else if (condition && typeof condition === 'object') {
      const entries = Object.entries(condition);
      if (entries.length !== 1 || typeof entries[0][1] !== 'string') throw invalidPolicy(`Invalid Condition: ${JSON.stringify(condition)}`);
      const [name, expected] = [entries[0][0].toLowerCase(), entries[0][1]];
      named.add(name);
      if (valueOf(name) !== expected) throw policyError(`Policy Condition failed: ${conditionText(['eq', `$${entries[0][0]}`, expected])}`);
    } else {
      throw invalidPolicy(`Invalid Condition: ${JSON.stringify(condition)}`);
    }
  }
  const extra = [...fields.keys()].filter((n) => !UNCHECKED.has(n) && !n.startsWith('x-ignore-') && !named.has(n));
  if (extra.length > 0) throw policyError(`Extra input fields: ${extra.map((n) => fields.get(n)!.name).join(', ')}`);

  const key = formKey.replace(/\$\{filename\}/g, file.filename);
  if (key === '') throw new S3Error('InvalidArgument', 'User key must have a length greater than 0.', 400, { ArgumentName: 'key', ArgumentValue: '' });
  checkKey(key);
  const signature: VerifiedSignature = {
    mode: 'header',
    accessKeyId: credentials.accessKeyId,
    payloadHash: UNSIGNED_PAYLOAD,
    signature: field('x-amz-signature')!,
    signingKey: Buffer.alloc(0),
    amzDate: field('x-amz-date')!,
    scope: '',
    signedHeaders: [],
    secret: { secretAccessKey: '' },
  };
  const objectCtx: S3Context = { ...ctx, key, credentials, signature };
  authorize(objectCtx, 's3:PutObject', objectArn(ctx.bucket.name, key));

  // The file, streamed into a blob as any PutObject body; then the rest of the form is drained.
  const formHeaders: Record<string, string> = {};
  for (const [name, { value }] of fields) formHeaders[name] = value;
  const attributes = uploadAttributes({ headers: formHeaders } as unknown as IncomingMessage);
  if (formHeaders['content-type'] === undefined) attributes.contentType = 'binary/octet-stream';
  const body = Object.assign(Readable.from(form.body()), { headers: {} }) as unknown as IncomingMessage;
  const max = Math.min(MAX_PUT_SIZE, range ? range[1] : MAX_PUT_SIZE);
  const { file: blob, summary } = await receiveBlob({ ...objectCtx, req: body }, max);
  try {
    if (range && summary.size < range[0]) {
      throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, { ProposedSize: String(summary.size), MinSizeAllowed: String(range[0]) });
    }
    for (let part = await form.nextPart(false); part; part = await form.nextPart(false)) for await (const chunk of form.body()) void chunk;
  } catch (e) {
    ctx.services.objects.discardBlob(blob);
    throw e;
  }
  const etag = `"${summary.md5Hex}"`;
  ctx.services.objects.put({
    bucket: ctx.bucket.name,
    key,
    size: summary.size,
    etag,
    lastModified: ctx.services.now(),
    ...attributes,
    segments: [{ file: blob, size: summary.size }],
  });

  const location = `http://${ctx.req.headers.host ?? 'localhost'}/${ctx.bucket.name}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const redirect = field('success_action_redirect') ?? field('redirect');
  if (redirect && /^https?:\/\//i.test(redirect)) {
    const target = new URL(redirect);
    target.searchParams.set('bucket', ctx.bucket.name);
    target.searchParams.set('key', key);
    target.searchParams.set('etag', etag);
    sendEmpty(ctx as S3Context, 303, { Location: target.toString(), ETag: etag });
    return;
  }
  const status = field('success_action_status');
  if (status === '200') return sendEmpty(ctx as S3Context, 200, { ETag: etag, Location: location });
  if (status === '201') {
    return sendXml(ctx as S3Context, 201, `<PostResponse>${tag('Location', location)}${tag('Bucket', ctx.bucket.name)}${tag('Key', key)}${tag('ETag', etag)}</PostResponse>`, { ETag: etag, Location: location });
  }
  sendEmpty(ctx as S3Context, 204, { ETag: etag, Location: location });
}

/** A condition as S3 quotes it in its errors: `["eq", "$key", "a.txt"]`. */
const conditionText = (condition: unknown[]) => `[${condition.map((c) => JSON.stringify(c)).join(', ')}]`;

/** starts-with; for Content-Type a comma-separated value must start so in each of its entries (S3's rule). */
function startsWith(name: string, actual: string, prefix: string): boolean {
  if (name === 'content-type' && actual.includes(',')) return actual.split(',').every((v) => v.trim().startsWith(prefix));
  return actual.startsWith(prefix);
}

function parsePolicy(base64: string): { expiration: string; conditions: unknown[] } {
  let doc: any;
  try {
    doc = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (!doc || typeof doc !== 'object') throw invalidPolicy('Invalid JSON.');
  if (typeof doc.expiration !== 'string') throw invalidPolicy('Policy missing expiration.');
  if (Number.isNaN(Date.parse(doc.expiration))) throw invalidPolicy(`Invalid 'expiration' value: '${escapeXml(doc.expiration)}'`);
  if (!Array.isArray(doc.conditions)) throw invalidPolicy('Policy missing conditions.');
  return doc;
}

/** x-amz-algorithm, x-amz-credential, x-amz-date, x-amz-signature (and the session token) → the signing credentials. */
function verifyPolicySignature(ctx: PostContext, store: CredentialsStore, field: (name: string) => string | undefined): BoundCredentials {
  for (const name of ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature']) if (field(name) === undefined) throw missingField(name);
  if (field('x-amz-algorithm') !== ALGORITHM) throw new S3Error('InvalidArgument', 'Only AWS4-HMAC-SHA256 is supported for x-amz-algorithm.', 400, { ArgumentName: 'x-amz-algorithm', ArgumentValue: field('x-amz-algorithm')! });
  const credential = field('x-amz-credential')!;
  const [accessKeyId, date, region, service, terminator, ...rest] = credential.split('/');
  if (rest.length > 0 || terminator !== 'aws4_request' || service !== 's3' || !/^\d{8}$/.test(date ?? '')) {
    throw new S3Error('InvalidArgument', `Invalid credential: ${credential}`, 400, { ArgumentName: 'x-amz-credential', ArgumentValue: credential });
  }
  if (region !== ctx.services.region) {
    throw new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${region}' is wrong; expecting '${ctx.services.region}'`, 400);
  }
  if (!field('x-amz-date')!.startsWith(date)) throw new S3Error('InvalidArgument', 'The date of x-amz-credential is not the date of x-amz-date.', 400, { ArgumentName: 'x-amz-date', ArgumentValue: field('x-amz-date')! });
  const credentials = store.lookup(accessKeyId);
  if (!credentials) throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403);
  const token = field('x-amz-security-token');
  if (credentials.sessionToken !== undefined && token !== credentials.sessionToken) {
    throw new S3Error('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400);
  }
  if (credentials.expiration && ctx.services.now().getTime() >= credentials.expiration.getTime()) throw new S3Error('ExpiredToken', 'The provided token has expired.', 400);
  const expected = createHmac('sha256', signingKey(credentials.secretAccessKey, date, region, 's3')).update(field('policy')!, 'utf8').digest('hex');
  const sent = field('x-amz-signature')!;
  if (sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) {
    throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', 403);
  }
  return credentials;
}

