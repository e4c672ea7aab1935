import { createHash } from 'node:crypto';
import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawConnection, rawRequest, signedHeaders } from './testing/raw-http';
import { type Caller, type SignedInCloud, startSignedInCloud } from './testing/signed-in-cloud';

/**
 * Requests no client library sends, written on a raw keep-alive connection:
 * each gets S3's error, and the connection then answers the next request
 * (or is closed cleanly after a response saying `Connection: close`).
 */
let env: SignedInCloud;
let me: Caller;
const connections: RawConnection[] = [];

beforeAll(async () => {
  env = await startSignedInCloud();
  me = await env.user('raw');
}, 120_000);
afterAll(async () => {
  for (const c of connections) c.close();
  await env?.close();
});

const open = () => {
  const c = new RawConnection(env.cloud.port);
  connections.push(c);
  return c;
};
const sign = (method: string, path: string, body: Buffer | string = '', extra: Record<string, string> = {}) =>
  signedHeaders({ port: env.cloud.port, region: env.region, credentials: me.credentials }, method, path, body, extra);
const code = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];

/** A signed GET of a key the caller owns: the request a usable connection answers next. */
async function stillAnswers(c: RawConnection) {
  const path = `/${env.bucket}/private/${me.identityId}/nothing-here.txt`;
  const res = await c.request(rawRequest('GET', path, await sign('GET', path)));
  expect(res.status).toBe(404);
  expect(code(res.body)).toBe('NoSuchKey');
}

describe('malformed requests get S3 errors on a connection that stays usable', () => {
  it('UploadPart without partNumber (or with 0) → 400 InvalidArgument', async () => {
    const Key = `private/${me.identityId}/parts.bin`;
    const { UploadId } = await me.s3.send(new CreateMultipartUploadCommand({ Bucket: env.bucket, Key }));
    const c = open();
    for (const query of [`uploadId=${encodeURIComponent(UploadId!)}`, `partNumber=0&uploadId=${encodeURIComponent(UploadId!)}`]) {
      const path = `/${env.bucket}/${Key}?${query}`;
      const res = await c.request(rawRequest('PUT', path, await sign('PUT', path, 'part'), 'part'));
      expect(res.status).toBe(400);
      expect(code(res.body)).toBe('InvalidArgument');
      expect(res.body).toContain('<Message>Part number must be an integer between 1 and 10000, inclusive</Message>');
      expect(res.body).toContain('<ArgumentName>partNumber</ArgumentName>');
    }
    await stillAnswers(c);
  });

  it('DeleteObjects whose body is not UTF-8 → 400 MalformedXML', async () => {
    const body = Buffer.concat([Buffer.from('<Delete><Object><Key>private/'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('</Key></Object></Delete>')]);
    const path = `/${env.bucket}?delete=`;
    const c = open();
    const res = await c.request(rawRequest('POST', path, await sign('POST', path, body, { 'content-md5': createHash('md5').update(body).digest('base64') }), body));
    expect(res.status).toBe(400);
    expect(code(res.body)).toBe('MalformedXML');
    await stillAnswers(c);
  });

  it('a 3 MiB DeleteObjects → 400 MaxMessageLengthExceeded, and the connection answers the next request', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 'a');
    const path = `/${env.bucket}?delete=`;
    const c = open();
    const res = await c.request(rawRequest('POST', path, await sign('POST', path, body), body));
    expect(res.status).toBe(400);
    expect(code(res.body)).toBe('MaxMessageLengthExceeded');
    await stillAnswers(c);
  });

  it('CONNECT → 405 MethodNotAllowed, then the connection is closed cleanly', async () => {
    const c = open();
    const res = await c.request(rawRequest('CONNECT', `127.0.0.1:${env.cloud.port}`, { host: `127.0.0.1:${env.cloud.port}` }));
    expect(res.status).toBe(405);
    expect(code(res.body)).toBe('MethodNotAllowed');
    expect(res.headers.connection).toBe('close');
    await c.closed;
    await stillAnswers(open());
  });

  it('two Host headers → 400, connection closed cleanly after the response', async () => {
    const path = `/${env.bucket}/private/${me.identityId}/nothing-here.txt`;
    const headers = Object.entries(await sign('GET', path));
    headers.push(['Host', 'evil.example']);
    const c = open();
    const res = await c.request(rawRequest('GET', path, headers));
    expect(res.status).toBe(400);
    expect(res.headers.connection).toBe('close');
    await c.closed;
  });
});
