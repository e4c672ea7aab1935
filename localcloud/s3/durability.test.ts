import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/store';
import { ObjectStore } from './object-store';

/**
 * kill -9 in the middle of uploads: every acknowledged object is whole, no torn
 * object is visible, and the next start leaves no temp file or orphan blob.
 */
const root = mkdtempSync(join(tmpdir(), 's3-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('durability', () => {
  it('keeps every acknowledged object whole across kill -9, and shows no torn one', async () => {
    const stateDir = join(root, 'state');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'testing', 'crash-child.ts'), stateDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const info = await new Promise<{ port: number; bucket: string; credentials: any; prefix: string }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${info.port}`,
      forcePathStyle: true,
      credentials: info.credentials,
      maxAttempts: 1,
    });
    const sent = new Map<string, string>(); // key → md5 of what was sent (possibly several versions)
    const versions = new Map<string, Set<string>>();
    const acknowledged = new Map<string, string>();
    const etags = new Map<string, string>(); // md5 of the bytes → the ETag S3 gives them
    // A multipart upload (its object is the list of its part files): 5 MiB, 5 MiB and a tail.
    const multipart = async (Key: string, parts: Buffer[]) => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: info.bucket, Key }));
      const sent = await Promise.all(parts.map((Body, i) => s3.send(new UploadPartCommand({ Bucket: info.bucket, Key, UploadId, PartNumber: i + 1, Body }))));
      return s3.send(new CompleteMultipartUploadCommand({ Bucket: info.bucket, Key, UploadId, MultipartUpload: { Parts: sent.map((p, i) => ({ PartNumber: i + 1, ETag: p.ETag })) } }));
    };
    let killed = false;
    let multipartAcknowledged = 0;
    const uploads: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      // Some keys are written twice: an overwrite must never leave a mix of the two.
      const key = `${info.prefix}obj-${i % 45}`;
      // A third small (kept in the row), the rest files of up to 3 MiB; every tenth a multipart upload.
      const parts = i % 10 === 5 ? [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024), randomBytes(1 + Math.floor(Math.random() * 100_000))] : undefined;
      const body = parts
        ? Buffer.concat(parts)
        : randomBytes(i % 3 === 0 ? 1 + Math.floor(Math.random() * 60_000) : 64 * 1024 + Math.floor(Math.random() * 3 * 1024 * 1024));
      const md5 = createHash('md5').update(body).digest('hex');
      etags.set(
        md5,
        parts ? `"${createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))).digest('hex')}-${parts.length}"` : `"${md5}"`,
      );
      sent.set(key, md5);
      if (!versions.has(key)) versions.set(key, new Set());
      versions.get(key)!.add(md5);
      uploads.push(
        (parts ? multipart(key, parts) : s3.send(new PutObjectCommand({ Bucket: info.bucket, Key: key, Body: body }))).then(
          (out) => {
            if (!killed) {
              expect(out.ETag).toBe(etags.get(md5));
              if (parts) multipartAcknowledged++;
              acknowledged.set(key, md5);
            }
          },
          (e) => {
            // Failures are expected only once the server is gone.
            if (!killed) throw e;
          },
        ),
      );
      if (i === 30) {
        // Let some finish, then kill the server with uploads in flight.
        const deadline = Date.now() + 30_000;
        while ((acknowledged.size < 5 || multipartAcknowledged === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        killed = true;
        child.kill('SIGKILL');
      }
    }
    await Promise.all(uploads);
    await new Promise((r) => setTimeout(r, 200));
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(multipartAcknowledged).toBeGreaterThan(0);

    // Restart on the same state (what the local cloud does on open): recovery, then checks.
    const db = openDatabase(join(stateDir, 'state.sqlite'));
    const store = new ObjectStore(db, join(stateDir, 's3'));
    for (const [key, md5] of acknowledged) {
      const object = store.get(info.bucket, key);
      expect(object, key).toBeDefined();
      // The acknowledged version, or a later acknowledged-or-not complete version of the same key.
      const bytes = object!.data ?? Buffer.concat(object!.segments.map((s) => readFileSync(store.blobPath(s.file))));
      const actual = createHash('md5').update(bytes).digest('hex');
      expect(versions.get(key)!.has(actual), `${key} is one whole version`).toBe(true);
      expect(object!.etag).toBe(etags.get(actual));
      expect(bytes.length).toBe(object!.size);
      if (versions.get(key)!.size === 1) expect(actual).toBe(md5);
    }
    // Nothing visible is torn: every stored object is exactly one of the versions sent.
    let visible = 0;
    for (const object of store.scan(info.bucket, info.prefix, '')) {
      visible++;
      const full = store.get(info.bucket, object.key)!; // listing leaves inline bytes out
      const bytes = full.data ?? Buffer.concat(full.segments.map((s) => readFileSync(store.blobPath(s.file))));
      expect(versions.get(object.key)!.has(createHash('md5').update(bytes).digest('hex'))).toBe(true);
    }
    expect(visible).toBeGreaterThanOrEqual(acknowledged.size);
    console.log(`kill -9: ${acknowledged.size} acknowledged, ${visible} visible, ${versions.size} keys sent`);
    // Recovery removed temp files and blobs no row references.
    expect(readdirSync(join(stateDir, 's3', 'tmp'))).toEqual([]);
    const referenced = new Set<string>();
    for (const object of store.scan(info.bucket, '', '')) for (const s of object.segments) referenced.add(s.file);
    // Parts of uploads the kill interrupted stay until the upload is completed or aborted.
    for (const f of db.prepare('SELECT file FROM s3_parts').pluck().all() as string[]) referenced.add(f);
    expect(readdirSync(join(stateDir, 's3', 'blobs')).sort()).toEqual([...referenced].sort());
    db.close();
  });
});
