import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { ASSEMBLY_DIR } from '../../scripts/synth-context';
import { loadCloudAssembly } from '../provisioning/cloud-assembly';
import { outboxCode, peopleOn, startRealCloud } from '../testing/real-cloud';

/**
 * kill -9 of the real local cloud (`npm run localcloud`'s localcloud/main.ts,
 * in a process of its own) in the middle of uploads by a signed-in user: after
 * a restart on the same state folder every acknowledged object is whole, no
 * torn object is visible, and no temp file or orphan blob is left.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const root = mkdtempSync(join(tmpdir(), 's3-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('durability', () => {
  it('keeps every acknowledged object whole across kill -9, and shows no torn one', async () => {
    const stateDir = join(root, 'state');
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'localcloud', 'main.ts'), '--port', '0', '--assembly', join(ROOT, ASSEMBLY_DIR)], {
      cwd: ROOT,
      env: { ...process.env, LOCALCLOUD_STATE: stateDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d; // read to the end, so the server never blocks on a full pipe
        const listening = /listening on (http:\/\/\S+)/.exec(out);
        if (listening) resolve(listening[1]);
      });
      child.on('exit', (code) => reject(new Error(`the local cloud exited (${code}) before listening`)));
    });
    // A person signs up, confirms (the code from the outbox, over HTTP) and signs in on that server.
    const assembly = loadCloudAssembly(join(ROOT, ASSEMBLY_DIR));
    const ids = {
      region: assembly.region,
      userPoolId: assembly.ofType('AWS::Cognito::UserPool')[0].ref,
      clientId: assembly.ofType('AWS::Cognito::UserPoolClient')[0].ref,
      identityPoolId: assembly.ofType('AWS::Cognito::IdentityPool')[0].ref,
    };
    const bucket = assembly.ofType('AWS::S3::Bucket')[0].ref;
    const people = peopleOn(url, ids, { codeFor: (email) => outboxCode(url, email) });
    const person = await people.signedInUser('crash');
    const { identityId, credentials } = await people.credentialsFor(person.idToken);
    const info = { bucket, prefix: `private/${identityId}/` };
    const s3 = people.s3Client(credentials);
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
    expect((await exited)[1]).toBe('SIGKILL');
    people.destroy();
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(multipartAcknowledged).toBeGreaterThan(0);

    // Restart the local cloud on the same state folder (recovery runs as it opens), then check.
    const cloud = await startRealCloud({ stateDir });
    try {
      const store = cloud.objects;
      const bytesOf = (key: string) => {
        const object = store.get(info.bucket, key)!; // listing leaves inline bytes out: get it whole
        return object.data ?? Buffer.concat(object.segments.map((s) => readFileSync(store.blobPath(s.file))));
      };
      // The same person signs in again: same identity, and S3 serves what was acknowledged.
      const again = await cloud.credentialsFor((await cloud.signIn(person)).idToken);
      expect(again.identityId).toBe(identityId);
      const s3After = cloud.s3Client(again.credentials);
      for (const [key, md5] of acknowledged) {
        const object = store.get(info.bucket, key);
        expect(object, key).toBeDefined();
        // The acknowledged version, or a later acknowledged-or-not complete version of the same key.
        const actual = createHash('md5').update(bytesOf(key)).digest('hex');
        expect(versions.get(key)!.has(actual), `${key} is one whole version`).toBe(true);
        expect(object!.etag).toBe(etags.get(actual));
        expect(bytesOf(key).length).toBe(object!.size);
        if (versions.get(key)!.size === 1) expect(actual).toBe(md5);
        const got = await s3After.send(new GetObjectCommand({ Bucket: info.bucket, Key: key }));
        expect(createHash('md5').update(await got.Body!.transformToByteArray()).digest('hex'), key).toBe(actual);
        expect(got.ETag).toBe(object!.etag);
      }
      // Nothing visible is torn: every stored object is exactly one of the versions sent.
      let visible = 0;
      for (const object of store.scan(info.bucket, info.prefix, '')) {
        visible++;
        expect(versions.get(object.key)!.has(createHash('md5').update(bytesOf(object.key)).digest('hex'))).toBe(true);
      }
      expect(visible).toBeGreaterThanOrEqual(acknowledged.size);
      console.log(`kill -9: ${acknowledged.size} acknowledged, ${visible} visible, ${versions.size} keys sent`);
      // Recovery removed temp files and blobs no row references.
      expect(readdirSync(store.tmpDir)).toEqual([]);
      const referenced = new Set<string>();
      for (const object of store.scan(info.bucket, '', '')) for (const s of object.segments) referenced.add(s.file);
      // Parts of uploads the kill interrupted stay until the upload is completed or aborted.
      for (const f of cloud.cloud.context.store.db.prepare('SELECT file FROM s3_parts').pluck().all() as string[]) referenced.add(f);
      expect(readdirSync(store.blobDir).sort()).toEqual([...referenced].sort());
    } finally {
      await cloud.close();
    }
  });
});
