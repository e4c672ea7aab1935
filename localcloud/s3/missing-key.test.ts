import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSEMBLY_DIR } from '../../scripts/synth-context';
import { type Caller, type SignedInCloud, startSignedInCloud } from './testing/signed-in-cloud';

/**
 * GET or HEAD of a key that does not exist: 404 (NoSuchKey / NotFound) only
 * when the caller may list that prefix (s3:ListBucket, s3:prefix = the key);
 * otherwise 403 AccessDenied, as S3 answers — whether a key exists is not
 * revealed to a caller who may read it but not list there. CopyObject's
 * source follows the same rule (s3:ListBucket on the source's prefix).
 */
const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return { name: (e as { name: string }).name, status: (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode };
  }
  throw new Error('expected the request to fail');
};

describe('missing keys, with the backend as synthesized (read = get + list)', () => {
  let env: SignedInCloud;
  let me: Caller;
  let guest: Caller;
  beforeAll(async () => {
    env = await startSignedInCloud();
    [me, guest] = await Promise.all([env.user('missing'), env.guest()]);
  }, 120_000);
  afterAll(() => env?.close());

  it('404 where the caller may list: NoSuchKey for GET, NotFound for HEAD', async () => {
    const Key = `private/${me.identityId}/absent.txt`;
    expect(await failure(me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key })))).toEqual({ name: 'NoSuchKey', status: 404 });
    expect(await failure(me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key })))).toEqual({ name: 'NotFound', status: 404 });
    expect(await failure(guest.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: 'public/absent.txt' })))).toEqual({ name: 'NoSuchKey', status: 404 });
  });

  it('CopyObject of a missing source where the caller may list it: 404 NoSuchKey naming the source key', async () => {
    const Key = `private/${me.identityId}/copy.txt`;
    for (const source of [`private/${me.identityId}/absent.txt`, 'public/absent.txt']) {
      const error = await me.s3.send(new CopyObjectCommand({ Bucket: env.bucket, Key, CopySource: `${env.bucket}/${source}` })).catch((e) => e);
      expect(error).toMatchObject({ name: 'NoSuchKey', Key: source, $metadata: { httpStatusCode: 404 } });
    }
  });

  it("403 in another user's private folder, present or not", async () => {
    const Key = `private/${me.identityId}/absent.txt`;
    expect(await failure(guest.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key })))).toEqual({ name: 'AccessDenied', status: 403 });
    expect((await failure(guest.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key })))).status).toBe(403);
  });
});

describe('missing keys, for callers who may get but not list (the guest role without s3:ListBucket, the signed-in role without it on protected/)', () => {
  let env: SignedInCloud;
  let dir: string;
  let me: Caller;
  let guest: Caller;
  beforeAll(async () => {
    // The synthesized backend with the guest role's ListBucket statement removed, and protected/ taken
    // out of the signed-in role's (it still reads protected/*).
    dir = mkdtempSync(join(tmpdir(), 'assembly-no-guest-list-'));
    cpSync(ASSEMBLY_DIR, dir, { recursive: true });
    let removed = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.template.json'))) {
      const template = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      for (const resource of Object.values<any>(template.Resources ?? {})) {
        if (resource.Type !== 'AWS::IAM::Policy') continue;
        const roles = JSON.stringify(resource.Properties.Roles);
        const statements: any[] = resource.Properties.PolicyDocument.Statement;
        if (/amplifyAuthauthenticatedUserRole/.test(roles)) {
          const list = statements.find((s) => s.Action === 's3:ListBucket');
          const prefixes: string[] = list.Condition.StringLike['s3:prefix'];
          list.Condition.StringLike['s3:prefix'] = prefixes.filter((p) => !p.startsWith('protected/'));
          removed += prefixes.length - list.Condition.StringLike['s3:prefix'].length;
        }
        if (!/unauth/i.test(roles)) continue;
        const kept = statements.filter((s) => s.Action !== 's3:ListBucket');
        removed += statements.length - kept.length;
        resource.Properties.PolicyDocument.Statement = kept;
      }
      writeFileSync(join(dir, file), JSON.stringify(template));
    }
    expect(removed).toBe(3); // the guest's statement, the signed-in role's two protected/ prefixes
    env = await startSignedInCloud({ assemblyDir: dir });
    [me, guest] = await Promise.all([env.user('lister'), env.guest()]);
  }, 120_000);
  afterAll(async () => {
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('403 AccessDenied for GET and HEAD of a missing public key; an existing one still reads', async () => {
    expect(await failure(guest.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: 'public/absent.txt' })))).toEqual({ name: 'AccessDenied', status: 403 });
    expect((await failure(guest.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: 'public/absent.txt' })))).status).toBe(403);
    const present = `public/${me.identityId}/present.txt`;
    await me.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: present, Body: 'here' }));
    const got = await guest.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: present }));
    expect(await got.Body!.transformToString()).toBe('here');
    // The signed-in user may list public/: 404 for them.
    expect(await failure(me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: 'public/absent.txt' })))).toEqual({ name: 'NoSuchKey', status: 404 });
  });

  it("CopyObject of a missing source the caller may read but not list: 403 AccessDenied; where it may list, 404", async () => {
    const Key = `private/${me.identityId}/copy.txt`;
    const copy = (source: string) => me.s3.send(new CopyObjectCommand({ Bucket: env.bucket, Key, CopySource: `${env.bucket}/${source}` }));
    expect(await failure(copy(`protected/${guest.identityId}/absent.txt`))).toEqual({ name: 'AccessDenied', status: 403 });
    expect(await failure(copy('public/absent.txt'))).toEqual({ name: 'NoSuchKey', status: 404 });
    // An existing source under protected/ still copies: only its absence is hidden.
    const present = `protected/${me.identityId}/present.txt`;
    await me.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: present, Body: 'copied' }));
    await copy(present);
    expect(await (await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key }))).Body!.transformToString()).toBe('copied');
  });
});
