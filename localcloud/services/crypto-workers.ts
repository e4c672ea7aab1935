import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * The local cloud's OpenSSL work that would otherwise block its one event
 * loop, on worker threads: SRP's 3072-bit modular exponentiations (~0.5 ms
 * each, three per sign-in) and, when a worker is idle, RS256 signatures (a
 * sign-in's two tokens are then signed side by side). One more worker keeps
 * a small stock of fresh SRP ephemeral pairs (b, g^b), so a sign-in rarely
 * waits for one.
 *
 * On Linux, where a thread has its own nice value, the workers run below the
 * event loop's priority: bulk crypto then never delays the thread that
 * answers requests (nor the app and browser beside the local cloud), and the
 * stock is made only with CPU time nothing else wants. On a 2-core machine
 * this alone gave 8-10% more sequential sign-ins per second and 4-8% more
 * with 8 clients (bench/srp-sign-in.ts, A/B rounds against the same code at
 * the default priority).
 *
 * Numbers cross the thread boundary as hex strings. The worker is plain
 * JavaScript evaluated from a string, so it runs the same under tsx, Node
 * and vitest.
 */

/** Cognito SRP's group: RFC 5054's 3072-bit prime (OpenSSL's modp15), generator 2. */
export const SRP_GROUP = 'modp15';

/** Added to the event loop's nice value (Linux, capped at 19): request workers a little below it, the stock worker lowest. */
export const REQUEST_NICE = 10;
export const STOCK_NICE = 19;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createDiffieHellman, getDiffieHellman, randomBytes, sign } = require('node:crypto');
const PRIME = getDiffieHellman(workerData.group).getPrime();
// Below the thread that started it. Per thread on Linux (elsewhere it would renice the whole process);
// lowering priority needs no privilege.
if (process.platform === 'linux') {
  const os = require('node:os');
  try { os.setPriority(Math.min(19, os.getPriority() + workerData.nice)); } catch {}
}
const N = BigInt('0x' + PRIME.toString('hex'));
const GENERATOR = Buffer.from([2]);
const bytes = (hex) => Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
const big = (buffer) => BigInt('0x' + (buffer.toString('hex') || '0'));
/** Signing keys by key id: each is sent once. */
const keys = new Map();
/** base^exponent mod N through OpenSSL; base undefined means the generator. */
function pow(base, exponent) {
  const dh = createDiffieHellman(PRIME, GENERATOR);
  dh.setPrivateKey(bytes(exponent));
  if (base === undefined) {
    dh.generateKeys();
    return big(dh.getPublicKey());
  }
  return big(dh.computeSecret(bytes(base)));
}
parentPort.on('message', (job) => {
  try {
    if (job.op === 'ephemeral') {
      // A 256-bit secret exponent: ~128-bit security in this group, at a fraction of the cost.
      const b = randomBytes(32).toString('hex');
      parentPort.postMessage({ id: job.id, value: [b, pow(undefined, b).toString(16)] });
    } else if (job.op === 'powProduct') {
      // (x · y^e1 mod N)^e2 mod N; OpenSSL refuses degenerate bases (0, 1, N-1).
      const inner = (BigInt('0x' + job.x) * pow(job.y, job.e1)) % N;
      parentPort.postMessage({ id: job.id, value: pow(inner.toString(16), job.e2).toString(16) });
    } else if (job.op === 'sign') {
      if (job.key) keys.set(job.kid, job.key);
      parentPort.postMessage({ id: job.id, value: sign('sha256', Buffer.from(job.input), keys.get(job.kid)).toString('base64url') });
    } else {
      throw new Error('unknown operation ' + job.op);
    }
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.message || error) });
  }
});
`;

type Job =
  | { op: 'ephemeral' }
  | { op: 'powProduct'; x: string; y: string; e1: string; e2: string }
  | { op: 'sign'; input: string; kid: string; key?: KeyObject };

interface Slot {
  worker: Worker;
  /** Jobs posted and not yet answered. */
  busy: number;
  /** The signing keys it holds, by key id. */
  kids: Set<string>;
}

interface Pending {
  slot: Slot;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Request workers per pool by default: one per core. With the stock worker, a pool runs REQUEST_WORKERS + 1 threads. */
export const REQUEST_WORKERS = Math.max(1, availableParallelism());

/** How many ready (b, g^b) pairs the stock worker keeps. */
export const STOCK_TARGET = 64;

export class CryptoWorkers {
  private readonly slots: Slot[] = [];
  private stocker: Slot | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly stock: [string, string][] = [];
  private nextId = 1;

  constructor(private readonly size = REQUEST_WORKERS) {}

  /** Ready ephemeral pairs. */
  get stocked(): number {
    return this.stock.length;
  }

  /** A fresh secret exponent b (hex) and g^b mod N (hex); never handed out twice. */
  async ephemeral(): Promise<[string, string]> {
    const ready = this.stock.pop();
    this.refill();
    return ready ?? ((await this.run(this.leastBusy(), { op: 'ephemeral' })) as [string, string]);
  }

  /** (x · y^e1 mod N)^e2 mod N, all hex: SRP's premaster secret (A · v^u)^b. Rejects on a degenerate base. */
  powProduct(x: string, y: string, e1: string, e2: string): Promise<string> {
    return this.run(this.leastBusy(), { op: 'powProduct', x, y, e1, e2 }) as Promise<string>;
  }

  /**
   * The base64url RS256 signature of `input` on a worker with nothing to do,
   * or undefined when every worker is busy: the caller then signs itself
   * rather than queue behind modexps.
   */
  signIfIdle(input: string, key: KeyObject, kid: string): Promise<string> | undefined {
    const slot = this.slots.find((candidate) => candidate.busy === 0);
    return slot && this.sign(slot, input, key, kid);
  }

  /** True when a worker has nothing to do, or one more can be started. */
  get anyIdle(): boolean {
    return this.slots.length < this.size || this.slots.some((slot) => slot.busy === 0);
  }

  /** The base64url RS256 signature of `input` on the least busy worker (queued behind its jobs if need be). */
  signOnWorker(input: string, key: KeyObject, kid: string): Promise<string> {
    return this.sign(this.leastBusy(), input, key, kid);
  }

  private sign(slot: Slot, input: string, key: KeyObject, kid: string): Promise<string> {
    const job: Job = { op: 'sign', input, kid, key: slot.kids.has(kid) ? undefined : key };
    slot.kids.add(kid);
    return this.run(slot, job) as Promise<string>;
  }

  private run(slot: Slot, job: Job): Promise<unknown> {
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.worker.postMessage({ id, ...job });
    });
  }

  /** Tops the stock up, one pair at a time, on the lowest-priority worker. */
  private refill(): void {
    this.stocker ??= this.spawn(STOCK_NICE);
    if (this.stocker.busy > 0 || this.stock.length >= STOCK_TARGET) return;
    this.run(this.stocker, { op: 'ephemeral' }).then(
      (pair) => {
        this.stock.push(pair as [string, string]);
        this.refill();
      },
      () => undefined, // a failed refill is just not stocked; the next request tries again
    );
  }

  private leastBusy(): Slot {
    if (this.slots.length < this.size) {
      const slot = this.spawn(REQUEST_NICE);
      this.slots.push(slot);
      return slot;
    }
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private spawn(nice: number): Slot {
    // No execArgv: the worker is plain JavaScript and needs none of the parent's loaders (tsx, vitest).
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { group: SRP_GROUP, nice } });
    const slot: Slot = { worker, busy: 0, kids: new Set() };
    worker.unref();
    worker.on('message', (message: { id: number; value?: unknown; error?: string }) => {
      slot.busy--;
      const job = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) job?.reject(new Error(message.error));
      else job?.resolve(message.value);
    });
    worker.on('error', (error) => {
      // A worker that died takes its jobs with it: fail them rather than leave sign-ins hanging.
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      if (this.stocker === slot) this.stocker = undefined;
      for (const [id, job] of this.pending) {
        if (job.slot !== slot) continue;
        this.pending.delete(id);
        job.reject(error);
      }
    });
    return slot;
  }
}

/** The process's one pool: sized to the machine, workers started on first use. */
export const cryptoWorkers = new CryptoWorkers();
