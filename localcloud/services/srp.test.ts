import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { computeVerifier, g, k, modPow, N, padHex, parseSrpTimestamp, serverEphemeral, srpTimestamp, verifyPasswordClaim } from './srp';

// amazon-cognito-identity-js's own SRP client math (untyped internals): an independent implementation to check the server against.
const require = createRequire(import.meta.url);
const AuthenticationHelper = require('amazon-cognito-identity-js/lib/AuthenticationHelper').default;
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;

const POOL = 'AbCdEf123';
const USER = '3f1a6a7e-2c55-4d0b-9a55-1e1f0d1c2b3a';
const PASSWORD = 'Correct-horse-9';

/** amazon-cognito-identity-js answering a PASSWORD_VERIFIER challenge. */
function clientClaim(B: string, salt: string, secretBlock: string, password: string, helper = new AuthenticationHelper(POOL)) {
  return new Promise<{ A: string; signature: string; timestamp: string }>((resolve, reject) =>
    helper.getPasswordAuthenticationKey(USER, password, new BigInteger(B, 16), new BigInteger(salt, 16), (error: Error | null, key: Buffer) => {
      if (error) return reject(error);
      const timestamp = srpTimestamp(new Date());
      const message = Buffer.concat([Buffer.from(POOL), Buffer.from(USER), Buffer.from(secretBlock, 'base64'), Buffer.from(timestamp)]);
      resolve({ A: helper.largeAValue.toString(16), signature: createHmac('sha256', key).update(message).digest('base64'), timestamp });
    }),
  );
}

describe('server SRP against amazon-cognito-identity-js', () => {
  // Salts whose hex has a leading zero byte or a set high bit exercise Cognito's padding.
  test.each([['00'], ['80'], ['ff'], ['01'], ['7f']])('salt starting 0x%s', async (first) => {
    const salt = first + randomBytes(15).toString('hex');
    const verifier = computeVerifier(POOL, USER, PASSWORD, salt);
    // The client's A is known before B, as in InitiateAuth: the server derives S ahead of the claim.
    const helper = new AuthenticationHelper(POOL);
    const ephemeral = await serverEphemeral(verifier, helper.largeAValue.toString(16));
    const secretBlock = randomBytes(64).toString('base64');
    const right = await clientClaim(ephemeral.B, salt, secretBlock, PASSWORD, helper);
    const claim = { poolName: POOL, userIdForSrp: USER, verifier, ephemeral, secretBlock, ...right };
    expect(await verifyPasswordClaim(claim)).toBe(true);
    // The same claim again (S now derived on demand), then altered ones.
    expect(await verifyPasswordClaim(claim)).toBe(true);
    expect(await verifyPasswordClaim({ ...claim, timestamp: `${right.timestamp} ` })).toBe(false);
    expect(await verifyPasswordClaim({ ...claim, userIdForSrp: `${USER}x` })).toBe(false);
    const wrong = await clientClaim(ephemeral.B, salt, secretBlock, `${PASSWORD}!`);
    expect(await verifyPasswordClaim({ ...claim, ...wrong })).toBe(false);
  });

  test('a claim made with another A than the one the server anticipated is checked against its own A', async () => {
    const salt = randomBytes(16).toString('hex');
    const verifier = computeVerifier(POOL, USER, PASSWORD, salt);
    const ephemeral = await serverEphemeral(verifier, new AuthenticationHelper(POOL).largeAValue.toString(16));
    const secretBlock = randomBytes(64).toString('base64');
    const claim = await clientClaim(ephemeral.B, salt, secretBlock, PASSWORD);
    expect(await verifyPasswordClaim({ poolName: POOL, userIdForSrp: USER, verifier, ephemeral, secretBlock, ...claim })).toBe(true);
  });

  test('ephemeral secrets are never handed out twice', async () => {
    const verifier = computeVerifier(POOL, USER, PASSWORD, '01');
    const pairs = await Promise.all(Array.from({ length: 200 }, () => serverEphemeral(verifier, '02')));
    expect(new Set(pairs.map((p) => p.b)).size).toBe(200);
    for (const { b, B } of pairs.slice(0, 5)) expect(BigInt(`0x${B}`)).toBe((k * BigInt(`0x${verifier}`) + modPow(g, BigInt(`0x${b}`))) % N);
  });

  test('degenerate client values are refused, not crashed on', async () => {
    const verifier = computeVerifier(POOL, USER, PASSWORD, '01');
    const ephemeral = await serverEphemeral(verifier, '02');
    const base = { poolName: POOL, userIdForSrp: USER, verifier, ephemeral, secretBlock: 'AAAA', timestamp: srpTimestamp(new Date()), signature: 'AAAA' };
    for (const A of ['0', N.toString(16), (N * 2n).toString(16), 'zz', '1', (N - 1n).toString(16)]) {
      expect(await verifyPasswordClaim({ ...base, A })).toBe(false);
    }
  });
});

test('modPow agrees with BigInt arithmetic; padHex is Cognito padding', () => {
  const exponent = BigInt(`0x${randomBytes(32).toString('hex')}`);
  let expected = 1n;
  for (let base = g, e = exponent; e > 0n; e >>= 1n, base = (base * base) % N) if (e & 1n) expected = (expected * base) % N;
  expect(modPow(g, exponent)).toBe(expected);
  expect(padHex(0x7fn)).toBe('7f');
  expect(padHex(0x80n)).toBe('0080');
  expect(padHex(0xabcn)).toBe('0abc');
});

test('TIMESTAMP as Cognito writes it, parsed back', () => {
  const date = new Date(Date.UTC(2025, 10, 3, 9, 5, 7));
  expect(srpTimestamp(date)).toBe('Mon Nov 3 09:05:07 UTC 2025');
  expect(parseSrpTimestamp('Mon Nov 3 09:05:07 UTC 2025')).toEqual(date);
  expect(parseSrpTimestamp('Mon Nov 3 09:05:07 GMT 2025')).toBeUndefined();
});
