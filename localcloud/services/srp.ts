import { createDiffieHellman, createHash, createHmac, getDiffieHellman, randomBytes, timingSafeEqual } from 'node:crypto';
import { cryptoWorkers, SRP_GROUP } from './crypto-workers';

/**
 * Cognito's SRP-6a, server side, as aws-amplify and amazon-cognito-identity-js
 * speak it: N is the RFC 5054 3072-bit group (OpenSSL's modp15), g = 2, and
 * "pad" means Cognito's hex padding (even length, "00" before a set high bit),
 * not padding to N's length. Modular exponentiation goes through OpenSSL
 * (createDiffieHellman), several times faster than BigInt; a sign-in's
 * three run on worker threads (crypto-workers.ts).
 */
const group = getDiffieHellman(SRP_GROUP);
const N_BYTES = group.getPrime();
export const N = BigInt(`0x${N_BYTES.toString('hex')}`);
export const g = 2n;
const G_BYTES = Buffer.from([2]);

/** Cognito's hex: even length, and "00" in front when the high bit is set. */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

const toBigInt = (bytes: Buffer): bigint => (bytes.length ? BigInt(`0x${bytes.toString('hex')}`) : 0n);
const toBytes = (value: bigint): Buffer => Buffer.from(padHex(value), 'hex');
const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hashHex = (hex: string) => sha256Hex(Buffer.from(hex, 'hex'));

/** base^exponent mod N through OpenSSL. */
export function modPow(base: bigint, exponent: bigint): bigint {
  const dh = createDiffieHellman(N_BYTES, G_BYTES);
  dh.setPrivateKey(toBytes(exponent));
  if (base === g) {
    dh.generateKeys();
    return toBigInt(dh.getPublicKey());
  }
  return toBigInt(dh.computeSecret(toBytes(base)));
}

export const k = BigInt(`0x${hashHex(padHex(N) + padHex(g))}`);

/** The pool name SRP hashes: the part of the pool id after "_". */
export const srpPoolName = (userPoolId: string): string => userPoolId.split('_')[1] ?? userPoolId;

/** x = H(pad(salt) ‖ H(poolName ‖ userId ‖ ":" ‖ password)); salt is hex as sent to clients. */
function passwordExponent(poolName: string, userIdForSrp: string, password: string, saltHex: string): bigint {
  const inner = sha256Hex(`${poolName}${userIdForSrp}:${password}`);
  return BigInt(`0x${hashHex(padHex(BigInt(`0x${saltHex}`)) + inner)}`);
}

export interface PasswordVerifier {
  salt: string;
  verifier: string;
}

/** What the server stores instead of the password: a salt and v = g^x. */
export function createVerifier(poolName: string, userIdForSrp: string, password: string): PasswordVerifier {
  const salt = randomBytes(16).toString('hex');
  return { salt, verifier: computeVerifier(poolName, userIdForSrp, password, salt) };
}

export function computeVerifier(poolName: string, userIdForSrp: string, password: string, salt: string): string {
  return modPow(g, passwordExponent(poolName, userIdForSrp, password, salt)).toString(16);
}

/** Checks a plaintext password (USER_PASSWORD_AUTH, ChangePassword) against a stored verifier. */
export function passwordMatches(poolName: string, userIdForSrp: string, password: string, stored: PasswordVerifier): boolean {
  const candidate = Buffer.from(computeVerifier(poolName, userIdForSrp, password, stored.salt));
  const expected = Buffer.from(stored.verifier);
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

export interface ServerEphemeral {
  /** Secret exponent, hex. */
  b: string;
  /** B = k·v + g^b mod N, hex as sent in SRP_B. */
  B: string;
}

/**
 * Session keys being derived ahead of the client's claim, by b. u = H(A‖B)
 * is known as soon as B is, so the server's two remaining modexps run while
 * the client computes its own instead of after it answers. Bounded: the
 * oldest entries go first (a claim without one just derives it then).
 */
const anticipated = new Map<string, { A: string; verifier: string; key: Promise<Buffer | undefined> }>();
const ANTICIPATED_MAX = 4096;

/** Step 1: the server's ephemeral pair for a stored verifier and the client's A (already checked with isValidA). */
export async function serverEphemeral(verifierHex: string, A: string): Promise<ServerEphemeral> {
  const v = BigInt(`0x${verifierHex}`);
  for (;;) {
    const [b, gb] = await cryptoWorkers.ephemeral();
    const B = (k * v + BigInt(`0x${gb}`)) % N;
    if (B === 0n) continue;
    const ephemeral = { b, B: B.toString(16) };
    anticipated.set(b, { A, verifier: verifierHex, key: sessionKey(A, ephemeral, verifierHex) });
    if (anticipated.size > ANTICIPATED_MAX) anticipated.delete(anticipated.keys().next().value!);
    return ephemeral;
  }
}

/**
 * The claim's HMAC key: HKDF of S = (A · v^u)^b mod N with u = H(A‖B), or
 * undefined for values no honest client sends (u = 0, a degenerate base).
 */
async function sessionKey(A: string, ephemeral: ServerEphemeral, verifierHex: string): Promise<Buffer | undefined> {
  const u = BigInt(`0x${hashHex(padHex(BigInt(`0x${A}`)) + padHex(BigInt(`0x${ephemeral.B}`)))}`);
  if (u === 0n) return undefined;
  let S: bigint;
  try {
    S = BigInt(`0x${await cryptoWorkers.powProduct(A, verifierHex, u.toString(16), ephemeral.b)}`);
  } catch {
    return undefined; // OpenSSL refuses degenerate bases (0, 1, N-1): no valid claim has them.
  }
  return hkdf(toBytes(S), toBytes(u));
}

export interface PasswordClaim {
  poolName: string;
  userIdForSrp: string;
  verifier: string;
  /** The client's SRP_A, hex. */
  A: string;
  ephemeral: ServerEphemeral;
  /** SECRET_BLOCK exactly as the client echoes it (base64). */
  secretBlock: string;
  timestamp: string;
  /** PASSWORD_CLAIM_SIGNATURE, base64. */
  signature: string;
}

/** True when A is acceptable: a hex number with A mod N ≠ 0. */
export function isValidA(A: string): boolean {
  return /^[0-9a-fA-F]{1,2048}$/.test(A) && BigInt(`0x${A}`) % N !== 0n;
}

/** Step 2: derives the session key and checks the client's signature over the claim. */
export async function verifyPasswordClaim(claim: PasswordClaim): Promise<boolean> {
  if (!isValidA(claim.A) || !/^[A-Za-z0-9+/=_-]+$/.test(claim.signature)) return false;
  const ahead = anticipated.get(claim.ephemeral.b);
  anticipated.delete(claim.ephemeral.b);
  const key = await (ahead && ahead.A === claim.A && ahead.verifier === claim.verifier
    ? ahead.key
    : sessionKey(claim.A, claim.ephemeral, claim.verifier));
  if (!key) return false;
  const message = Buffer.concat([
    Buffer.from(claim.poolName),
    Buffer.from(claim.userIdForSrp),
    Buffer.from(claim.secretBlock, 'base64'),
    Buffer.from(claim.timestamp),
  ]);
  const expected = createHmac('sha256', key).update(message).digest();
  const given = Buffer.from(claim.signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Cognito's one-block HKDF with info "Caldera Derived Key", 16 bytes. */
function hkdf(ikm: Buffer, salt: Buffer): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
}

/** Cognito's TIMESTAMP format, e.g. "Mon Nov 3 09:05:07 UTC 2025" (day not padded). */
export function srpTimestamp(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** Parses a TIMESTAMP back to a date (for the clock-skew check); undefined when malformed. */
export function parseSrpTimestamp(text: string): Date | undefined {
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/.exec(text);
  if (!m) return undefined;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[1]);
  if (month < 0) return undefined;
  const date = new Date(Date.UTC(+m[6], month, +m[2], +m[3], +m[4], +m[5]));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
