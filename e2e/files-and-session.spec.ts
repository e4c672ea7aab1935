/**
 * Issue 13's remaining browser flows, in Debian's Chromium against the local cloud:
 * a real drop of two files where the large one is cancelled mid-upload, the overwrite
 * prompt (keep, then replace), sign-out in one tab followed by another tab without a
 * reload, and a token refresh that fails for a network reason without signing the person out.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { expect, test, type Page, type Route } from '@playwright/test';
import { awsAs, person, section, signOut, signUp } from './helpers';

const run = Date.now().toString(36);

/** The person's own file names at the top of their private folder, as S3 holds them. */
async function myKeys(page: Page): Promise<string[]> {
  const { identityId, s3, bucket } = await awsAs(page);
  const prefix = `private/${identityId}/`;
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!.slice(prefix.length)).sort();
}

async function myFile(page: Page, name: string): Promise<string> {
  const { identityId, s3, bucket } = await awsAs(page);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `private/${identityId}/${name}` }));
  return got.Body!.transformToString();
}

test('drag and drop two files: the small one arrives, the large one is cancelled mid-upload and never appears', async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, person('dropper', run, 1));
  const mine = section(page, 'My files');
  await expect(mine.getByText('No files here yet.')).toBeVisible();

  // Hold every part of a multipart upload (the 6 MiB file; the small one is a single PUT) until the end.
  const held: Route[] = [];
  await page.route(
    (url) => url.searchParams.has('partNumber') && url.searchParams.has('uploadId'),
    (route) => {
      held.push(route);
    },
  );

  const files = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['dropped here'], 'small.txt', { type: 'text/plain' }));
    transfer.items.add(new File([new Uint8Array(6 * 1024 * 1024)], 'big.bin', { type: 'application/octet-stream' }));
    return transfer;
  });
  await mine.dispatchEvent('dragenter', { dataTransfer: files });
  await mine.dispatchEvent('dragover', { dataTransfer: files });
  await mine.dispatchEvent('drop', { dataTransfer: files });

  // The large upload is in progress (a part is on its way to S3) when it is cancelled.
  const uploads = mine.getByRole('list', { name: 'Uploads' });
  await expect(uploads.getByText('Uploading big.bin')).toBeVisible();
  await expect.poll(() => held.length, { message: 'a part of big.bin sent' }).toBeGreaterThan(0);
  await uploads.getByRole('button', { name: 'Cancel upload of big.bin' }).click();

  await expect(mine.getByText('Uploaded small.txt. Cancelled big.bin.')).toBeVisible();
  await expect(mine.getByRole('row', { name: /small\.txt/ })).toBeVisible();
  await expect(mine.getByRole('row', { name: /big\.bin/ })).toHaveCount(0);
  await expect(uploads).toBeHidden();
  for (const route of held) await route.abort().catch(() => undefined);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  expect(await myKeys(page)).toEqual(['small.txt']);
  expect(await myFile(page, 'small.txt')).toBe('dropped here');
});

test('uploading a name that exists asks first: Cancel keeps the old file, Replace replaces it', async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, person('keeper', run, 2));
  const mine = section(page, 'My files');
  const upload = (text: string) => mine.getByLabel('Upload files').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });

  await upload('first draft');
  await expect(mine.getByText('Uploaded notes.txt.')).toBeVisible();
  await expect(mine.getByRole('row', { name: /notes\.txt/ })).toBeVisible();

  // Keep: nothing is sent, the old content stays.
  await upload('second, longer draft');
  const ask = mine.getByRole('alertdialog');
  await expect(ask).toContainText('notes.txt is already here. Replace it?');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();
  expect(await myFile(page, 'notes.txt')).toBe('first draft');

  // Replace: the new content is there.
  await upload('second, longer draft');
  await expect(ask).toContainText('notes.txt is already here. Replace it?');
  await ask.getByRole('button', { name: 'Replace' }).click();
  await expect(mine.getByText('Uploaded notes.txt.')).toBeVisible();
  await expect(ask).toBeHidden();
  await expect.poll(() => myFile(page, 'notes.txt')).toBe('second, longer draft');
  expect(await myKeys(page)).toEqual(['notes.txt']);
});

test('signing out in one tab shows the sign-in form in the other, without a reload', async ({ page, context }) => {
  test.setTimeout(120_000);
  await signUp(page, person('twotabs', run, 3));
  const other = await context.newPage();
  await other.goto('/');
  await expect(other.getByRole('navigation', { name: 'Places' })).toBeVisible();
  // A mark on the other tab's window: a reload would lose it.
  await other.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

  await signOut(page);
  await expect(other.getByLabel('Email or phone number')).toBeVisible();
  await expect(other.getByRole('navigation', { name: 'Places' })).toBeHidden();
  expect(await other.evaluate(() => 'stillTheSamePage' in window), 'the other tab was not reloaded').toBe(true);
  await other.close();
});

test('a token refresh that fails for a network reason keeps the person signed in; once back, the next action works', async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, person('offline', run, 4));
  const mine = section(page, 'My files');
  await expect(mine.getByText('No files here yet.')).toBeVisible();

  // The network to Cognito's token refresh is down (GetTokensFromRefreshToken, or InitiateAuth REFRESH_TOKEN_AUTH).
  let down = true;
  let refused = 0;
  let refreshed = 0;
  await page.route('**/*', async (route) => {
    const request = route.request();
    const target = (await request.headerValue('x-amz-target')) ?? '';
    const body = request.postData() ?? '';
    const refresh =
      target.endsWith('.GetTokensFromRefreshToken') || (target.endsWith('.InitiateAuth') && body.includes('REFRESH_TOKEN_AUTH'));
    if (!refresh) return route.fallback();
    if (down) {
      refused++;
      return route.abort('internetdisconnected');
    }
    refreshed++;
    return route.fallback();
  });
  const tokenBefore = await idToken(page);

  // Amplify refreshes once the tokens look expired: move its clock drift two days ahead.
  await page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (key.startsWith('CognitoIdentityServiceProvider.') && key.endsWith('.clockDrift')) localStorage.setItem(key, String(2 * 24 * 3600 * 1000));
    }
  });
  await mine.getByLabel('Upload files').setInputFiles({ name: 'during.txt', mimeType: 'text/plain', buffer: Buffer.from('offline') });

  // Still signed in, told that the session is being renewed.
  await expect(page.getByText('We could not reach the server to renew your session. Trying again…')).toBeVisible();
  expect(refused, 'a refresh was attempted and failed').toBeGreaterThan(0);
  await expect(page.getByRole('navigation', { name: 'Places' })).toBeVisible();
  await expect(page.getByLabel('Email or phone number')).toBeHidden();
  expect(await idToken(page), 'the tokens are kept').toBe(tokenBefore);

  // The network is back: the retry renews the session, and the next upload works.
  down = false;
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  // (A retry that fails again says "We could not load your account: …" instead; both go once renewed.)
  await expect(page.getByText(/We could not reach the server to renew your session|We could not load your account/)).toBeHidden();
  expect(refreshed, 'the session was renewed').toBeGreaterThan(0);
  expect(await idToken(page)).not.toBe(tokenBefore);
  await mine.getByLabel('Upload files').setInputFiles({ name: 'after.txt', mimeType: 'text/plain', buffer: Buffer.from('back online') });
  await expect(mine.getByText('Uploaded after.txt.')).toBeVisible();
  await expect(mine.getByRole('row', { name: /after\.txt/ })).toBeVisible();
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  expect(await myKeys(page)).toEqual(['after.txt']);
});

/** The id token in localStorage, or undefined when there is none (signed out). */
async function idToken(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (key.startsWith('CognitoIdentityServiceProvider.') && key.endsWith('.idToken')) return localStorage.getItem(key) ?? undefined;
    }
    return undefined;
  });
}
