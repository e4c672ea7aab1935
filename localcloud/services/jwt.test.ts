import { sign } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { expect, test, vi } from 'vitest';
import { cryptoWorkers } from './crypto-workers';
import { signRs256All } from './jwt';
import { generateRsaKeyPair } from './keys';

const { privateKey, publicKey } = generateRsaKeyPair();

test('tokens signed together verify, each with its own claims and the key id', async () => {
  const [first, second] = await signRs256All([{ sub: 'a', token_use: 'id' }, { sub: 'b', token_use: 'access' }], privateKey, 'kid-1');
  for (const [token, sub] of [[first, 'a'], [second, 'b']]) {
    const { payload } = await jwtVerify(token, publicKey, { algorithms: ['RS256'] });
    expect(payload.sub).toBe(sub);
    expect(decodeProtectedHeader(token)).toEqual({ kid: 'kid-1', alg: 'RS256' });
  }
});

test('a worker signs exactly as this thread does (RS256 signatures are deterministic), and gets the key once', async () => {
  await cryptoWorkers.ephemeral(); // starts the workers
  const posted = vi.spyOn(Worker.prototype, 'postMessage'); // calls through, recording each job and its worker
  const input = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0';
  // Signs on the first idle worker, waiting for one to be idle (the stock worker may be busy refilling; it is not one of them).
  const onIdleWorker = async (text: string) => {
    for (let tries = 0; tries < 200; tries++) {
      const signed = cryptoWorkers.signIfIdle(text, privateKey, 'kid-2');
      if (signed) return signed;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no worker was idle');
  };
  expect(await onIdleWorker(input)).toBe(sign('sha256', Buffer.from(input), privateKey).toString('base64url'));
  expect(await onIdleWorker(`${input}x`)).toBe(sign('sha256', Buffer.from(`${input}x`), privateKey).toString('base64url'));
  const jobs = posted.mock.calls.map(([job], i) => ({ job: job as { op: string; input?: string; key?: unknown }, worker: posted.mock.contexts[i] }));
  posted.mockRestore();
  const [first, second] = [input, `${input}x`].map((text) => jobs.find((j) => j.job.op === 'sign' && j.job.input === text)!);
  // Both went to the first idle worker: the key went over with the first job only; the second reused it.
  expect(second.worker).toBe(first.worker);
  expect(first.job.key).toBeDefined();
  expect(second.job.key).toBeUndefined();
});

test('tokens signed ahead of need go to the workers while one is idle, and verify', async () => {
  const onWorker = vi.spyOn(cryptoWorkers, 'signOnWorker');
  const tokens = await signRs256All([{ sub: 'c', token_use: 'id' }, { sub: 'd', token_use: 'access' }], privateKey, 'kid-3', true);
  expect(onWorker).toHaveBeenCalledTimes(2);
  onWorker.mockRestore();
  for (const [token, sub] of [[tokens[0], 'c'], [tokens[1], 'd']]) {
    const { payload } = await jwtVerify(token, publicKey, { algorithms: ['RS256'] });
    expect(payload.sub).toBe(sub);
  }
});
