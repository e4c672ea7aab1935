import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { EXPECTED, USERS } from './testing/access-expectations';
import { startRealCloud, type RealCloud } from '../testing/real-cloud';

/**
 * The access matrix with @aws-sdk/client-cognito-identity and @aws-sdk/client-s3;
 * access-matrix-amplify.test.ts runs the same table with aws-amplify/storage.
 * The expectations are written out by hand in testing/access-expectations.ts.
 */
let cloud: RealCloud;
const clients: Record<string, S3Client> = {};
let prefixes: string[];
const ids: Record<string, string> = {};

beforeAll(async () => {
  cloud = await startRealCloud();
  const guest = await cloud.credentialsFor();
  clients.guest = cloud.s3Client(guest.credentials);
  for (const [name, user] of Object.entries(USERS)) {
    const { identityId, credentials } = await cloud.credentialsFor((await cloud.signedInUser(user.name, user.groups)).idToken);
    ids[name] = identityId;
    clients[name] = cloud.s3Client(credentials);
  }
  prefixes = [`public/${ids.userA}`, `protected/${ids.userA}`, `private/${ids.userA}`, `private/${ids.userB}`, 'shared', 'admin', 'owners'];
  for (const prefix of prefixes) {
    cloud.seedObject(`${prefix}/seed.txt`, `seed of ${prefix}`);
    for (const who of Object.keys(EXPECTED)) cloud.seedObject(`${prefix}/del-${who}.txt`, 'delete me');
  }
});
afterAll(() => cloud?.close());

async function outcome(p: Promise<unknown>): Promise<'Y' | '-'> {
  try {
    await p;
    return 'Y';
  } catch (e) {
    expect((e as Error).name).toBe('AccessDenied');
    expect((e as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
    return '-';
  }
}

describe('access matrix: {guest, user A, user B, EDITOR, ADMIN} × prefixes × {get, list, put, delete}', () => {
  for (const who of Object.keys(EXPECTED)) {
    it(`${who}`, async () => {
      const s3 = clients[who];
      const Bucket = cloud.bucket;
      const actual: Record<string, string[]> = { get: [], list: [], put: [], delete: [] };
      for (const prefix of prefixes) {
        actual.get.push(await outcome(s3.send(new GetObjectCommand({ Bucket, Key: `${prefix}/seed.txt` })).then(async (r) => expect(await r.Body!.transformToString()).toBe(`seed of ${prefix}`))));
        actual.list.push(await outcome(s3.send(new ListObjectsV2Command({ Bucket, Prefix: `${prefix}/` })).then((r) => expect(r.Contents!.map((c) => c.Key)).toContain(`${prefix}/seed.txt`))));
        const putKey = `${prefix}/put-${who}.txt`;
        const put = await outcome(s3.send(new PutObjectCommand({ Bucket, Key: putKey, Body: `by ${who}` })));
        actual.put.push(put);
        // What the store holds agrees with the answer: written if and only if allowed.
        expect(cloud.objects.get(Bucket, putKey) !== undefined).toBe(put === 'Y');
        const delKey = `${prefix}/del-${who}.txt`;
        const del = await outcome(s3.send(new DeleteObjectCommand({ Bucket, Key: delKey })));
        actual.delete.push(del);
        expect(cloud.objects.get(Bucket, delKey) === undefined).toBe(del === 'Y');
      }
      expect({
        get: actual.get.join(' '),
        list: actual.list.join(' '),
        put: actual.put.join(' '),
        delete: actual.delete.join(' '),
      }).toEqual(EXPECTED[who]);
    });
  }

  it('a public file is its owner\'s: others cannot overwrite or delete it, EDITORS and ADMINS may delete but not replace it', async () => {
    const Bucket = cloud.bucket;
    const Key = `public/${ids.userA}/photo.png`;
    await clients.userA.send(new PutObjectCommand({ Bucket, Key, Body: 'alice' }));
    for (const who of ['userB', 'editor', 'admin']) {
      await expect(clients[who].send(new PutObjectCommand({ Bucket, Key, Body: who }))).rejects.toMatchObject({ name: 'AccessDenied' });
    }
    await expect(clients.userB.send(new DeleteObjectCommand({ Bucket, Key }))).rejects.toMatchObject({ name: 'AccessDenied' });
    const read = await clients.guest.send(new GetObjectCommand({ Bucket, Key }));
    expect(await read.Body!.transformToString()).toBe('alice');
    // Bob's own public folder is his; his files there do not touch Alice's.
    await clients.userB.send(new PutObjectCommand({ Bucket, Key: `public/${ids.userB}/photo.png`, Body: 'bob' }));
    expect(cloud.objects.get(Bucket, Key)!.size).toBe(5);
    // Nobody writes outside a folder of their own, not even at the top of public/.
    await expect(clients.admin.send(new PutObjectCommand({ Bucket, Key: 'public/photo.png', Body: 'x' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await clients.editor.send(new DeleteObjectCommand({ Bucket, Key }));
    expect(cloud.objects.get(Bucket, Key)).toBeUndefined();
  });

  it('lists only where the prefix condition allows: no prefix, or a broader one, is denied', async () => {
    await expect(clients.userA.send(new ListObjectsV2Command({ Bucket: cloud.bucket }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(clients.userA.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: 'private/' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(clients.guest.send(new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: 'protected/' }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
