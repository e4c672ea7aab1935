/**
 * The SRP sign-in limit of this machine: the server's three modexps per
 * sign-in (g^b, v^u, (A·v^u)^b; 3072-bit modulus, 256-bit exponents, through
 * OpenSSL as srp.ts does them), run flat out on as many worker threads as the
 * local cloud's crypto pool uses (localcloud/services/crypto-workers.ts: one
 * request worker per core plus the stock worker), all at once. Nothing else:
 * no HTTP, no JSON, no token signing, no messages between threads.
 */
import { randomBytes } from 'node:crypto';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { REQUEST_WORKERS } from '../../localcloud/services/crypto-workers';
import { g, modPow, N } from '../../localcloud/services/srp';

/** Threads the server's pool runs modexps on. */
export const SERVER_MODEXP_THREADS = REQUEST_WORKERS + 1;

const random256 = () => BigInt(`0x${randomBytes(32).toString('hex')}`);

/** One thread's loop: full sets of three modexps until `ms` have passed; sets per second. */
function runSets(ms: number): { sets: number; seconds: number } {
  const v = modPow(g, random256());
  const A = modPow(g, random256());
  const started = performance.now();
  let sets = 0;
  let now = started;
  while (now - started < ms) {
    const b = random256();
    const u = random256();
    modPow(g, b);
    modPow((A * modPow(v, u)) % N, b);
    sets++;
    now = performance.now();
  }
  return { sets, seconds: (now - started) / 1000 };
}

if (!isMainThread) {
  runSets(50); // warm
  parentPort!.on('message', (ms: number) => parentPort!.postMessage(runSets(ms)));
  parentPort!.postMessage('ready');
}

/** A pool of `threads` limit workers, started once; each `measure` runs them all together. */
export async function modexpLimit(threads = SERVER_MODEXP_THREADS) {
  const source = `require('tsx/cjs/api').require(${JSON.stringify(fileURLToPath(import.meta.url))}, __filename)`;
  const workers = await Promise.all(
    Array.from({ length: threads }, () => {
      const worker = new Worker(source, { eval: true, execArgv: [] });
      return new Promise<Worker>((resolve, reject) => {
        worker.once('message', () => resolve(worker));
        worker.once('error', reject);
      });
    }),
  );
  return {
    threads,
    /** Sign-ins per second the machine's cores could do if a sign-in were only its three modexps. */
    async measure(ms = 1000): Promise<number> {
      const runs = await Promise.all(
        workers.map(
          (worker) =>
            new Promise<{ sets: number; seconds: number }>((resolve) => {
              worker.once('message', resolve);
              worker.postMessage(ms);
            }),
        ),
      );
      return runs.reduce((sum, run) => sum + run.sets / run.seconds, 0);
    },
    /**
     * The same three modexps on this thread alone: sets per second, and CPU ms per set (the process's CPU
     * time, its other threads idle meanwhile), which other work on the machine does not inflate.
     */
    single: (ms = 1000) => {
      const cpu = process.cpuUsage();
      const run = runSets(ms);
      const used = process.cpuUsage(cpu);
      return { rate: run.sets / run.seconds, cpuMs: (used.user + used.system) / 1000 / run.sets };
    },
    stop: () => Promise.all(workers.map((worker) => worker.terminate())),
  };
}
