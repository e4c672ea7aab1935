/**
 * Uploaded content cannot script the local cloud (issue 11): S3 objects are
 * served from the local cloud's own origin, next to /_localcloud/outbox (every
 * pending sign-up and reset code). An HTML file a user uploads, opened in the
 * browser through its presigned URL, must not run as that origin: S3 responses
 * carry `Content-Security-Policy: sandbox` (an opaque origin, no scripts) and
 * `X-Content-Type-Options: nosniff`. The Vault's own previews (image in <img>,
 * PDF in an iframe) keep working — vault.spec.ts previews both.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { expect, test } from '@playwright/test';
import { awsAs, person, signUp } from './helpers';

const run = Date.now().toString(36);

test('an uploaded HTML page opened by its presigned URL runs no script and cannot read the outbox', async ({ page, context }) => {
  await signUp(page, person('mallory', run, 7));
  const { identityId, s3, bucket } = await awsAs(page);
  const Key = `private/${identityId}/steal.html`;
  const html =
    '<!doctype html><title>untouched</title><p id="out">static</p><script>' +
    "document.title = 'script ran';" +
    "fetch('/_localcloud/outbox').then((r) => r.text()).then((t) => { document.getElementById('out').textContent = 'read: ' + t; });" +
    '</script>';
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: html, ContentType: 'text/html' }));
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key }), { expiresIn: 300 });

  const outboxRequests: string[] = [];
  context.on('request', (request) => {
    if (request.url().includes('/_localcloud/outbox')) outboxRequests.push(request.url());
  });
  const attack = await context.newPage();
  const response = await attack.goto(url);
  expect(response!.status()).toBe(200);
  expect(response!.headers()['content-security-policy']).toBe('sandbox');
  expect(response!.headers()['x-content-type-options']).toBe('nosniff');
  await expect(attack.locator('#out')).toHaveText('static');
  await expect(attack).toHaveTitle('untouched');
  expect(outboxRequests).toEqual([]);
});
