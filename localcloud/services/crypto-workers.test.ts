import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { CryptoWorkers, REQUEST_NICE, STOCK_NICE, STOCK_TARGET } from './crypto-workers';

const waitFor = async (condition: () => boolean) => {
  for (let waited = 0; !condition() && waited < 20_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
};

test('the stock worker fills the stock of ephemeral pairs, requests take from it, and it fills again', async () => {
  const workers = new CryptoWorkers(2);
  await workers.ephemeral(); // made on demand; the stock worker then fills the stock
  await waitFor(() => workers.stocked === STOCK_TARGET);
  expect(workers.stocked).toBe(STOCK_TARGET);
  const taken = await Promise.all(Array.from({ length: 10 }, () => workers.ephemeral()));
  expect(workers.stocked).toBe(STOCK_TARGET - 10);
  expect(new Set(taken.map(([b]) => b)).size).toBe(10);
  await waitFor(() => workers.stocked === STOCK_TARGET);
  expect(workers.stocked).toBe(STOCK_TARGET);
});

/** Nice value of each thread of this process, by thread id (Linux /proc). */
function threadNiceValues(): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    // Fields after the parenthesised name start at field 3 (state); nice is field 19.
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
    nice.set(Number(tid), Number(fields[16]));
  }
  return nice;
}

test.runIf(process.platform === 'linux')('workers run below the event loop: request workers at +10, the stock worker lowest, the main thread untouched', async () => {
  const before = threadNiceValues().get(process.pid)!;
  const workers = new CryptoWorkers(1);
  await workers.ephemeral(); // starts a request worker and the stock worker
  await waitFor(() => workers.stocked > 0);
  const after = threadNiceValues();
  expect(after.get(process.pid)).toBe(before);
  const values = [...after.values()];
  expect(values).toContain(Math.min(19, before + REQUEST_NICE));
  expect(values).toContain(Math.min(19, before + STOCK_NICE));
});
