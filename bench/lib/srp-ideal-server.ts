/**
 * The SRP sign-in limit as a server: the least a server can do for a full
 * Cognito SRP sign-in, driven by the bench's own client, on the same machine,
 * in the same run. Per sign-in it does exactly the inherent work — g^b and
 * B = k·v + g^b, then u, S = (A·v^u)^b, the HKDF and the claim's HMAC, and two
 * RS256 signatures (id and access token) — over plain HTTP + JSON, with no
 * validation, no state store, no triggers, no logging. The state between the
 * two calls travels sealed in SECRET_BLOCK (AES-256-GCM), so it needs no
 * shared memory: it runs as a cluster of as many processes as the local
 * cloud's crypto pool has threads, each doing everything synchronously, which
 * is the cheapest way to use those threads. The users' verifiers are derived
 * from the same password as the bench's, so the same client signs in to it.
 *
 * Run as a child: `tsx bench/lib/srp-ideal-server.ts <port> <threads> <emails,...> <password>`;
 * prints "listening" once every process listens.
 */
import cluster from 'node:cluster';
import { createCipheriv, createDecipheriv, createHash, createHmac, generateKeyPairSync, randomBytes, randomUUID, sign, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { computeVerifier, g, k, modPow, N, padHex, srpPoolName } from '../../localcloud/services/srp';

export const IDEAL_POOL_ID = 'us-east-1_IdealSrp1';
export const IDEAL_CLIENT_ID = 'idealclient0000000000000000';

// Imported by the bench for its names only; serves when run as a script (and in the cluster's processes).
const isMain = Boolean(process.argv[1]) && import.meta.url === pathToFileURL(process.argv[1]).href;
const [port, threads, emailList, password, sealKeyHex, seed] = process.argv.slice(2);

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hexHash = (hex: string) => sha256Hex(Buffer.from(hex, 'hex'));
const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

if (isMain && cluster.isPrimary) {
  const sealKey = randomBytes(32).toString('hex');
  const run = randomBytes(8).toString('hex');
  let listening = 0;
  for (let i = 0; i < Number(threads); i++) {
    cluster.setupPrimary({ args: [port, threads, emailList, password, sealKey, run] });
    cluster.fork().on('listening', () => {
      if (++listening === Number(threads)) console.log('listening');
    });
  }
} else if (isMain) {
  const poolName = srpPoolName(IDEAL_POOL_ID);
  const sealKey = Buffer.from(sealKeyHex, 'hex');
  // Every process derives the same users (ids and salts from the run's seed), as a store would hold them.
  const users = new Map(
    emailList.split(',').map((email) => {
      const userId = sha256Hex(`${seed}/${email}`).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
      const salt = sha256Hex(`${seed}/salt/${email}`).slice(0, 32);
      return [email, { userId, salt, v: BigInt(`0x${computeVerifier(poolName, userId, password, salt)}`) }];
    }),
  );
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const header = b64url(JSON.stringify({ kid: 'ideal', alg: 'RS256' }));
  const jwt = (claims: object) => {
    const body = `${header}.${b64url(JSON.stringify(claims))}`;
    return `${body}.${b64url(sign('sha256', Buffer.from(body), privateKey))}`;
  };
  const seal = (state: object) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(state)), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
  };
  const unseal = (text: string) => {
    const raw = Buffer.from(text, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', sealKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString());
  };

  const initiate = (body: any) => {
    const email = body.AuthParameters.USERNAME;
    const user = users.get(email)!;
    const b = BigInt(`0x${randomBytes(32).toString('hex')}`);
    const B = (k * user.v + modPow(g, b)) % N;
    return {
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeParameters: {
        SALT: user.salt,
        SRP_B: B.toString(16),
        SECRET_BLOCK: seal({ email, b: b.toString(16), A: body.AuthParameters.SRP_A, B: B.toString(16) }),
        USER_ID_FOR_SRP: user.userId,
        USERNAME: user.userId,
      },
    };
  };
  const respond = (body: any) => {
    const answer = body.ChallengeResponses;
    const state = unseal(answer.PASSWORD_CLAIM_SECRET_BLOCK);
    const user = users.get(state.email)!;
    const A = BigInt(`0x${state.A}`);
    const u = BigInt(`0x${hexHash(padHex(A) + padHex(BigInt(`0x${state.B}`)))}`);
    const S = modPow((A * modPow(user.v, u)) % N, BigInt(`0x${state.b}`));
    const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex')).update(Buffer.from(padHex(S), 'hex')).digest();
    const key = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])])).digest().subarray(0, 16);
    const expected = createHmac('sha256', key)
      .update(Buffer.concat([Buffer.from(poolName), Buffer.from(user.userId), Buffer.from(answer.PASSWORD_CLAIM_SECRET_BLOCK, 'base64'), Buffer.from(answer.TIMESTAMP)]))
      .digest();
    const given = Buffer.from(answer.PASSWORD_CLAIM_SIGNATURE, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const now = Math.floor(Date.now() / 1000);
    const common = { sub: user.userId, iss: `https://cognito-idp.us-east-1.amazonaws.com/${IDEAL_POOL_ID}`, auth_time: now, iat: now, exp: now + 3600, jti: randomUUID(), origin_jti: randomUUID() };
    return {
      AuthenticationResult: {
        IdToken: jwt({ ...common, aud: IDEAL_CLIENT_ID, token_use: 'id', email: state.email, email_verified: true, 'cognito:username': user.userId, event_id: randomUUID() }),
        AccessToken: jwt({ ...common, client_id: IDEAL_CLIENT_ID, token_use: 'access', scope: 'aws.cognito.signin.user.admin', username: user.userId, event_id: randomUUID() }),
        RefreshToken: randomBytes(64).toString('base64url'),
        ExpiresIn: 3600,
        TokenType: 'Bearer',
      },
      ChallengeParameters: {},
    };
  };

  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const target = String(req.headers['x-amz-target']);
      const result = target.endsWith('.InitiateAuth') ? initiate(body) : respond(body);
      const payload = JSON.stringify(result ?? { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      res.writeHead(result ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  }).listen(Number(port), '127.0.0.1');
}
