import { Worker } from 'node:worker_threads';

/**
 * MD5 (the ETag), SHA-256 when the body's hash must be verified, and CRC32
 * when it is needed, of large bodies, computed on worker threads, so a large
 * upload's hashing runs on another core than its socket and file I/O.
 *
 * The bytes travel in slabs: 1 MiB of shared memory each, copied into once from
 * the socket's chunks. A full slab is handed at the same time to a worker (which
 * hashes it) and to the file writer (which writes it): the hashing runs beside
 * the disk write, and nothing reads the body back. A slab returns to the pool
 * when both are done with it. Each upload holds at most MAX_SLABS_PER_JOB slabs
 * (backpressure), so a slow worker or disk never makes a body sit in memory.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const slabs = [];
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'slab') {
    slabs[m.index] = new Uint8Array(m.buffer);
  } else if (m.op === 'start') {
    jobs.set(m.id, { hashes: m.algorithms.map((a) => createHash(a)), crc: m.crc32 ? 0 : undefined });
  } else if (m.op === 'update') {
    const job = jobs.get(m.id);
    if (job) {
      const bytes = slabs[m.index].subarray(0, m.length);
      for (const h of job.hashes) h.update(bytes);
      if (job.crc !== undefined) job.crc = crc32(bytes, job.crc);
    }
    parentPort.postMessage({ op: 'ack', index: m.index });
  } else if (m.op === 'digest') {
    const job = jobs.get(m.id);
    jobs.delete(m.id);
    parentPort.postMessage({ op: 'digest', id: m.id, hex: job ? job.hashes.map((h) => h.digest('hex')) : [], crc: job ? job.crc : undefined });
  } else if (m.op === 'drop') {
    jobs.delete(m.id);
  }
});
`;

export const SLAB_SIZE = 1024 * 1024;
const MAX_SLABS_PER_JOB = 4;
/** Slabs are made on demand and kept; past this many, uploads wait for one to be free. */
const MAX_SLABS = 64;

export interface Slab {
  readonly index: number;
  /** The whole slab (SLAB_SIZE bytes of shared memory). */
  readonly bytes: Buffer;
  /** Holders: the worker hashing it, the writer writing it. Back in the pool at 0. */
  refs: number;
}

export interface HashJob {
  /** A free slab to fill (waits while this upload holds MAX_SLABS_PER_JOB, or the pool is exhausted). */
  slab(): Promise<Slab>;
  /** Hashes the first `length` bytes of a filled slab; the caller keeps its own reference (release it when written). */
  hash(slab: Slab, length: number): void;
  /** Gives back one reference to a slab (the writer's, or an unused slab's). */
  release(slab: Slab): void;
  /** Hex digests, in the order of the algorithms asked for, and the CRC32 of all bytes (if asked for). */
  digest(): Promise<Digests>;
  drop(): void;
}

export interface Digests {
  hex: string[];
  crc32?: number;
}

interface WorkerState {
  worker: Worker;
  /** Jobs started and not yet digested or dropped: a new job goes to the worker with fewest. */
  jobs: number;
  /** Bytes sent and not yet hashed: among workers with as many jobs, the least busy one. */
  pending: number;
}

class HashPool {
  private workers: WorkerState[] = [];
  private slabs: Slab[] = [];
  private free: Slab[] = [];
  private waiting: (() => void)[] = [];
  private digests = new Map<number, (d: Digests) => void>();
  private owners = new Map<number, { state: WorkerState; job: { held: number; wake?: () => void } }>();
  private nextId = 1;

  constructor(private readonly size: number) {}

  private workerFor(): WorkerState {
    if (this.workers.length < this.size) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      const state: WorkerState = { worker, jobs: 0, pending: 0 };
      for (const slab of this.slabs) worker.postMessage({ op: 'slab', index: slab.index, buffer: slab.bytes.buffer });
      worker.on('message', (m: { op: string; index: number; id: number; hex: string[]; crc?: number }) => {
        if (m.op === 'ack') {
          state.pending -= SLAB_SIZE;
          this.unref(this.slabs[m.index]);
        } else if (m.op === 'digest') {
          const done = this.digests.get(m.id);
          this.digests.delete(m.id);
          done?.({ hex: m.hex, crc32: m.crc === undefined ? undefined : m.crc >>> 0 });
        }
      });
      this.workers.push(state);
      return state;
    }
    // Parts start together (4 at once from aws-amplify and the SDKs): counting jobs spreads them at once,
    // where bytes pending (none yet) would give them all to the first worker.
    return this.workers.reduce((a, b) => (b.jobs < a.jobs || (b.jobs === a.jobs && b.pending < a.pending) ? b : a));
  }

  private unref(slab: Slab): void {
    if (--slab.refs > 0) return;
    const owner = this.owners.get(slab.index);
    this.owners.delete(slab.index);
    if (owner) {
      owner.job.held--;
      const wake = owner.job.wake;
      owner.job.wake = undefined;
      wake?.();
    }
    this.free.push(slab);
    this.waiting.shift()?.();
  }

  private async take(): Promise<Slab> {
    for (;;) {
      const slab = this.free.pop();
      if (slab) return slab;
      if (this.slabs.length < MAX_SLABS) {
        const made: Slab = { index: this.slabs.length, bytes: Buffer.from(new SharedArrayBuffer(SLAB_SIZE)), refs: 0 };
        this.slabs.push(made);
        for (const w of this.workers) w.worker.postMessage({ op: 'slab', index: made.index, buffer: made.bytes.buffer });
        return made;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** A job hashing one body: `algorithms` in that order, and its CRC32 when `crc32` is set. */
  start(algorithms: ('md5' | 'sha256')[], crc32: boolean): HashJob {
    const id = this.nextId++;
    const state = this.workerFor();
    state.jobs++;
    let open = true;
    const finished = () => {
      if (open) state.jobs--;
      open = false;
    };
    const job: { held: number; wake?: () => void } = { held: 0 };
    state.worker.postMessage({ id, op: 'start', algorithms, crc32 });
    return {
      slab: async () => {
        while (job.held >= MAX_SLABS_PER_JOB) await new Promise<void>((resolve) => (job.wake = resolve));
        job.held++;
        const slab = await this.take();
        slab.refs = 1;
        this.owners.set(slab.index, { state, job });
        return slab;
      },
      hash: (slab, length) => {
        slab.refs++;
        state.pending += SLAB_SIZE;
        state.worker.postMessage({ id, op: 'update', index: slab.index, length });
      },
      release: (slab) => this.unref(slab),
      digest: () =>
        new Promise((resolve) => {
          finished();
          this.digests.set(id, resolve);
          state.worker.postMessage({ id, op: 'digest' });
        }),
      drop: () => {
        finished();
        this.digests.delete(id);
        state.worker.postMessage({ id, op: 'drop' });
      },
    };
  }
}

/** Hash worker threads: every large body's MD5, SHA-256 and CRC32 (those it needs) run on one of these. */
export const HASH_WORKERS = 2;

export const hashPool = new HashPool(HASH_WORKERS);
