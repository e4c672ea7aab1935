import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boto3 } from './testing/boto3';
import { type Caller, type SignedInCloud, startSignedInCloud } from './testing/signed-in-cloud';

/**
 * Browser form uploads (PostObject) with a POST policy signed by boto3's
 * generate_presigned_post — an independent client — sent as a browser would
 * (multipart/form-data, fields then the file). Accepted or refused exactly per
 * the policy's conditions, its expiration, its signature, and IAM.
 */
let env: SignedInCloud;
let me: Caller;
let other: Caller;

beforeAll(async () => {
  env = await startSignedInCloud();
  [me, other] = await Promise.all([env.user('poster'), env.user('post-victim')]);
}, 120_000);
afterAll(() => env?.close());

interface Presigned {
  url: string;
  fields: Record<string, string>;
}

/** boto3.generate_presigned_post(bucket, key, Fields, Conditions, ExpiresIn) for `caller`. */
const presignPost = (caller: Caller, key: string, fields: Record<string, string> = {}, conditions: unknown[] = [], expiresIn = 300) =>
  boto3<Presigned>(
    { endpoint: env.cloud.url, region: env.region, credentials: caller.credentials },
    "print(json.dumps(s3.generate_presigned_post(args['bucket'], args['key'], Fields=args['fields'], Conditions=args['conditions'], ExpiresIn=args['expires'])))",
    { bucket: env.bucket, key, fields, conditions, expires: expiresIn },
  );

/** The form as a browser sends it: every field, then the file. */
async function post(presigned: Presigned, file: string | Uint8Array<ArrayBuffer>, filename = 'upload.txt', extra: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...presigned.fields, ...extra })) form.append(k, v);
  form.append('file', new Blob([file]), filename);
  const res = await fetch(presigned.url, { method: 'POST', body: form });
  return { status: res.status, headers: res.headers, body: await res.text() };
}
const code = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
const message = (body: string) =>
  /<Message>([^<]*)<\/Message>/.exec(body)?.[1].replace(/&(quot|amp|lt|gt|apos);/g, (_, e: string) => ({ quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" })[e]!);
const exists = async (caller: Caller, Key: string) =>
  caller.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key })).then(
    () => true,
    (e: { name?: string }) => (e.name === 'NotFound' ? false : Promise.reject(e)),
  );

describe('PostObject with a signed POST policy', () => {
  it('stores the file under the key (${filename} substituted) with the Content-Type and metadata fields; 201 answers PostResponse', async () => {
    const prefix = `private/${me.identityId}/`;
    const presigned = await presignPost(
      me,
      `${prefix}\${filename}`,
      { 'Content-Type': 'text/plain', 'x-amz-meta-note': 'from a form', success_action_status: '201' },
      [{ 'Content-Type': 'text/plain' }, { 'x-amz-meta-note': 'from a form' }, { success_action_status: '201' }, ['content-length-range', 1, 1000]],
    );
    expect(presigned.url).toBe(`${env.cloud.url}/${env.bucket}`);
    const res = await post(presigned, 'form upload body', 'notes.txt');
    expect(res.status).toBe(201);
    expect(res.body).toContain(`<Key>${prefix}notes.txt</Key>`);
    expect(res.body).toContain(`<Bucket>${env.bucket}</Bucket>`);
    const got = await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: `${prefix}notes.txt` }));
    expect(await got.Body!.transformToString()).toBe('form upload body');
    expect(got.ContentType).toBe('text/plain');
    expect(got.Metadata).toEqual({ note: 'from a form' });
    expect(res.headers.get('etag')).toBe(got.ETag);
  });

  it('answers 204 by default', async () => {
    const Key = `private/${me.identityId}/default-status.bin`;
    const res = await post(await presignPost(me, Key), new Uint8Array([0, 1, 2, 255]));
    expect(res.status).toBe(204);
    const got = await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key }));
    expect([...(await got.Body!.transformToByteArray())]).toEqual([0, 1, 2, 255]);
  });

  it('a field that breaks a condition → 403 AccessDenied "Policy Condition failed", nothing stored', async () => {
    const Key = `private/${me.identityId}/typed.txt`;
    const presigned = await presignPost(me, Key, { 'Content-Type': 'text/plain' }, [['starts-with', '$Content-Type', 'text/']]);
    const res = await post({ ...presigned, fields: { ...presigned.fields, 'Content-Type': 'application/x-evil' } }, 'x');
    expect(res.status).toBe(403);
    expect(code(res.body)).toBe('AccessDenied');
    expect(message(res.body)).toBe('Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "text/"]');
    const key = await post({ ...presigned, fields: { ...presigned.fields, key: `private/${me.identityId}/elsewhere.txt` } }, 'x');
    expect(key.status).toBe(403);
    expect(message(key.body)).toMatch(/^Invalid according to Policy: Policy Condition failed: \["eq", "\$key", /);
    expect(await exists(me, Key)).toBe(false);
  });

  it('a field no condition names → 403 AccessDenied "Extra input fields"', async () => {
    const Key = `private/${me.identityId}/extra.txt`;
    const res = await post(await presignPost(me, Key), 'x', 'a.txt', { 'x-amz-meta-sneaky': 'yes' });
    expect(res.status).toBe(403);
    expect(message(res.body)).toBe('Invalid according to Policy: Extra input fields: x-amz-meta-sneaky');
    expect(await exists(me, Key)).toBe(false);
  });

  it('content-length-range: too large → 400 EntityTooLarge, too small → 400 EntityTooSmall', async () => {
    const Key = `private/${me.identityId}/sized.txt`;
    const presigned = await presignPost(me, Key, {}, [['content-length-range', 2, 10]]);
    const big = await post(presigned, 'x'.repeat(11));
    expect(big.status).toBe(400);
    expect(code(big.body)).toBe('EntityTooLarge');
    const small = await post(presigned, 'x');
    expect(small.status).toBe(400);
    expect(code(small.body)).toBe('EntityTooSmall');
    expect(await exists(me, Key)).toBe(false);
    expect((await post(presigned, 'x'.repeat(10))).status).toBe(204);
  });

  it('a changed signature or policy → 403 SignatureDoesNotMatch; an expired policy → 403 "Policy expired."', async () => {
    const Key = `private/${me.identityId}/signed.txt`;
    const presigned = await presignPost(me, Key);
    const sig = presigned.fields['x-amz-signature'];
    const forged = await post({ ...presigned, fields: { ...presigned.fields, 'x-amz-signature': (sig[0] === '0' ? '1' : '0') + sig.slice(1) } }, 'x');
    expect(forged.status).toBe(403);
    expect(code(forged.body)).toBe('SignatureDoesNotMatch');
    const policy = JSON.parse(Buffer.from(presigned.fields.policy, 'base64').toString());
    policy.conditions = policy.conditions.filter((c: unknown) => JSON.stringify(c) !== JSON.stringify({ key: Key }));
    const loosened = await post({ ...presigned, fields: { ...presigned.fields, policy: Buffer.from(JSON.stringify(policy)).toString('base64') } }, 'x');
    expect(loosened.status).toBe(403);
    expect(code(loosened.body)).toBe('SignatureDoesNotMatch');
    const expired = await post(await presignPost(me, Key, {}, [], -60), 'x');
    expect(expired.status).toBe(403);
    expect(message(expired.body)).toBe('Invalid according to Policy: Policy expired.');
    expect(await exists(me, Key)).toBe(false);
  });

  it("IAM decides for the signing credentials: a policy for another user's private folder is refused", async () => {
    const Key = `private/${other.identityId}/planted.txt`;
    const res = await post(await presignPost(me, Key), 'planted');
    expect(res.status).toBe(403);
    expect(code(res.body)).toBe('AccessDenied');
    expect(await exists(other, Key)).toBe(false);
  });

  it('malformed forms get S3 errors: not multipart → 412, no file → 400 InvalidArgument, no key → 400 InvalidArgument, broken body → 400 MalformedPOSTRequest', async () => {
    const url = `${env.cloud.url}/${env.bucket}`;
    const notForm = await fetch(url, { method: 'POST', body: 'key=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(notForm.status).toBe(412);
    expect(code(await notForm.text())).toBe('PreconditionFailed');
    const presigned = await presignPost(me, `private/${me.identityId}/x.txt`);
    const noFile = new FormData();
    for (const [k, v] of Object.entries(presigned.fields)) noFile.append(k, v);
    const noFileRes = await fetch(url, { method: 'POST', body: noFile });
    expect(noFileRes.status).toBe(400);
    expect(await noFileRes.text()).toContain('<ArgumentName>file</ArgumentName>');
    const { key: _key, ...withoutKey } = presigned.fields;
    const noKey = await post({ ...presigned, fields: withoutKey }, 'x');
    expect(noKey.status).toBe(400);
    expect(noKey.body).toContain('<ArgumentName>key</ArgumentName>');
    const broken = await fetch(url, { method: 'POST', body: '--b\r\nContent-Disposition: form-data; name="key"\r\n\r\nabc', headers: { 'content-type': 'multipart/form-data; boundary=b' } });
    expect(broken.status).toBe(400);
    expect(code(await broken.text())).toBe('MalformedPOSTRequest');
  });
});
