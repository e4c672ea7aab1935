import { Worker } from 'node:worker_threads';

/**
 * MD5 (the ETag) computed on a worker thread, so a large upload's MD5 runs on
 * another core than its SHA-256 verification and socket and file I/O. Chunks
 * are copied to the worker; at most MAX_PENDING bytes are in flight per upload
 * (backpressure), so a slow worker never makes a body sit in memory.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let h = jobs.get(m.id);
    if (!h) jobs.set(m.id, (h = createHash('md5')));
    h.update(m.chunk);
    parentPort.postMessage({ id: m.id, op: 'ack', bytes: m.chunk.byteLength });
  } else if (m.op === 'digest') {
    const h = jobs.get(m.id) ?? createHash('md5');
    jobs.delete(m.id);
    parentPort.postMessage({ id: m.id, op: 'digest', hex: h.digest('hex') });
  } else if (m.op === 'drop') {
    jobs.delete(m.id);
  }
});
`;

const MAX_PENDING = 4 * 1024 * 1024;

interface Job {
  pending: number;
  waiting?: () => void;
  done?: (hex: string) => void;
}

export interface Md5Job {
  update(chunk: Buffer): Promise<void> | undefined;
  digest(): Promise<string>;
  drop(): void;
}

class Md5Pool {
  private workers: Worker[] = [];
  private jobs = new Map<number, Job>();
  private nextId = 1;
  private turn = 0;

  constructor(private readonly size: number) {}

  private worker(): Worker {
    if (this.workers.length < this.size) {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.unref();
      w.on('message', (m: { id: number; op: string; bytes?: number; hex?: string }) => {
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

  start(): Md5Job {
    const id = this.nextId++;
    const worker = this.worker();
    const job: Job = { pending: 0 };
    this.jobs.set(id, job);
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
        new Promise<string>((resolve) => {
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

export const md5Pool = new Md5Pool(2);
