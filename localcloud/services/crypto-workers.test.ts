import { expect, test } from 'vitest';
import { CryptoWorkers, STOCK_TARGET } from './crypto-workers';

test('idle workers fill the stock of ephemeral pairs, and requests take from it', async () => {
  const workers = new CryptoWorkers(2);
  await workers.ephemeral(); // made on demand; the workers then stock up while idle
  for (let waited = 0; workers.stocked < STOCK_TARGET && waited < 20_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(workers.stocked).toBe(STOCK_TARGET);
  const taken = await Promise.all(Array.from({ length: 10 }, () => workers.ephemeral()));
  expect(workers.stocked).toBe(STOCK_TARGET - 10);
  expect(new Set(taken.map(([b]) => b)).size).toBe(10);
});
