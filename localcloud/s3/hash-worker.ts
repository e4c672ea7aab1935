import { Worker } from 'node:worker_threads';

/**
 * MD5 (the ETag) and, when the body's SHA-256 must be verified, SHA-256,
 * computed on a worker thread, so a large upload's hashing runs on another core
 * than its socket and file I/O. Chunks
 * are copied to the worker; at most MAX_PENDING bytes are in flight per upload
 * (backpressure), so a slow worker never makes a body sit in memory.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'start') {
    jobs.set(m.id, m.algorithms.map((a) => createHash(a)));
  } else if (m.op === 'update') {
    for (const h of jobs.get(m.id) ?? []) h.update(m.chunk);
    parentPort.postMessage({ id: m.id, op: 'ack', bytes: m.chunk.byteLength });
  } else if (m.op === 'digest') {
    const hashes = jobs.get(m.id) ?? [];
    jobs.delete(m.id);
    parentPort.postMessage({ id: m.id, op: 'digest', hex: hashes.map((h) => h.digest('hex')) });
  } else if (m.op === 'drop') {
    jobs.delete(m.id);
  }
});
`;

const MAX_PENDING = 4 * 1024 * 1024;

interface Job {
  pending: number;
  waiting?: () => void;
  done?: (hex: string[]) => void;
}

export interface HashJob {
  update(chunk: Buffer): Promise<void> | undefined;
  /** Hex digests, in the order of the algorithms asked for. */
  digest(): Promise<string[]>;
  drop(): void;
}

class HashPool {
  private workers: Worker[] = [];
  private jobs = new Map<number, Job>();
  private nextId = 1;
  private turn = 0;

  constructor(private readonly size: number) {}

  private worker(): Worker {
    if (this.workers.length < this.size) {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.unref();
      w.on('message', (m: { id: number; op: string; bytes?: number; hex?: string[] }) => {
        const job = this.jobs.get(m.id);
        if (!job) return;
        if (m.op === 'ack') {
          job.pending -= m.bytes!;
          if (job.pending <= MAX_PENDING / 2 && job.waiting) {
            const resume = job.waiting;
            job.waiting = undefined;
            resume();
          }
        } else if (m.op === 'digest') {
          this.jobs.delete(m.id);
          job.done?.(m.hex!);
        }
      });
      this.workers.push(w);
      return w;
    }
    return this.workers[this.turn++ % this.workers.length];
  }

  start(algorithms: ('md5' | 'sha256')[]): HashJob {
    const id = this.nextId++;
    const worker = this.worker();
    const job: Job = { pending: 0 };
    this.jobs.set(id, job);
    worker.postMessage({ id, op: 'start', algorithms });
    return {
      update: (chunk) => {
        // A copy: the socket's buffer is reused by Node once this call returns.
        const copy = new Uint8Array(chunk);
        job.pending += copy.byteLength;
        worker.postMessage({ id, op: 'update', chunk: copy }, [copy.buffer]);
        if (job.pending > MAX_PENDING) return new Promise<void>((resolve) => (job.waiting = resolve));
        return undefined;
      },
      digest: () =>
        new Promise<string[]>((resolve) => {
          job.done = resolve;
          worker.postMessage({ id, op: 'digest' });
        }),
      drop: () => {
        this.jobs.delete(id);
        worker.postMessage({ id, op: 'drop' });
      },
    };
  }
}

export const hashPool = new HashPool(2);
