import { sign, type KeyObject } from 'node:crypto';
import { cryptoWorkers } from './crypto-workers';

/**
 * RS256 JWT signing with node:crypto (~0.25 ms a token), where jose's
 * WebCrypto path adds a thread-pool round trip per token. Verification
 * stays with jose.
 */
function signingInput(payload: Record<string, unknown>, kid: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ kid, alg: 'RS256' })}.${encode(payload)}`;
}

const signature = (input: string, privateKey: KeyObject) => sign('sha256', Buffer.from(input), privateKey).toString('base64url');

/**
 * RS256 JWTs, several at once (a sign-in's id and access tokens). Needed now:
 * the first is signed on this thread while idle crypto workers sign the
 * others side by side; with every worker busy (a loaded server), all are
 * signed here. Signed ahead of need (`ahead`, while a client computes its
 * proof) and some worker idle: each on the least busy worker, so this thread
 * goes on answering and the signatures spread over the workers rather than
 * crowd the CPU the client and the premaster need.
 */
export async function signRs256All(payloads: Record<string, unknown>[], privateKey: KeyObject, kid: string, ahead = false): Promise<string[]> {
  const inputs = payloads.map((payload) => signingInput(payload, kid));
  if (ahead && cryptoWorkers.anyIdle) {
    return Promise.all(inputs.map(async (input) => `${input}.${await cryptoWorkers.signOnWorker(input, privateKey, kid)}`));
  }
  const elsewhere = inputs.map((input, i) => (i === 0 ? undefined : cryptoWorkers.signIfIdle(input, privateKey, kid)));
  return Promise.all(inputs.map(async (input, i) => `${input}.${(await elsewhere[i]) ?? signature(input, privateKey)}`));
}
