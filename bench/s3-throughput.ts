/**
 * bench/s3-throughput: the local cloud's S3 (SigV4 verified + IAM evaluated +
 * durable writes) beside s3rver (no auth at all) as the peer.
 * Prints, in one run:
 *  - PUT and GET of 4 KiB objects per second (goal: ratio to s3rver ≥ 1.0);
 *  - a 256 MiB multipart upload's MB/s beside s3rver's and beside the
 *    limit of the same work under the same client: an S3 stand-in doing only
 *    MD5 + SHA-256 + write + fsync of each part as it streams in, on as many
 *    processes as the server hashes with threads (goals: ≥ 0.8 × the limit,
 *    ≥ 2 × s3rver); for reference, that work alone from a file with no
 *    client on the cores (bench/lib/s3-limit.ts);
 *  - the server's peak memory (VmHWM) during a streamed 1 GiB upload.
 * Each server runs in its own child process, started for each measured round
 * on a new, empty directory; the client is @aws-sdk/client-s3. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, closeSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
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
import { s3Limit } from './lib/s3-limit';

const SELF = fileURLToPath(import.meta.url);
const SMALL = 4 * 1024;
const SMALL_COUNT = Number(process.env.BENCH_SMALL_COUNT ?? 1200);
const SMALL_ROUNDS = Number(process.env.BENCH_SMALL_ROUNDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
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
/**
 * The limit of the same work under the same client: an S3 stand-in that does only what S3 must for a
 * multipart upload's bytes — MD5 (the ETag) and SHA-256 (checked against the signed payload hash) of each
 * part as it streams in, written to a file and fsynced before the answer — with no SigV4, no IAM, no
 * metadata, no CRC32, on as many processes as the local cloud hashes with threads (a cluster sharing the port).
 * Its writes are as efficient as the local cloud's: the file stream buffers up to a slab's size (hash-worker.ts)
 * and writes what gathered at once; fdatasync, as the local cloud syncs a blob (a new file's size is included).
 */
async function serveIdeal(dir: string) {
  const cluster = (await import('node:cluster')).default;
  const { createServer } = await import('node:http');
  const { createWriteStream, fdatasync, close, mkdirSync, openSync: open } = await import('node:fs');
  const { createHash, randomUUID } = await import('node:crypto');
  const { HASH_WORKERS, SLAB_SIZE } = await import('../localcloud/s3/hash-worker');
  if (cluster.isPrimary) {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    mkdirSync(dir, { recursive: true });
    let listening = 0;
    for (let i = 0; i < HASH_WORKERS; i++) {
      cluster.fork({ BENCH_IDEAL_PORT: String(port) }).on('listening', () => {
        if (++listening === HASH_WORKERS) console.log(JSON.stringify({ port, bucket: 'ideal', credentials: { accessKeyId: 'AKIDIDEAL', secretAccessKey: 'ideal' }, keyPrefix: '' }));
      });
    }
    process.on('SIGTERM', () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(0);
    });
    return;
  }
  const xml = (res: import('node:http').ServerResponse, body: string) => {
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    const part = url.searchParams.get('partNumber');
    if (req.method === 'PUT' && part) {
      const md5 = createHash('md5');
      const sha256 = createHash('sha256');
      const fd = open(join(dir, `${url.searchParams.get('uploadId')}-${part}`), 'w');
      const file = createWriteStream('', { fd, autoClose: false, highWaterMark: SLAB_SIZE });
      req.on('data', (chunk: Buffer) => {
        md5.update(chunk);
        sha256.update(chunk);
      });
      req.pipe(file);
      file.on('finish', () =>
        fdatasync(fd, () =>
          close(fd, () => {
            if (sha256.digest('hex') !== req.headers['x-amz-content-sha256']) res.writeHead(400).end();
            else res.writeHead(200, { etag: `"${md5.digest('hex')}"`, 'content-length': 0 }).end();
          }),
        ),
      );
      return;
    }
    req.resume();
    req.on('end', () => {
      if (url.searchParams.has('uploads')) xml(res, `<InitiateMultipartUploadResult><Bucket>ideal</Bucket><Key>k</Key><UploadId>${randomUUID()}</UploadId></InitiateMultipartUploadResult>`);
      else xml(res, '<CompleteMultipartUploadResult><Bucket>ideal</Bucket><Key>k</Key><ETag>"x"</ETag></CompleteMultipartUploadResult>');
    });
  }).listen(Number(process.env.BENCH_IDEAL_PORT), '127.0.0.1');
}

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

type Kind = 'local' | 's3rver' | 'ideal';

interface Server {
  served: Served;
  pid: number;
  stop(): Promise<void>;
}

/**
 * A server started for one measured round on a new, empty directory (its bucket made before timing),
 * stopped and its directory deleted after: no round inherits another's objects.
 */
async function fresh(kind: Kind, dir: string): Promise<Server> {
  const { child, served } = await startChild(`--serve-${kind}`, dir);
  const stop = () =>
    new Promise<void>((resolve) => {
      child.removeAllListeners('exit');
      child.once('exit', () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      });
      child.kill(process.env.BENCH_PROFILE ? 'SIGINT' : kind === 'ideal' ? 'SIGTERM' : 'SIGKILL');
    });
  if (kind === 's3rver') {
    const s3 = client(served);
    await s3.send(new CreateBucketCommand({ Bucket: served.bucket }));
    s3.destroy();
  }
  return { served, pid: child.pid!, stop };
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

const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'bench-s3-'));
  let rounds = 0;
  const dir = (name: string) => join(root, `${name}-${rounds++}`);
  try {
    const only = process.env.BENCH_ONLY ?? (process.env.BENCH_ONLY_SMALL ? 'small' : undefined); // small | huge | multipart
    if (!only || only === 'small') await smallRounds(dir);
    if (!only || only === 'huge') {
      const local = await fresh('local', dir('huge'));
      try {
        const huge = await hugeUpload(local.served, local.pid);
        console.log(`${HUGE_BYTES / 1024 ** 3} GiB streamed PutObject (aws-chunked, trailing CRC32): ${huge.mbps.toFixed(0)} MB/s; server peak RSS ${huge.peak.toFixed(0)} MiB (was ${huge.before.toFixed(0)} MiB before the upload)`);
      } finally {
        await local.stop();
      }
    }
    if (!only || only === 'multipart') await multipartRounds(root, dir);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * 4 KiB PUTs and GETs. The machine is shared, so load shifts during a run: many short
 * rounds, alternating which server goes first (ABBA), and each server's best round.
 * Each round runs on a server started for it on an empty directory, warmed up (its JIT,
 * the connections) with objects of its own before timing. Both servers get the same
 * client settings (connections kept alive).
 */
async function smallRounds(dir: (name: string) => string) {
  const startLoad = load();
  const rounds = { local: { put: [] as number[], get: [] as number[] }, s3rver: { put: [] as number[], get: [] as number[] } };
  /** CPU ms over all measured PUTs + GETs: each server's process, and the client (this process) while it drove it. */
  const cpu = { local: { server: 0, client: 0 }, s3rver: { server: 0, client: 0 } };
  for (let round = 0; round < SMALL_ROUNDS; round++) {
    const order: Exclude<Kind, 'ideal'>[] = round % 4 === 0 || round % 4 === 3 ? ['local', 's3rver'] : ['s3rver', 'local'];
    for (const kind of order) {
      const server = await fresh(kind, dir(`small-${kind}`));
      const s3 = client(server.served);
      try {
        await smallObjects(s3, server.served, 'warm', 600); // not measured
        const server0 = cpuSeconds(server.pid);
        const client0 = process.cpuUsage();
        const r = await smallObjects(s3, server.served, round);
        cpu[kind].server += (cpuSeconds(server.pid) - server0) * 1000;
        const c = process.cpuUsage(client0);
        cpu[kind].client += (c.user + c.system) / 1000;
        rounds[kind].put.push(r.put);
        rounds[kind].get.push(r.get);
      } finally {
        s3.destroy();
        await server.stop();
      }
    }
  }
  const o = { put: best(rounds.local.put), get: best(rounds.local.get) };
  const t = { put: best(rounds.s3rver.put), get: best(rounds.s3rver.get) };
  console.log(
    `4 KiB objects: ${SMALL_ROUNDS} alternating rounds (ABBA) of ${SMALL_COUNT} PUTs then GETs, ${CONCURRENCY} in flight, each round on a fresh server, best round of each (client and servers share ${cpus().length} cores); load average ${startLoad} at the start:`,
  );
  for (const op of ['put', 'get'] as const) {
    const ratio = o[op] / t[op];
    console.log(
      `  ${op.toUpperCase()}  local cloud ${o[op].toFixed(0)}/s ${list(rounds.local[op])}   s3rver ${t[op].toFixed(0)}/s ${list(rounds.s3rver[op])}   ratio ${ratio.toFixed(2)}  (goal ≥ 1.0: ${verdict(ratio >= 1)}; ratio of medians ${(median(rounds.local[op]) / median(rounds.s3rver[op])).toFixed(2)})`,
    );
  }
  const ops = SMALL_ROUNDS * SMALL_COUNT * 2;
  const perOp = (who: 'local' | 's3rver') => `server ${(cpu[who].server / ops).toFixed(2)} ms + client ${(cpu[who].client / ops).toFixed(2)} ms`;
  console.log(`  CPU per request (PUTs and GETs together): local cloud ${perOp('local')}; s3rver ${perOp('s3rver')}; load average after the 4 KiB rounds: ${load()}`);
}

/** CPU seconds a process has used (all its threads), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
}

/**
 * 256 MiB multipart uploads to each server, beside the physical limit (bench/lib/s3-limit.ts: one process
 * reading the same bytes, computing MD5 and SHA-256 and writing + fsyncing them, on as many threads as the
 * server hashes with). Rounds rotate which goes first; each upload on a fresh server, warmed up first with a
 * small multipart upload of its own. Ratios are taken within each round (its uploads run back to back) and
 * the median of those is the figure; each side's median rate is printed too.
 */
async function multipartRounds(root: string, dir: (name: string) => string) {
  const data = Buffer.alloc(MULTIPART_BYTES);
  for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE(i, i);
  const startLoad = load();
  const results = { local: [] as number[], s3rver: [] as number[], ideal: [] as number[], limit: [] as number[] };
  /** CPU seconds per 256 MiB, summed over the rounds: each server's process and the client's; the limit's process. */
  const cpu = { local: { server: 0, client: 0 }, s3rver: { server: 0, client: 0 }, ideal: { server: 0, client: 0 }, limit: { server: 0, client: 0 } };
  const clientSeconds = (since: NodeJS.CpuUsage) => {
    const c = process.cpuUsage(since);
    return (c.user + c.system) / 1e6;
  };
  // The limit's source is written (and synced) once, before any timing: its writeback then slows nothing measured.
  const src = join(root, 'limit-src.bin');
  writeFileSync(src, data);
  const fd = openSync(src, 'r');
  fsyncSync(fd);
  closeSync(fd);
  const limit = await s3Limit();
  const upload = async (kind: Kind, round: number) => {
    const server = await fresh(kind, dir(`multipart-${kind}`));
    try {
      await multipart(server.served, data.subarray(0, 2 * PART), -1); // warm-up, not measured
      const server0 = cpuSeconds(server.pid);
      const client0 = process.cpuUsage();
      results[kind].push(await multipart(server.served, data, round));
      cpu[kind].server += cpuSeconds(server.pid) - server0;
      cpu[kind].client += clientSeconds(client0);
    } finally {
      await server.stop();
    }
  };
  try {
    const steps = ['local', 's3rver', 'ideal', 'limit'] as const;
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < steps.length; i++) {
        const step = steps[(round + i) % steps.length];
        if (step !== 'limit') {
          await upload(step, round);
          continue;
        }
        const before = process.cpuUsage(); // this process does nothing else meanwhile: its CPU is the limit's
        results.limit.push(await limit.measure(src, data.length, PART, dir('multipart-limit')));
        cpu.limit.server += clientSeconds(before);
      }
    }
  } finally {
    await limit.stop();
    rmSync(src);
  }
  const mp = median(results.local);
  const peer = median(results.s3rver);
  const ideal = median(results.ideal);
  const physical = median(results.limit);
  // The load of a shared machine drifts over a run: each round's uploads run back to back, so the ratio within a
  // round compares like with like; the verdict is on the median of those paired ratios (the ratio of the medians beside it).
  const paired = (peerRates: number[]) => results.local.map((x, i) => x / peerRates[i]);
  const toIdeal = median(paired(results.ideal));
  const toPeer = median(paired(results.s3rver));
  const ratios = (xs: number[]) => `[${xs.map((x) => x.toFixed(2)).join(', ')}]`;
  console.log(
    `256 MiB multipart upload (8 MiB parts, 4 in parallel), ${ROUNDS} rotating rounds, each upload on a fresh server; load average ${startLoad} at the start:\n` +
      `  local cloud ${mp.toFixed(0)} MB/s ${list(results.local)}   s3rver ${peer.toFixed(0)} MB/s ${list(results.s3rver)} (medians, rounds in brackets)\n` +
      `  the limit: an S3 stand-in doing only MD5 + SHA-256 + write + fdatasync of each part, under the same client, ${ideal.toFixed(0)} MB/s ${list(results.ideal)}\n` +
      `  ratio to the limit ${toIdeal.toFixed(2)}, median of the rounds' ${ratios(paired(results.ideal))} (goal ≥ 0.8: ${verdict(toIdeal >= 0.8)}; ratio of the medians ${(mp / ideal).toFixed(2)})\n` +
      `  ratio to s3rver ${toPeer.toFixed(2)}, median of the rounds' ${ratios(paired(results.s3rver))} (goal ≥ 2: ${verdict(toPeer >= 2)}; ratio of the medians ${(mp / peer).toFixed(2)})\n` +
      `  for reference, the same work with no client on the cores (one process, ${limit.threads} threads, from a file) ${physical.toFixed(0)} MB/s ${list(results.limit)}: ` +
      `local cloud ${(mp / physical).toFixed(2)} of it, the stand-in ${(ideal / physical).toFixed(2)}`,
  );
  const per = (x: number) => (x / ROUNDS).toFixed(2);
  const local = cpu.local.server + cpu.local.client;
  console.log(
    `  CPU per 256 MiB: local cloud ${per(cpu.local.server)} s + client ${per(cpu.local.client)} s; s3rver ${per(cpu.s3rver.server)} s + client ${per(cpu.s3rver.client)} s; limit ${per(cpu.limit.server)} s. ` +
      `When both are CPU-bound (client and server sharing these cores) the ratio to the limit is about ${(cpu.limit.server / local).toFixed(2)}; load average ${load()}`,
  );
}

const mode = process.argv[2];
if (mode === '--serve-local') await serveLocal(process.argv[3]);
else if (mode === '--serve-s3rver') await serveS3rver(process.argv[3]);
else if (mode === '--serve-ideal') await serveIdeal(process.argv[3]);
else await main();
