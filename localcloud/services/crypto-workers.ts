import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * The local cloud's OpenSSL work that would otherwise block its one event
 * loop, on worker threads: SRP's 3072-bit modular exponentiations (~0.5 ms
 * each, three per sign-in) and, when a worker is idle, RS256 signatures (a
 * sign-in's two tokens are then signed side by side). The workers also keep
 * a small stock of fresh SRP ephemeral pairs (b, g^b), made while nothing
 * else waits, so a sign-in rarely waits for one.
 *
 * Numbers cross the thread boundary as hex strings. The worker is plain
 * JavaScript evaluated from a string, so it runs the same under tsx, Node
 * and vitest.
 */

/** Cognito SRP's group: RFC 5054's 3072-bit prime (OpenSSL's modp15), generator 2. */
export const SRP_GROUP = 'modp15';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createDiffieHellman, getDiffieHellman, randomBytes, sign } = require('node:crypto');
const PRIME = getDiffieHellman(workerData.group).getPrime();
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
  /** How many of those are stock refills, not a request's. */
  refills: number;
  /** The signing keys it holds, by key id. */
  kids: Set<string>;
}

interface Pending {
  slot: Slot;
  refill: boolean;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** How many ready (b, g^b) pairs the workers keep when idle. */
export const STOCK_TARGET = 64;

export class CryptoWorkers {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly stock: [string, string][] = [];
  private nextId = 1;
  private refilling = 0;

  constructor(private readonly size = Math.max(1, availableParallelism())) {}

  /** Ready ephemeral pairs. */
  get stocked(): number {
    return this.stock.length;
  }

  /** A fresh secret exponent b (hex) and g^b mod N (hex); never handed out twice. */
  async ephemeral(): Promise<[string, string]> {
    const ready = this.stock.pop();
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
    if (!slot) return undefined;
    const job: Job = { op: 'sign', input, kid, key: slot.kids.has(kid) ? undefined : key };
    slot.kids.add(kid);
    return this.run(slot, job) as Promise<string>;
  }

  private run(slot: Slot, job: Job, refill = false): Promise<unknown> {
    const id = this.nextId++;
    slot.busy++;
    if (refill) {
      slot.refills++;
      this.refilling++;
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { slot, refill, resolve, reject });
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
      this.run(slot, { op: 'ephemeral' }, true).then(
        (pair) => this.stock.push(pair as [string, string]),
        () => undefined, // a failed refill is just not stocked
      );
    }
  }

  private leastBusy(): Slot {
    if (this.slots.length < this.size) return this.spawn();
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private spawn(): Slot {
    // No execArgv: the worker is plain JavaScript and needs none of the parent's loaders (tsx, vitest).
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { group: SRP_GROUP } });
    const slot: Slot = { worker, busy: 0, refills: 0, kids: new Set() };
    slot.worker.unref();
    slot.worker.on('message', (message: { id: number; value?: unknown; error?: string }) => {
      slot.busy--;
      const job = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (job?.refill) {
        slot.refills--;
        this.refilling--;
      }
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
        if (job.refill) this.refilling--;
        job.reject(error);
      }
    });
    this.slots.push(slot);
    return slot;
  }
}

/** The process's one pool: sized to the machine, workers started on first use. */
export const cryptoWorkers = new CryptoWorkers();
