/**
 * The physical limit of a multipart upload on this machine: the work S3
 * itself requires of each part's bytes, in one process, with the same
 * parallelism the local cloud hashes with (localcloud/s3/hash-worker.ts):
 * HASH_WORKERS threads, each taking the next part, reading its bytes (from a
 * file in the page cache, written and synced before timing), computing MD5
 * (the ETag) and SHA-256 (the signed payload's hash) of them and writing them
 * to a new file, fsynced. Nothing else: no HTTP, no SigV4, no CRC32, no
 * metadata.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { HASH_WORKERS } from '../../localcloud/s3/hash-worker';

const CHUNK = 1024 * 1024;

interface Job {
  src: string;
  dir: string;
  partSize: number;
  parts: number;
  /** The next part to take, shared by all threads (Atomics). */
  next: Int32Array;
}

/** One thread: parts until none are left; returns the digests, so the work cannot be skipped. */
function work({ src, dir, partSize, parts, next }: Job): string[] {
  const chunk = Buffer.allocUnsafe(CHUNK);
  const input = openSync(src, 'r');
  const etags: string[] = [];
  try {
    for (let part = Atomics.add(next, 0, 1); part < parts; part = Atomics.add(next, 0, 1)) {
      const md5 = createHash('md5');
      const sha256 = createHash('sha256');
      const output = openSync(join(dir, `part-${part}`), 'w');
      for (let offset = 0; offset < partSize; ) {
        const n = readSync(input, chunk, 0, Math.min(CHUNK, partSize - offset), part * partSize + offset);
        if (n === 0) break;
        const bytes = chunk.subarray(0, n);
        md5.update(bytes);
        sha256.update(bytes);
        writeSync(output, bytes, 0, n, offset);
        offset += n;
      }
      fsyncSync(output);
      closeSync(output);
      etags.push(`${md5.digest('hex')}:${sha256.digest('hex')}`);
    }
  } finally {
    closeSync(input);
  }
  return etags;
}

if (!isMainThread && workerData === 's3-limit') {
  parentPort!.on('message', (job: Job) => parentPort!.postMessage(work(job)));
  parentPort!.postMessage('ready');
}

/** HASH_WORKERS threads, started once; each `measure` runs them together over one file's parts. */
export async function s3Limit(threads = HASH_WORKERS) {
  const source = `require('tsx/cjs/api').require(${JSON.stringify(fileURLToPath(import.meta.url))}, __filename)`;
  const workers = await Promise.all(
    Array.from({ length: threads }, () => {
      const worker = new Worker(source, { eval: true, execArgv: [], workerData: 's3-limit' });
      return new Promise<Worker>((resolve, reject) => {
        worker.once('message', () => resolve(worker));
        worker.once('error', reject);
      });
    }),
  );
  return {
    threads,
    /** MB/s (MiB per second) for `size` bytes of `src` in parts of `partSize`, written under `dir` (removed after). */
    async measure(src: string, size: number, partSize: number, dir: string): Promise<number> {
      mkdirSync(dir, { recursive: true });
      const job: Job = { src, dir, partSize, parts: Math.ceil(size / partSize), next: new Int32Array(new SharedArrayBuffer(4)) };
      const started = performance.now();
      const done = await Promise.all(
        workers.map(
          (worker) =>
            new Promise<string[]>((resolve, reject) => {
              worker.once('message', resolve);
              worker.once('error', reject);
              worker.postMessage(job);
            }),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      rmSync(dir, { recursive: true, force: true });
      if (done.flat().length !== job.parts) throw new Error('parts lost');
      return size / 1024 / 1024 / seconds;
    },
    stop: () => Promise.all(workers.map((worker) => worker.terminate())),
  };
}
