import { sign } from 'node:crypto';
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

test('a worker signs exactly as this thread does (RS256 signatures are deterministic)', async () => {
  await cryptoWorkers.ephemeral(); // starts the workers
  const input = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0';
  let fromWorker: Promise<string> | undefined;
  for (let tries = 0; !fromWorker && tries < 200; tries++) {
    fromWorker = cryptoWorkers.signIfIdle(input, privateKey, 'kid-2');
    if (!fromWorker) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(fromWorker).toBeDefined();
  expect(await fromWorker).toBe(sign('sha256', Buffer.from(input), privateKey).toString('base64url'));
  // The key went over once; the next job for the same key id reuses it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const again = cryptoWorkers.signIfIdle(`${input}x`, privateKey, 'kid-2');
  if (again) expect(await again).toBe(sign('sha256', Buffer.from(`${input}x`), privateKey).toString('base64url'));
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
