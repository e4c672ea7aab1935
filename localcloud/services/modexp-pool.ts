import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * SRP's 3072-bit modular exponentiations on worker threads: a sign-in's
 * three modexps (~0.5 ms each through OpenSSL) would otherwise queue behind
 * one event loop and leave the other cores idle. The workers also keep a
 * small stock of fresh ephemeral pairs (b, g^b), made while they have
 * nothing else to do, so a sign-in rarely waits for one.
 *
 * Numbers cross the thread boundary as hex strings. The worker is plain
 * JavaScript evaluated from a string, so it runs the same under tsx, Node
 * and vitest.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createDiffieHellman, randomBytes } = require('node:crypto');
const PRIME = Buffer.from(workerData.prime, 'hex');
const N = BigInt('0x' + workerData.prime);
const GENERATOR = Buffer.from([2]);
const bytes = (hex) => Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
const big = (buffer) => BigInt('0x' + (buffer.toString('hex') || '0'));
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
    } else {
      throw new Error('unknown operation ' + job.op);
    }
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.message || error) });
  }
});
`;

type Job = { op: 'ephemeral' } | { op: 'powProduct'; x: string; y: string; e1: string; e2: string };

interface Slot {
  worker: Worker;
  /** Jobs posted and not yet answered. */
  busy: number;
  /** How many of those are stock refills, not a request's. */
  refills: number;
}

interface Pending {
  slot: Slot;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** How many ready (b, g^b) pairs the workers keep when idle. */
const STOCK_TARGET = 64;

export class ModexpPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly stock: [string, string][] = [];
  private nextId = 1;
  private refilling = 0;

  constructor(
    private readonly primeHex: string,
    private readonly size = Math.max(1, availableParallelism()),
  ) {}

  /** A fresh secret exponent b (hex) and g^b mod N (hex); never handed out twice. */
  async ephemeral(): Promise<[string, string]> {
    const ready = this.stock.pop();
    return ready ?? ((await this.run(this.leastBusy(), { op: 'ephemeral' })) as [string, string]);
  }

  /** (x · y^e1 mod N)^e2 mod N, all hex: SRP's premaster secret (A · v^u)^b. Rejects on a degenerate base. */
  powProduct(x: string, y: string, e1: string, e2: string): Promise<string> {
    return this.run(this.leastBusy(), { op: 'powProduct', x, y, e1, e2 }) as Promise<string>;
  }

  private run(slot: Slot, job: Job): Promise<unknown> {
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.worker.postMessage({ id, ...job });
    });
  }

  /**
   * Tops the stock up while no request waits for a worker, one pair at a
   * time and on one worker less than there are, so a refill never competes
   * with a sign-in's own modexps and one worker is always free for them.
   */
  private refill(): void {
    while (this.slots.length < this.size) this.spawn();
    if (this.slots.some((slot) => slot.busy > slot.refills)) return;
    for (const slot of this.slots) {
      if (this.stock.length + this.refilling >= STOCK_TARGET || this.refilling >= Math.max(1, this.size - 1)) return;
      if (slot.busy > 0) continue;
      this.refilling++;
      slot.refills++;
      const done = () => {
        this.refilling--;
        slot.refills--;
      };
      this.run(slot, { op: 'ephemeral' }).then((pair) => {
        done();
        this.stock.push(pair as [string, string]);
      }, done);
    }
  }

  private leastBusy(): Slot {
    if (this.slots.length < this.size) return this.spawn();
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true, workerData: { prime: this.primeHex } }), busy: 0, refills: 0 };
    slot.worker.unref();
    slot.worker.on('message', (message: { id: number; value?: unknown; error?: string }) => {
      slot.busy--;
      const job = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) job?.reject(new Error(message.error));
      else job?.resolve(message.value);
      // After pending I/O: a request about to post its next modexp goes first.
      if (slot.busy === slot.refills) setImmediate(() => this.refill());
    });
    slot.worker.on('error', (error) => {
      // A worker that died takes its jobs with it: fail them rather than leave sign-ins hanging.
      this.slots.splice(this.slots.indexOf(slot), 1);
      for (const [id, job] of this.pending) {
        if (job.slot !== slot) continue;
        this.pending.delete(id);
        job.reject(error);
      }
    });
    this.slots.push(slot);
    return slot;
  }
}
