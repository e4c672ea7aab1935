import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copy, downloadData, getProperties, getUrl, list, remove, uploadData } from 'aws-amplify/storage';
import { useAmplifyAgainst } from './testing/amplify-node';
import { startRealCloud, type CloudUser, type RealCloud, type Session } from '../testing/real-cloud';

/** Unmodified aws-amplify/storage in Node against the local cloud (see testing/amplify-node.ts). */
let cloud: RealCloud;
let amplify: ReturnType<typeof useAmplifyAgainst>;

beforeAll(async () => {
  cloud = await startRealCloud();
  amplify = useAmplifyAgainst(cloud);
  people.userA = await cloud.signedInUser('amplify-user-a');
  people.userB = await cloud.signedInUser('amplify-user-b');
  people.admin = await cloud.signedInUser('amplify-admin', ['ADMINS']);
});
afterAll(async () => {
  amplify?.restore();
  await cloud?.close();
});

// Signed up, confirmed and signed in once for the file; each test switches between them.
const people: Record<'userA' | 'userB' | 'admin', CloudUser & Session> = {} as never;
const signIn = (who: keyof typeof people | undefined) => amplify.signIn(who && people[who]);

const denied = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'allowed';
  } catch (e) {
    return (e as Error).name;
  }
};

describe('aws-amplify/storage (Node) against the local cloud', () => {
  it('a signed-in user uploads, reads, lists, presigns, copies and removes in their own folders', async () => {
    await signIn('userA');
    // A folder of its own: other tests also write in this user's private folder.
    const path = ({ identityId }: { identityId?: string }) => `private/${identityId}/tour/notes.txt`;
    const uploaded = await uploadData({ path, data: 'hello from amplify', options: { contentType: 'text/plain', metadata: { kind: 'note' } } }).result;
    expect(uploaded.path).toMatch(/^private\/us-east-1:[0-9a-f-]+\/tour\/notes\.txt$/);
    const identityId = uploaded.path.split('/')[1];
    const downloaded = await downloadData({ path }).result;
    expect(await downloaded.body.text()).toBe('hello from amplify');
    const props = await getProperties({ path });
    expect(props.contentType).toBe('text/plain');
    expect(props.metadata).toEqual({ kind: 'note' });
    const listed = await list({ path: `private/${identityId}/tour/` });
    expect(listed.items.map((i) => i.path)).toEqual([`private/${identityId}/tour/notes.txt`]);
    const { url } = await getUrl({ path, options: { validateObjectExistence: true } });
    expect(url.toString()).toContain('X-Amz-Signature=');
    expect(await (await fetch(url)).text()).toBe('hello from amplify');
    // aws-amplify writes the disposition's spaces as `+`; S3 reads them as spaces.
    const disposition = 'attachment; filename="my notes.txt"';
    const download = await getUrl({ path, options: { contentDisposition: disposition } });
    expect(download.url.search).toContain('+');
    const response = await fetch(download.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(disposition);
    await copy({ source: { path: `private/${identityId}/tour/notes.txt` }, destination: { path: `protected/${identityId}/notes-copy.txt` } });
    expect(await (await downloadData({ path: `protected/${identityId}/notes-copy.txt` }).result).body.text()).toBe('hello from amplify');
    await remove({ path });
    expect(await denied(getProperties({ path }))).toBe('NotFound');
  });

  it('uploads a 6 MiB file in parts (multipart, parallel parts, ETag exposed) and reads it back', async () => {
    await signIn('userA');
    const data = new Uint8Array(6 * 1024 * 1024).map((_, i) => (i * 31) % 251);
    const result = await uploadData({ path: ({ identityId }) => `public/${identityId}/big.bin`, data, options: { checksumAlgorithm: 'crc-32' } }).result;
    const path = result.path;
    expect(path).toMatch(/^public\/[^/]+\/big\.bin$/);
    const back = new Uint8Array(await (await (await downloadData({ path }).result).body.blob()).arrayBuffer());
    expect(back.length).toBe(data.length);
    expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
    const stored = cloud.objects.get(cloud.bucket, path)!;
    expect(stored.etag).toMatch(/-2"$/);
    // aws-amplify sent a full-object CRC32 with CompleteMultipartUpload; it was verified and kept.
    const { crc32 } = await import('node:zlib');
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(crc32(data));
    expect(stored.checksumCrc32).toBe(expected.toString('base64'));
  });

  it('is refused what the policies refuse: another user’s private folder, admin/, and for guests any write', async () => {
    await signIn('userA');
    await uploadData({ path: ({ identityId }) => `private/${identityId}/mine.txt`, data: 'a' }).result;
    await uploadData({ path: ({ identityId }) => `public/${identityId}/from-a.txt`, data: 'a' }).result;
    const aId = (await list({ path: ({ identityId }) => `private/${identityId}/` })).items[0].path.split('/')[1];
    expect(await denied(uploadData({ path: 'admin/x.txt', data: 'x' }).result)).toBe('AccessDenied');
    await signIn('userB');
    expect(await denied(downloadData({ path: `private/${aId}/mine.txt` }).result)).toBe('AccessDenied');
    expect(await denied(list({ path: `private/${aId}/` }))).toBe('AccessDenied');
    // Public files are the owner's: another person can neither replace nor delete them.
    expect(await denied(uploadData({ path: `public/${aId}/from-a.txt`, data: 'b' }).result)).toBe('AccessDenied');
    expect(await denied(Promise.resolve(remove({ path: `public/${aId}/from-a.txt` })))).toBe('AccessDenied');
    expect(cloud.objects.get(cloud.bucket, `public/${aId}/from-a.txt`)?.size).toBe(1);
    await signIn(undefined);
    expect((await list({ path: 'public/' })).items.map((i) => i.path)).toContain(`public/${aId}/from-a.txt`);
    expect(await denied(uploadData({ path: 'public/guest.txt', data: 'x' }).result)).toBe('AccessDenied');
    expect(cloud.objects.get(cloud.bucket, 'public/guest.txt')).toBeUndefined();
  });

  it('admins reach admin/ and remove a whole folder (list, then the bucket-less POST /?delete)', async () => {
    await signIn('admin');
    await uploadData({ path: 'admin/reports/1.txt', data: '1' }).result;
    await uploadData({ path: 'admin/reports/2.txt', data: '2' }).result;
    const removed = await remove({ path: 'admin/reports/' });
    expect(removed.path).toBe('admin/reports/');
    expect(cloud.objects.get(cloud.bucket, 'admin/reports/1.txt')).toBeUndefined();
    expect(cloud.objects.get(cloud.bucket, 'admin/reports/2.txt')).toBeUndefined();
  });
});
