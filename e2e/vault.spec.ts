/**
 * The Vault, end to end, in a real Chromium against the local cloud (issue 6):
 * sign up (code from the outbox) → profile edit → TOTP on → sign out → sign in
 * with TOTP → private image (preview) and a 6 MiB file (progress, multipart) →
 * a second user sees neither and a direct S3 call with their credentials is
 * denied, but reads (not changes) the first user's protected PDF → the first
 * user turns TOTP off and signs in without a code → a guest sees public files
 * only → the ADMIN_EMAILS administrator
 * moves that user into EDITORS, who then writes to shared/ → forgot password →
 * sign out everywhere. axe runs on every page; screenshots land in e2e/artifacts.
 */
import { readFileSync } from 'node:fs';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { E2E_ADMIN_EMAIL } from './stack';
import {
  awsAs,
  codeFor,
  expectAccessible,
  openPlace,
  person,
  pngBytes,
  screenshot,
  section,
  signIn,
  signOut,
  signUp,
  submitSignIn,
  totpCode,
} from './helpers';

test.describe.configure({ mode: 'serial' });

const run = Date.now().toString(36);
const alice = person('alice', run, 1);
const bob = person('bob', run, 2);
const admin = { ...person('admin', run, 3), email: E2E_ADMIN_EMAIL };
const SIX_MIB = 6 * 1024 * 1024;
const MINIMAL_PDF =
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
  '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

let browser: Browser;
const contexts: BrowserContext[] = [];
async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  return context.newPage();
}

let alicePage: Page;
let totpSecret = '';
let lastTotp: string | undefined;
let aliceIdentity = '';
let bobPage: Page;

test.beforeAll(async ({ browser: b }) => {
  browser = b;
});
test.afterAll(async () => {
  for (const context of contexts) await context.close();
});

test('a new user signs up with a code from the outbox and lands on their files', async () => {
  alicePage = await newPage();
  await alicePage.goto('/');
  await expect(alicePage.getByLabel('Email or phone number')).toBeVisible();
  await expectAccessible(alicePage, 'sign in');
  await screenshot(alicePage, 'sign-in');
  await alicePage.getByRole('tab', { name: 'Create Account' }).click();
  await expectAccessible(alicePage, 'sign up');
  await signUp(alicePage, alice, { beta: true });
  // One browser, the areas as places; My files is shown first, at /.
  const places = alicePage.getByRole('navigation', { name: 'Places' });
  await expect(places.getByRole('link')).toHaveText(['My files', 'With signed-in people', 'With everyone', 'From others', 'Team', 'Public']);
  await expect(alicePage.getByRole('link', { name: /Admin/ })).toHaveCount(0);
  await expect(section(alicePage, 'My files').getByText('No files here yet.')).toBeVisible();
  await expect(alicePage).toHaveTitle('My files · Amplify Vault');
  await expectAccessible(alicePage, 'files');
  await screenshot(alicePage, 'files-empty');
  aliceIdentity = (await awsAs(alicePage)).identityId;
});

test('the profile shows the sign-up attributes and saves edits', async () => {
  const page = alicePage;
  await page.getByRole('link', { name: 'Profile' }).click();
  const details = section(page, 'Your details');
  await expect(details.getByLabel('Preferred username')).toHaveValue('alice');
  await expect(details.getByLabel('Birthdate')).toHaveValue('1990-04-23');
  await expect(details.getByRole('checkbox', { name: 'Beta features' })).toBeChecked();
  await expect(section(page, 'Email and phone').getByText('(verified)')).toBeVisible();
  await details.getByLabel('Preferred username').fill('alice-w');
  await details.getByLabel('Birthdate').fill('1991-05-24');
  await details.getByRole('checkbox', { name: 'Beta features' }).uncheck();
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(details.getByText('Your details are saved.')).toBeVisible();
  await page.reload();
  await expect(section(page, 'Your details').getByLabel('Preferred username')).toHaveValue('alice-w');
  await expect(section(page, 'Your details').getByLabel('Birthdate')).toHaveValue('1991-05-24');
  await expect(section(page, 'Your details').getByRole('checkbox', { name: 'Beta features' })).not.toBeChecked();
  await expect(page.getByText('Signed in as alice-w')).toBeVisible();
  await expectAccessible(page, 'profile');
});

test('TOTP set up with the QR code, then required at the next sign-in', async () => {
  const page = alicePage;
  const mfa = section(page, 'Two-step sign-in');
  await mfa.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(mfa.getByRole('img', { name: /QR code/ })).toBeVisible();
  totpSecret = (await mfa.getByTestId('totp-secret').textContent())!.trim();
  expect(totpSecret).toMatch(/^[A-Z2-7]{16,}$/);
  await expectAccessible(page, 'profile / TOTP setup');
  await screenshot(page, 'profile-totp-setup');
  lastTotp = await totpCode(totpSecret);
  await mfa.getByLabel('Code from the app').fill(lastTotp);
  await mfa.getByRole('button', { name: 'Turn on authenticator app' }).click();
  await expect(mfa.getByText('Two-step sign-in with your authenticator app is on.')).toBeVisible();
  await expect(mfa.getByRole('button', { name: 'Turn off authenticator app' })).toBeVisible();

  await signOut(page);
  await submitSignIn(page, alice.email, alice.password);
  const code = page.getByLabel(/Code/);
  await expect(code).toBeVisible();
  await expectAccessible(page, 'sign in / TOTP');
  await screenshot(page, 'sign-in-totp');
  lastTotp = await totpCode(totpSecret, lastTotp);
  await code.fill(lastTotp);
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Places' })).toBeVisible();
  expect((await awsAs(page)).identityId, 'the same identity after signing in again').toBe(aliceIdentity);
});

test('uploads a private image with a preview, a 6 MiB file with progress, a PDF, and a public note', async () => {
  const page = alicePage;
  const priv = section(page, 'My files');
  await priv.getByLabel('Upload files').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: await pngBytes(page) });
  await expect(priv.getByText('Uploaded photo.png.')).toBeVisible();
  const row = priv.getByRole('row', { name: /photo\.png/ });
  await row.getByRole('button', { name: 'Preview photo.png' }).click();
  const img = priv.getByRole('img', { name: 'Preview of photo.png' });
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(16);

  const parts: string[] = [];
  page.on('request', (request) => {
    if (/[?&]partNumber=\d+/.test(request.url()) && request.method() === 'PUT') parts.push(request.url());
  });
  const big = Buffer.alloc(SIX_MIB, 7);
  await priv.getByLabel('Upload files').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: big });
  await expect(priv.getByRole('progressbar', { name: /Uploading big.bin/ })).toBeVisible();
  await screenshot(page, 'upload-progress');
  await expect(priv.getByText('Uploaded big.bin.')).toBeVisible({ timeout: 60_000 });
  await expect(priv.getByRole('row', { name: /big\.bin/ })).toContainText('6.0 MiB');
  expect(parts.length, 'a 6 MiB upload goes multipart (5 MiB parts)').toBe(2);

  // A PDF in protected/ (shared with signed-in people): previewed in a frame from a presigned URL.
  const prot = await openPlace(page, 'With signed-in people', 'Shared with signed-in people');
  await expect(page).toHaveURL(/\/files\/shared-by-me$/);
  await prot.getByLabel('Upload files').setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from(MINIMAL_PDF) });
  await expect(prot.getByText('Uploaded notes.pdf.')).toBeVisible();
  await prot.getByRole('button', { name: 'Preview notes.pdf' }).click();
  const frame = prot.locator('iframe[title="Preview of notes.pdf"]');
  await expect(frame).toBeVisible();
  const pdf = await page.request.get((await frame.getAttribute('src'))!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).toString()).toBe(MINIMAL_PDF);

  const pub = await openPlace(page, 'With everyone', 'Shared with everyone');
  await pub.getByLabel('Upload files').setInputFiles({ name: `hello-${run}.txt`, mimeType: 'text/plain', buffer: Buffer.from('hello from alice') });
  await expect(pub.getByText(`Uploaded hello-${run}.txt.`)).toBeVisible();
  await expectAccessible(page, 'files with uploads');
  await screenshot(page, 'files-uploaded');
  // The place is in the address: back returns to the place before, reload keeps it.
  await page.goBack();
  await expect(section(page, 'Shared with signed-in people').getByRole('row', { name: /notes\.pdf/ })).toBeVisible();
  await page.reload();
  await expect(section(page, 'Shared with signed-in people').getByRole('row', { name: /notes\.pdf/ })).toBeVisible();
  await page.goBack();
  await expect(section(page, 'My files').getByRole('row', { name: /photo\.png/ })).toBeVisible();
});

test("a second user sees neither of alice's files, and S3 denies them directly", async () => {
  bobPage = await newPage();
  await signUp(bobPage, bob);
  const priv = section(bobPage, 'My files');
  await expect(priv.getByText('No files here yet.')).toBeVisible();
  await expect(bobPage.getByText('photo.png')).toHaveCount(0);
  await expect(bobPage.getByText('big.bin')).toHaveCount(0);
  // Alice's public folder is named by her verified email (published by the API), never by her
  // identity id; Bob can read, not delete.
  const bobPublic = await openPlace(bobPage, 'Public', 'Public files');
  await bobPublic.getByRole('button', { name: alice.email, exact: true }).click();
  await expect(bobPublic.getByText(`hello-${run}.txt`)).toBeVisible();
  await expect(bobPublic.getByRole('button', { name: `Delete hello-${run}.txt` })).toHaveCount(0);
  // The team area is read-only outside EDITORS.
  const team = await openPlace(bobPage, 'Team', 'Team files');
  await expect(team.getByText(/No files here yet|team-/).first()).toBeVisible();
  await expect(team.getByLabel(/Upload/)).toHaveCount(0);

  // The same identity-pool credentials the browser gets, used with the AWS SDK directly.
  const asAlice = await awsAs(alicePage);
  const asBob = await awsAs(bobPage);
  expect(asBob.identityId).not.toBe(aliceIdentity);
  const Bucket = asBob.bucket;
  const aliceKey = `private/${aliceIdentity}/photo.png`;
  // Control: the object is there, and alice may read it…
  const mine = await asAlice.s3.send(new GetObjectCommand({ Bucket, Key: aliceKey }));
  expect(mine.ContentType).toBe('image/png');
  // …bob's credentials work for his own folder…
  const own = await asBob.s3.send(new ListObjectsV2Command({ Bucket, Prefix: `private/${asBob.identityId}/` }));
  expect(own.KeyCount ?? 0).toBe(0);
  // …and are refused for alice's.
  await expect(asBob.s3.send(new GetObjectCommand({ Bucket, Key: aliceKey }))).rejects.toMatchObject({ name: 'AccessDenied' });
  await expect(asBob.s3.send(new ListObjectsV2Command({ Bucket, Prefix: `private/${aliceIdentity}/` }))).rejects.toMatchObject({
    name: 'AccessDenied',
  });
});

test("the second user reads alice's protected PDF, read-only, and still none of her private files", async () => {
  const page = bobPage;
  const others = await openPlace(page, 'From others', 'From others');
  // protected/ is listed by person (their verified email), never by identity id; bob's own folder is not offered among them.
  await expect(others.getByRole('button', { name: alice.email, exact: true })).toHaveCount(1);
  await expect(others.getByRole('button', { name: /Person/ })).toHaveCount(0);
  await expect(others).not.toContainText((await awsAs(page)).identityId);
  await expect(others).not.toContainText(aliceIdentity);
  await others.getByRole('button', { name: alice.email, exact: true }).click();
  const notes = others.getByRole('row', { name: /notes\.pdf/ });
  await expect(notes).toBeVisible();
  await expect(others.getByRole('navigation', { name: 'From others folders' })).toContainText(alice.email);
  await expect(others.getByLabel(/Upload/)).toHaveCount(0);
  await expect(others.getByLabel('New folder')).toHaveCount(0);
  await expect(others.getByRole('button', { name: /Delete/ })).toHaveCount(0);
  await expect(page.getByText('photo.png')).toHaveCount(0);
  await expect(page.getByText('big.bin')).toHaveCount(0);

  await notes.getByRole('button', { name: 'Preview notes.pdf' }).click();
  const frame = others.locator('iframe[title="Preview of notes.pdf"]');
  await expect(frame).toBeVisible();
  const pdf = await page.request.get((await frame.getAttribute('src'))!);
  expect(pdf.status()).toBe(200);
  expect((await pdf.body()).toString()).toBe(MINIMAL_PDF);
  const downloading = page.waitForEvent('download');
  await notes.getByRole('button', { name: 'Download notes.pdf' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('notes.pdf');
  expect(readFileSync(await download.path()).toString()).toBe(MINIMAL_PDF);
  await expect(page.getByRole('navigation', { name: 'Places' })).toBeVisible(); // still in the app
  await expectAccessible(page, "others' protected files");
  await screenshot(page, 'others-protected');

  // IAM agrees: bob may list and read alice's protected folder, but not write or delete there.
  const asBob = await awsAs(page);
  const Bucket = asBob.bucket;
  const Key = `protected/${aliceIdentity}/notes.pdf`;
  const listed = await asBob.s3.send(new ListObjectsV2Command({ Bucket, Prefix: `protected/${aliceIdentity}/` }));
  expect(listed.Contents?.map((o) => o.Key)).toEqual([Key]);
  await expect(
    asBob.s3.send(new PutObjectCommand({ Bucket, Key: `protected/${aliceIdentity}/from-bob.txt`, Body: 'hi' })),
  ).rejects.toMatchObject({ name: 'AccessDenied' });
  await expect(asBob.s3.send(new DeleteObjectCommand({ Bucket, Key }))).rejects.toMatchObject({ name: 'AccessDenied' });
  expect((await asBob.s3.send(new HeadObjectCommand({ Bucket, Key }))).ContentLength).toBe(MINIMAL_PDF.length);
});

test('turning TOTP off from the profile: the next sign-in asks for no code', async () => {
  const page = alicePage;
  await page.getByRole('link', { name: 'Profile' }).click();
  const mfa = section(page, 'Two-step sign-in');
  await mfa.getByRole('button', { name: 'Turn off authenticator app' }).click();
  await expect(mfa.getByText('Authenticator app sign-in is off.')).toBeVisible();
  await expect(mfa.getByRole('button', { name: 'Set up an authenticator app' })).toBeVisible();

  await signOut(page);
  await submitSignIn(page, alice.email, alice.password);
  await expect(page.getByRole('navigation', { name: 'Places' })).toBeVisible(); // no code screen on the way
  expect((await awsAs(page)).identityId).toBe(aliceIdentity);
  // Cognito kept the change: the profile still says off after signing in again.
  await page.getByRole('link', { name: 'Profile' }).click();
  await expect(section(page, 'Two-step sign-in').getByRole('button', { name: 'Set up an authenticator app' })).toBeVisible();
  await expect(section(page, 'Two-step sign-in').getByRole('button', { name: 'Turn off authenticator app' })).toHaveCount(0);
});

test('a guest sees public files only', async () => {
  const page = await newPage();
  await page.goto('/');
  await page.getByRole('link', { name: 'Browse public files without signing in' }).click();
  await expect(page.getByRole('heading', { name: 'Public files' })).toBeVisible();
  // Guests are shown no names (owner names are for signed-in people): a neutral label.
  await section(page, 'Public files').getByRole('button', { name: 'Person 1', exact: true }).click();
  await expect(section(page, 'Public files').getByText(`hello-${run}.txt`)).toBeVisible();
  await expect(section(page, 'My files')).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Places' })).toHaveCount(0);
  await expect(page.getByLabel(/Upload/)).toHaveCount(0);
  await expect(page.getByText('photo.png')).toHaveCount(0);
  await expectAccessible(page, 'public files (guest)');
  await screenshot(page, 'guest-public');
});

test('the ADMIN_EMAILS administrator moves bob into EDITORS, who then writes to shared/', async () => {
  const page = await newPage();
  await signUp(page, admin);
  await page.getByRole('link', { name: 'Admin', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
  const bobRow = page.getByRole('row', { name: new RegExp(bob.email.replace(/[+.]/g, '\\$&')) });
  const editors = bobRow.getByRole('checkbox', { name: 'EDITORS' });
  await expect(editors).not.toBeChecked();
  await expectAccessible(page, 'admin');
  await editors.click(); // the box turns on once Cognito has answered
  await expect(page.getByText(`Added ${bob.email} to EDITORS.`)).toBeVisible();
  await expect(bobRow.getByRole('checkbox', { name: 'EDITORS' })).toBeChecked();
  await screenshot(page, 'admin');
  await expect(section(page, 'Admin files')).toHaveCount(0); // the admin files are a place of the Files page
  await page.getByRole('link', { name: 'Files' }).click();
  await openPlace(page, 'Admin files', 'Admin files');

  // Bob refreshes his session and gets the EDITORS role.
  await bobPage.getByRole('link', { name: 'Profile' }).click();
  await bobPage.getByRole('button', { name: 'Refresh my access' }).click();
  await expect(section(bobPage, 'Access')).toContainText('Groups: EDITORS');
  await bobPage.getByRole('link', { name: 'Files' }).click();
  const shared = await openPlace(bobPage, 'Team', 'Team files');
  await shared.getByLabel('Upload files').setInputFiles({ name: `team-${run}.txt`, mimeType: 'text/plain', buffer: Buffer.from('from bob') });
  await expect(shared.getByText(`Uploaded team-${run}.txt.`)).toBeVisible();
  await expect(shared.getByRole('row', { name: new RegExp(`team-${run}`) })).toBeVisible();
});

test('forgot password: a code from the outbox sets a new password', async () => {
  const page = bobPage;
  await signOut(page);
  await page.getByRole('button', { name: /Forgot your password/ }).click();
  await page.getByLabel('Email or phone number of your account').fill(bob.email);
  const sent = Date.now();
  await page.getByRole('button', { name: 'Send code' }).click();
  const code = await codeFor(bob.email, sent);
  await page.getByLabel(/Code/).fill(code);
  bob.password = `${bob.password}New`;
  await page.getByLabel('New Password', { exact: true }).fill(bob.password);
  await page.getByLabel('Confirm Password').fill(bob.password);
  await expectAccessible(page, 'reset password');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByLabel('Email or phone number')).toBeVisible();
  await signIn(page, bob.email, bob.password);
});

test('sign out everywhere ends the other browser’s session too', async () => {
  const other = await newPage({ width: 390, height: 844 }); // and a phone-sized screen
  await signIn(other, `+1${bob.phone}`, bob.password); // by phone number this time
  const overflow = await other.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'no horizontal scrolling on a phone').toBeLessThanOrEqual(0);
  await screenshot(other, 'files-phone');

  await bobPage.getByRole('link', { name: 'Profile' }).click();
  await bobPage.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(bobPage.getByLabel('Email or phone number')).toBeVisible();

  await other.reload();
  await expect(other.getByLabel('Email or phone number')).toBeVisible();
  await screenshot(other, 'signed-out-everywhere-phone');
});
