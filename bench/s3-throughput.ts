/**
 * bench/s3-throughput: the local cloud's S3 (SigV4 verified + IAM evaluated +
 * durable writes) beside s3rver (no auth at all) as the baseline.
 * Prints, in one run:
 *  - PUT and GET of 4 KiB objects per second (goal: ratio to s3rver ≥ 1.0);
 *  - a 256 MiB multipart upload's MB/s beside a plain file copy of the same
 *    bytes (read + write + fsync) (goal: ≥ 0.5);
 *  - the server's peak memory (VmHWM) during a streamed 1 GiB upload.
 * Each server runs in its own child process; the client is @aws-sdk/client-s3.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, closeSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const SELF = fileURLToPath(import.meta.url);
const SMALL = 4 * 1024;
const SMALL_COUNT = Number(process.env.BENCH_SMALL_COUNT ?? 1200);
const SMALL_ROUNDS = Number(process.env.BENCH_SMALL_ROUNDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = 16;
const MULTIPART_BYTES = 256 * 1024 * 1024;
const PART = 8 * 1024 * 1024;
const HUGE_BYTES = Number(process.env.BENCH_HUGE_GIB ?? 1) * 1024 * 1024 * 1024;

interface Served {
  port: number;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  keyPrefix: string;
}

// ------------------------------------------------------------------ child: servers
async function serveLocal(stateDir: string) {
  const { synthesizedAssembly } = await import('../localcloud/lambda/testing/synthesized');
  const { startLocalCloud } = await import('../localcloud/server');
  const assembly = synthesizedAssembly();
  const cloud = await startLocalCloud({ stateDir, assemblyDir: assembly.directory, port: 0 });
  const roles = assembly.ofType('AWS::Cognito::IdentityPoolRoleAttachment')[0].properties.Roles;
  const role = cloud.context.iam.account.roles.get(roles.authenticated)!;
  const identityId = 'us-east-1:00000000-0000-4000-8000-00000000bench';
  const c = cloud.context.iam.credentials.issue({
    roleArn: role.arn,
    roleId: role.roleId,
    identityId,
    identityPoolId: assembly.ofType('AWS::Cognito::IdentityPool')[0].ref,
    amr: ['authenticated'],
    durationSeconds: 3600,
  });
  const served: Served = {
    port: cloud.port,
    bucket: assembly.ofType('AWS::S3::Bucket')[0].ref,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
    keyPrefix: `private/${identityId}/`,
  };
  process.stdout.write(`${JSON.stringify(served)}\n`);
  process.on('SIGINT', () => process.exit(0)); // lets --cpu-prof write its profile
}

async function serveS3rver(directory: string) {
  const { default: S3rver } = await import('s3rver');
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, allowMismatchedSignatures: true });
  const address = (await server.run()) as { port: number };
  const served: Served = { port: address.port, bucket: 'bench', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, keyPrefix: 'bench/' };
  process.stdout.write(`${JSON.stringify(served)}\n`);
}

// ------------------------------------------------------------------ parent: client
function startChild(mode: string, dir: string): Promise<{ child: ChildProcess; served: Served }> {
  const profile = process.env.BENCH_PROFILE && mode === '--serve-local' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', SELF, mode, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, served: JSON.parse(line) });
    });
    child.on('exit', (code) => reject(new Error(`${mode} exited with ${code}`)));
  });
}

function client(served: Served, extra: Record<string, unknown> = {}): S3Client {
  return new S3Client({
    ...extra,
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${served.port}`,
    forcePathStyle: true,
    credentials: served.credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }) }),
  });
}

async function parallel(count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await run(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** One round on one server: `count` PUTs of 4 KiB, then as many GETs of what was put. */
async function smallObjects(s3: S3Client, served: Served, round: number | string, count = SMALL_COUNT) {
  const body = Buffer.alloc(SMALL, 7);
  const put = await parallel(count, (i) => s3.send(new PutObjectCommand({ Bucket: served.bucket, Key: `${served.keyPrefix}small-${round}-${i}`, Body: body })));
  const get = await parallel(count, async (i) => {
    const out = await s3.send(new GetObjectCommand({ Bucket: served.bucket, Key: `${served.keyPrefix}small-${round}-${i}` }));
    const bytes = await out.Body!.transformToByteArray();
    if (bytes.length !== SMALL) throw new Error('short read');
  });
  return { put, get };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs: number[]) => Math.max(...xs);
const list = (xs: number[]) => `[${xs.map((x) => x.toFixed(0)).join(', ')}]`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function multipart(served: Served, data: Buffer, round: number): Promise<number> {
  // No client-side CRC32 (the SDK's is JavaScript, and aws-amplify sends none by default);
  // each part is still SHA-256 signed and verified, MD5-hashed, CRC32'd and fsynced by the server.
  const s3 = client(served, { requestChecksumCalculation: 'WHEN_REQUIRED' });
  if (process.env.BENCH_UNSIGNED) {
    s3.middlewareStack.add((next) => (args: any) => {
      args.request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    }, { step: 'build', name: 'unsignedPayload' });
  }
  const Key = `${served.keyPrefix}multipart-${round}.bin`; // a new object each round, as the copy writes a new file
  const started = performance.now();
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: served.bucket, Key }));
  const parts: { PartNumber: number; ETag: string }[] = [];
  let next = 0;
  const count = Math.ceil(data.length / PART);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < count) {
        const n = next++;
        const out = await s3.send(new UploadPartCommand({ Bucket: served.bucket, Key, UploadId, PartNumber: n + 1, Body: data.subarray(n * PART, (n + 1) * PART) }));
        parts.push({ PartNumber: n + 1, ETag: out.ETag! });
      }
    }),
  );
  parts.sort((a, b) => a.PartNumber - b.PartNumber);
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: served.bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
  const seconds = (performance.now() - started) / 1000;
  s3.destroy();
  return data.length / 1024 / 1024 / seconds;
}

/** Copies `src` (already on disk, synced) to a new file, fsynced: read + write + fsync. */
async function fileCopy(src: string, size: number, dir: string): Promise<number> {
  const dst = join(dir, 'copy-dst.bin');
  const started = performance.now();
  await pipeline(createReadStream(src, { highWaterMark: 1024 * 1024 }), createWriteStream(dst, { highWaterMark: 1024 * 1024 }));
  const fd = openSync(dst, 'r');
  fsyncSync(fd);
  closeSync(fd);
  const seconds = (performance.now() - started) / 1000;
  rmSync(dst);
  return size / 1024 / 1024 / seconds;
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function hugeUpload(served: Served, pid: number): Promise<{ mbps: number; before: number; peak: number }> {
  const s3 = client(served);
  writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets the peak (VmHWM) to the current RSS
  const before = peakRssMiB(pid);
  const chunk = Buffer.alloc(1024 * 1024, 1);
  let sent = 0;
  const body = new Readable({
    read() {
      if (sent >= HUGE_BYTES) return this.push(null);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  const started = performance.now();
  await s3.send(new PutObjectCommand({ Bucket: served.bucket, Key: `${served.keyPrefix}huge.bin`, Body: body, ContentLength: HUGE_BYTES }));
  const seconds = (performance.now() - started) / 1000;
  s3.destroy();
  return { mbps: HUGE_BYTES / 1024 / 1024 / seconds, before, peak: peakRssMiB(pid) };
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'bench-s3-'));
  const children: ChildProcess[] = [];
  try {
    const local = await startChild('--serve-local', join(root, 'local'));
    children.push(local.child);
    const baseline = await startChild('--serve-s3rver', join(root, 's3rver'));
    children.push(baseline.child);
    await client(baseline.served).send(new CreateBucketCommand({ Bucket: 'bench' }));

    const only = process.env.BENCH_ONLY ?? (process.env.BENCH_ONLY_SMALL ? 'small' : undefined); // small | huge | multipart
    if (!only || only === 'small') await smallRounds(local.served, baseline.served);
    if (!only || only === 'huge') {
      // Before the multipart rounds, so the server's memory reflects only what came before.
      const huge = await hugeUpload(local.served, local.child.pid!);
      console.log(`${HUGE_BYTES / 1024 ** 3} GiB streamed PutObject (aws-chunked, trailing CRC32): ${huge.mbps.toFixed(0)} MB/s; server peak RSS ${huge.peak.toFixed(0)} MiB (was ${huge.before.toFixed(0)} MiB before the upload)`);
    }
    if (!only || only === 'multipart') await multipartRounds(local.served, local.child.pid!, root);
  } finally {
    for (const c of children) c.kill(process.env.BENCH_PROFILE ? 'SIGINT' : 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * 4 KiB PUTs and GETs. The machine is shared, so load shifts during a run: many short
 * rounds, alternating which server goes first (ABBA), and each server's best round.
 * Both servers get the same client (one S3Client each, same settings, connections kept
 * alive), warmed up first.
 */
async function smallRounds(local: Served, baseline: Served) {
  console.log(`load average at start: ${load()}`);
  const ours = client(local);
  const theirs = client(baseline);
  // Warm-up (connections, both servers' JIT and the client's for each): not measured.
  for (let i = 0; i < 2; i++) {
    await smallObjects(ours, local, `warm${i}`, 600);
    await smallObjects(theirs, baseline, `warm${i}`, 600);
  }
  const rounds = { ours: { put: [] as number[], get: [] as number[] }, theirs: { put: [] as number[], get: [] as number[] } };
  for (let round = 0; round < SMALL_ROUNDS; round++) {
    const order = round % 4 === 0 || round % 4 === 3 ? (['ours', 'theirs'] as const) : (['theirs', 'ours'] as const);
    for (const who of order) {
      const r = who === 'ours' ? await smallObjects(ours, local, round) : await smallObjects(theirs, baseline, round);
      rounds[who].put.push(r.put);
      rounds[who].get.push(r.get);
    }
  }
  ours.destroy();
  theirs.destroy();
  const o = { put: best(rounds.ours.put), get: best(rounds.ours.get) };
  const t = { put: best(rounds.theirs.put), get: best(rounds.theirs.get) };
  console.log(`4 KiB objects: ${SMALL_ROUNDS} alternating rounds (ABBA) of ${SMALL_COUNT} PUTs then GETs, ${CONCURRENCY} in flight, best round of each (client and servers share ${cpus().length} cores):`);
  for (const op of ['put', 'get'] as const) {
    console.log(
      `  ${op.toUpperCase()}  local cloud ${o[op].toFixed(0)}/s ${list(rounds.ours[op])}   s3rver ${t[op].toFixed(0)}/s ${list(rounds.theirs[op])}   ratio ${(o[op] / t[op]).toFixed(2)}  (goal >= 1.0; ratio of medians ${(median(rounds.ours[op]) / median(rounds.theirs[op])).toFixed(2)})`,
    );
  }
  console.log(`  load average after the 4 KiB rounds: ${load()}`);
}

/** CPU seconds a process has used (all its threads), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
}

async function multipartRounds(local: Served, pid: number, root: string) {
  const data = Buffer.alloc(MULTIPART_BYTES);
  for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE(i, i);
  const uploads: number[] = [];
  const copies: number[] = [];
  let serverCpu = 0;
  let clientCpu = 0;
  // The copy's source is written (and synced) once, before any timing: its writeback then
  // slows neither measurement. Rounds alternate which goes first (ABBA).
  const src = join(root, 'copy-src.bin');
  writeFileSync(src, data);
  const fd = openSync(src, 'r');
  fsyncSync(fd);
  closeSync(fd);
  const upload = async (round: number) => {
    const server0 = cpuSeconds(pid);
    const client0 = process.cpuUsage();
    uploads.push(await multipart(local, data, round));
    serverCpu += cpuSeconds(pid) - server0;
    const c = process.cpuUsage(client0);
    clientCpu += (c.user + c.system) / 1e6;
  };
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 4 === 0 || round % 4 === 3) {
      await upload(round);
      copies.push(await fileCopy(src, data.length, root));
    } else {
      copies.push(await fileCopy(src, data.length, root));
      await upload(round);
    }
  }
  rmSync(src);
  const mp = median(uploads);
  const copy = median(copies);
  console.log(
    `256 MiB multipart upload (8 MiB parts, 4 in parallel), medians of ${ROUNDS} alternating rounds (ABBA): ${mp.toFixed(0)} MB/s ${list(uploads)}; plain file copy (read+write+fsync) ${copy.toFixed(0)} MB/s ${list(copies)}; ratio ${(mp / copy).toFixed(2)}  (goal >= 0.5)`,
  );
  console.log(`  CPU per upload: server ${(serverCpu / ROUNDS).toFixed(2)} s, client ${(clientCpu / ROUNDS).toFixed(2)} s; load average ${load()}`);
}

const mode = process.argv[2];
if (mode === '--serve-local') await serveLocal(process.argv[3]);
else if (mode === '--serve-s3rver') await serveS3rver(process.argv[3]);
else await main();
