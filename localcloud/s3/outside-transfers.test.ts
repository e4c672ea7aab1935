import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { awsCli } from './testing/aws-cli';
import { boto3 } from './testing/boto3';
import { type Caller, type SignedInCloud, startSignedInCloud } from './testing/signed-in-cloud';

/**
 * The AWS CLI's high-level `aws s3` commands and boto3's transfer manager on the
 * real server, with the identity-pool credentials of a user who really signed in:
 * multipart uploads of big files, ranged parallel downloads, ListObjectsV2 paging,
 * sync's HeadObject/ListObjectsV2 comparison — every byte checked.
 */
let env: SignedInCloud;
let me: Caller;
let dir: string;
let prefix: string;
let aws: (...args: string[]) => Promise<string>;

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  env = await startSignedInCloud();
  me = await env.user('transfers');
  prefix = `private/${me.identityId}`;
  const cli = awsCli({ endpoint: env.cloud.url, region: env.region, credentials: me.credentials });
  dir = cli.home;
  aws = cli.run;
}, 120_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await env?.close();
});

const s3url = (key: string) => `s3://${env.bucket}/${key}`;

describe('aws s3 (the CLI high-level commands)', () => {
  it('cp uploads a big file in parts and downloads it (ranged GETs) byte-exact', async () => {
    const big = randomBytes(11 * MiB + 123);
    writeFileSync(join(dir, 'big.bin'), big);
    await aws('s3', 'cp', join(dir, 'big.bin'), s3url(`${prefix}/cli/big.bin`));
    const head = await me.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: `${prefix}/cli/big.bin` }));
    expect(head.ContentLength).toBe(big.length);
    expect(head.ETag).toMatch(/-3"$/);
    await aws('s3', 'cp', s3url(`${prefix}/cli/big.bin`), join(dir, 'big-back.bin'));
    expect(sha(readFileSync(join(dir, 'big-back.bin')))).toBe(sha(big));
  });

  it('sync uploads a tree, a second sync sends nothing, ls --recursive pages through it, cp --recursive brings it back', async () => {
    const tree = join(dir, 'tree');
    const files: Record<string, Buffer> = {
      'a.txt': Buffer.from('alpha'),
      'sp ace+plus.txt': Buffer.from('odd name'),
      'nested/b.txt': Buffer.from('beta'),
      'nested/deeper/c.bin': randomBytes(6 * MiB),
      'ünï/d.txt': Buffer.from('unicode'),
    };
    for (const [name, body] of Object.entries(files)) {
      mkdirSync(join(tree, name, '..'), { recursive: true });
      writeFileSync(join(tree, name), body);
    }
    const first = await aws('s3', 'sync', tree, s3url(`${prefix}/cli/tree/`), '--no-progress');
    expect(first.trim().split('\n').filter((l) => l.startsWith('upload:')).length).toBe(5);
    // Sizes and times compared through ListObjectsV2: nothing to send.
    expect((await aws('s3', 'sync', tree, s3url(`${prefix}/cli/tree/`), '--no-progress')).trim()).toBe('');
    // --page-size 2: ListObjectsV2 with continuation tokens.
    const listed = await aws('s3', 'ls', '--recursive', '--page-size', '2', s3url(`${prefix}/cli/tree/`));
    const rows = listed.trim().split('\n').map((l) => /^\S+ \S+\s+(\d+) (.*)$/.exec(l)!.slice(1));
    expect(rows.map(([, key]) => key).sort()).toEqual(Object.keys(files).map((f) => `${prefix}/cli/tree/${f}`).sort());
    for (const [size, key] of rows) expect(Number(size)).toBe(files[key.slice(`${prefix}/cli/tree/`.length)].length);
    await aws('s3', 'cp', '--recursive', s3url(`${prefix}/cli/tree/`), join(dir, 'tree-back'), '--no-progress');
    for (const [name, body] of Object.entries(files)) expect(sha(readFileSync(join(dir, 'tree-back', name)))).toBe(sha(body));
  });

  it('mv (CopyObject + DeleteObject); a big cp between keys asks GetObjectTagging (denied, as by these roles on AWS), with --copy-props it copies in parts (UploadPartCopy); rm --recursive', async () => {
    const put = (Key: string, Body: Buffer) => me.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key, Body }));
    const big = randomBytes(7 * MiB);
    await put(`${prefix}/cli/mv/small.txt`, Buffer.from('move me'));
    await put(`${prefix}/cli/mv/big.bin`, big);
    await aws('s3', 'mv', s3url(`${prefix}/cli/mv/small.txt`), s3url(`${prefix}/cli/mv/moved.txt`));
    const denied = await aws('s3', 'cp', s3url(`${prefix}/cli/mv/big.bin`), s3url(`${prefix}/cli/mv/big-copy.bin`)).catch((e: { stderr: string }) => e.stderr);
    expect(denied).toContain('An error occurred (AccessDenied) when calling the GetObjectTagging operation');
    await aws('s3', 'cp', '--copy-props', 'metadata-directive', s3url(`${prefix}/cli/mv/big.bin`), s3url(`${prefix}/cli/mv/big-copy.bin`));
    const copy = await me.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: `${prefix}/cli/mv/big-copy.bin` }));
    expect(copy.ETag).toMatch(/-2"$/);
    expect(sha(Buffer.from(await copy.Body!.transformToByteArray()))).toBe(sha(big));
    const listed = await me.s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${prefix}/cli/mv/` }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual([`${prefix}/cli/mv/big-copy.bin`, `${prefix}/cli/mv/big.bin`, `${prefix}/cli/mv/moved.txt`]);
    const removed = await aws('s3', 'rm', '--recursive', s3url(`${prefix}/cli/mv/`));
    expect(removed.trim().split('\n')).toHaveLength(3);
    expect((await me.s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${prefix}/cli/mv/` }))).KeyCount).toBe(0);
  });
});

describe('boto3 transfer manager', () => {
  it('upload_file / download_file of 20 MiB (multipart, ranged parallel GETs) are byte-exact; copy uses UploadPartCopy', async () => {
    const body = randomBytes(20 * MiB);
    writeFileSync(join(dir, 'twenty.bin'), body);
    const out = await boto3<{ etag: string; length: number; copyEtag: string }>(
      { endpoint: env.cloud.url, region: env.region, credentials: me.credentials },
      [
        "s3.upload_file(args['file'], args['bucket'], args['key'])",
        "s3.download_file(args['bucket'], args['key'], args['back'])",
        "s3.copy({'Bucket': args['bucket'], 'Key': args['key']}, args['bucket'], args['copy'])",
        "s3.download_file(args['bucket'], args['copy'], args['copyBack'])",
        "head = s3.head_object(Bucket=args['bucket'], Key=args['key'])",
        "copied = s3.head_object(Bucket=args['bucket'], Key=args['copy'])",
        "print(json.dumps({'etag': head['ETag'], 'length': head['ContentLength'], 'copyEtag': copied['ETag']}))",
      ].join('\n'),
      {
        file: join(dir, 'twenty.bin'),
        back: join(dir, 'twenty-back.bin'),
        copyBack: join(dir, 'twenty-copy.bin'),
        bucket: env.bucket,
        key: `${prefix}/boto3/twenty.bin`,
        copy: `${prefix}/boto3/twenty-copy.bin`,
      },
    );
    // boto3's defaults: 8 MiB parts from 8 MiB on.
    expect(out.length).toBe(body.length);
    expect(out.etag).toMatch(/-3"$/);
    expect(out.copyEtag).toMatch(/-3"$/);
    expect(sha(readFileSync(join(dir, 'twenty-back.bin')))).toBe(sha(body));
    expect(sha(readFileSync(join(dir, 'twenty-copy.bin')))).toBe(sha(body));
  });
});
