import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, exportJWK, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ProviderRegistration } from '../../../identity-providers/registrations';
import { loadLoopbackTls, type LoopbackTls } from '../../../tls/local-ca';
import { appleClientSecret, exchangeCode, ProviderError } from './provider-client';

/**
 * Cognito's checks of a provider's answer, against a stand-in token endpoint
 * and key set over HTTPS (the local CA trusted, certificate checks on): the
 * id token's signature, issuer, audience, expiry and nonce; Apple's client
 * secret as Apple verifies it.
 */
const { privateKey: signingKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const { publicKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = new Date();
let root: string;
let tls: LoopbackTls;
let server: Server;
let origin: string;
let idToken = '';
let jwksKey = publicKey;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'provider-client-'));
  tls = loadLoopbackTls(root);
  server = createServer({ key: tls.key, cert: tls.cert }, async (req, res) => {
    const body = req.url === '/jwks' ? { keys: [{ ...(await exportJWK(jwksKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] } : { access_token: 'a', token_type: 'Bearer', id_token: idToken };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

const google: ProviderRegistration = {
  poolId: 'p',
  providerName: 'Google',
  providerType: 'Google',
  attributeMapping: { email: 'email' },
  details: { client_id: 'google-client', client_secret: 'google-secret', authorize_scopes: 'openid email' },
  placeholders: [],
};

async function token(claims: Record<string, unknown>, key = signingKey): Promise<string> {
  const now = Math.floor(NOW.getTime() / 1000);
  return new SignJWT({ sub: '1234567890', email: 'a@example.com', nonce: 'n-1', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(String(claims.iss ?? 'https://accounts.google.com'))
    .setAudience(String(claims.aud ?? 'google-client'))
    .setIssuedAt(now)
    .setExpirationTime(Number(claims.exp ?? now + 3600))
    .sign(key);
}

const exchange = () =>
  exchangeCode({
    registration: google,
    endpoints: { authorize: `${origin}/auth`, token: `${origin}/token`, jwks: `${origin}/jwks`, issuer: 'https://accounts.google.com' },
    code: 'code',
    redirectUri: 'https://localhost/oauth2/idpresponse',
    nonce: 'n-1',
    ca: tls.caCertificate,
    now: NOW,
  });

describe("the id token's checks", () => {
  test('a genuine token gives the person', async () => {
    jwksKey = publicKey;
    idToken = await token({});
    await expect(exchange()).resolves.toMatchObject({ userId: '1234567890', attributes: { email: 'a@example.com' } });
  });

  test('a token signed by another key, for another client, from another issuer, expired, or without the nonce is refused', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ aud: 'someone-else' }, 'aud'],
      [{ iss: 'https://evil.example.com' }, 'iss'],
      [{ exp: Math.floor(NOW.getTime() / 1000) - 3600 }, 'exp'],
      [{ nonce: 'other' }, 'nonce'],
    ];
    jwksKey = publicKey;
    for (const [claims, what] of cases) {
      idToken = await token(claims);
      await expect(exchange(), what).rejects.toBeInstanceOf(ProviderError);
    }
    jwksKey = otherKey;
    idToken = await token({});
    await expect(exchange()).rejects.toThrow(/signature/);
    // A tampered payload under a genuine signature.
    jwksKey = publicKey;
    const [header, , signature] = (await token({})).split('.');
    idToken = [header, Buffer.from(JSON.stringify({ sub: 'someone-else', aud: 'google-client', iss: 'https://accounts.google.com', exp: 9999999999, nonce: 'n-1' })).toString('base64url'), signature].join('.');
    await expect(exchange()).rejects.toThrow(/signature/);
  });

  test('an unreachable or untrusted provider is a ProviderError, not a crash', async () => {
    idToken = await token({});
    await expect(
      exchangeCode({ registration: google, endpoints: { authorize: '', token: `${origin}/token`, jwks: `${origin}/jwks` }, code: 'c', redirectUri: 'r', now: NOW }),
    ).rejects.toBeInstanceOf(ProviderError); // no CA: the certificate is not trusted
  });
});

test("Apple's client secret: ES256 by the registered key, kid = key id, iss = team id, sub = client id, aud Apple", async () => {
  const { privateKey, publicKey: applePublic } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const secret = await appleClientSecret({ client_id: 'com.example.web', team_id: 'TEAM123456', key_id: 'KEY1234567', private_key: pem }, NOW);
  expect(decodeProtectedHeader(secret)).toEqual({ alg: 'ES256', kid: 'KEY1234567' });
  const { payload } = await jwtVerify(secret, applePublic, { issuer: 'TEAM123456', subject: 'com.example.web', audience: 'https://appleid.apple.com', currentDate: NOW });
  expect(Number(payload.exp) - Number(payload.iat)).toBeLessThanOrEqual(15777000);
});
