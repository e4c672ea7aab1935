import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, type SignedInCloud, startSignedInCloud } from './testing/signed-in-cloud';

/**
 * Objects are served from the local cloud's own origin, next to /_localcloud/outbox:
 * every S3 response is sandboxed (CSP `sandbox`, no allow-same-origin → an opaque
 * origin for any HTML/SVG/XML document) and never sniffed, so an uploaded page
 * cannot script the local cloud's endpoints. PDFs (no script access to the origin
 * in browsers' viewers, and previewed by the app in an iframe) are the exception.
 */
let env: SignedInCloud;
let me: Caller;

beforeAll(async () => {
  env = await startSignedInCloud();
  me = await env.user('isolation');
}, 120_000);
afterAll(() => env?.close());

const sandboxed = (res: Response) => {
  expect(res.headers.get('content-security-policy')).toBe('sandbox');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
};

describe('S3 content cannot script the local cloud origin', () => {
  it('an uploaded HTML page opened through its presigned URL is sandboxed and not sniffed', async () => {
    const Key = `private/${me.identityId}/steal.html`;
    const page = `<script>fetch('/_localcloud/outbox').then((r) => r.text()).then(alert)</script>`;
    await me.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key, Body: page, ContentType: 'text/html' }));
    const res = await fetch(await getSignedUrl(me.s3, new GetObjectCommand({ Bucket: env.bucket, Key }), { expiresIn: 60 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    sandboxed(res);
    expect(await res.text()).toBe(page);
  });

  it('SVG, a response-content-type override and HEAD are sandboxed too', async () => {
    const Key = `private/${me.identityId}/image.svg`;
    await me.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key, Body: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', ContentType: 'image/svg+xml' }));
    sandboxed(await fetch(await getSignedUrl(me.s3, new GetObjectCommand({ Bucket: env.bucket, Key }), { expiresIn: 60 })));
    sandboxed(await fetch(await getSignedUrl(me.s3, new GetObjectCommand({ Bucket: env.bucket, Key, ResponseContentType: 'text/html' }), { expiresIn: 60 })));
    sandboxed(await fetch(await getSignedUrl(me.s3, new HeadObjectCommand({ Bucket: env.bucket, Key }), { expiresIn: 60 }), { method: 'HEAD' }));
  });

  it('XML answers and errors are sandboxed as well (they are documents a browser could open)', async () => {
    sandboxed(await fetch(await getSignedUrl(me.s3, new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `private/${me.identityId}/` }), { expiresIn: 60 })));
    sandboxed(await fetch(`${env.cloud.url}/${env.bucket}/public/x.html`)); // anonymous: AccessDenied
  });

  it('a PDF is served unsandboxed (browsers refuse to render sandboxed PDFs; their viewers cannot script the origin), still nosniff', async () => {
    const Key = `private/${me.identityId}/doc.pdf`;
    await me.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key, Body: '%PDF-1.4\n%%EOF\n', ContentType: 'application/pdf' }));
    const res = await fetch(await getSignedUrl(me.s3, new GetObjectCommand({ Bucket: env.bucket, Key }), { expiresIn: 60 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // The same bytes served as HTML are sandboxed.
    const asHtml = `private/${me.identityId}/doc.html`;
    await me.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: asHtml, Body: '<p>x</p>', ContentType: 'application/pdf, text/html' }));
    sandboxed(await fetch(await getSignedUrl(me.s3, new GetObjectCommand({ Bucket: env.bucket, Key: asHtml }), { expiresIn: 60 })));
  });
});

describe('request ids', () => {
  it('every S3 response carries x-amz-request-id and x-amz-id-2 (success, error, preflight)', async () => {
    const Key = `private/${me.identityId}/ids.txt`;
    const put = await fetch(await getSignedUrl(me.s3, new PutObjectCommand({ Bucket: env.bucket, Key }), { expiresIn: 60 }), { method: 'PUT', body: '' });
    const get = await fetch(await getSignedUrl(me.s3, new GetObjectCommand({ Bucket: env.bucket, Key }), { expiresIn: 60 }));
    const denied = await fetch(`${env.cloud.url}/${env.bucket}/public/x.txt`);
    const preflight = await fetch(`${env.cloud.url}/${env.bucket}/public/x.txt`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT' },
    });
    const ids = new Set<string>();
    for (const [res, status] of [[put, 200], [get, 200], [denied, 403], [preflight, 200]] as const) {
      expect(res.status).toBe(status);
      const id = res.headers.get('x-amz-request-id');
      expect(id).toMatch(/^[0-9A-F]{16}$/);
      expect(res.headers.get('x-amz-id-2')).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
      ids.add(id!);
    }
    expect(ids.size).toBe(4);
  });
});
