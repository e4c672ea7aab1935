import { createPrivateKey } from 'node:crypto';
import { request } from 'node:https';
import { createLocalJWKSet, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import type { ProviderEndpoints, ProviderRegistration } from '../../../identity-providers/registrations';

/**
 * Cognito's side of each social provider's protocol, server to server over
 * HTTPS (the state folder's CA trusted through `ca`, certificate checks on):
 * the authorization code exchanged at the provider's token endpoint with the
 * registered credentials, then the person's profile — Google and Apple from
 * the id token, verified for real (signature against the provider's JWKS,
 * iss, aud = client_id, exp, nonce), Amazon and Facebook from their profile
 * endpoints with the access token.
 */
export interface ProviderProfile {
  /** The provider's id of the person: Google and Apple `sub`, Amazon `user_id`, Facebook `id`. */
  userId: string;
  /** The provider's attributes, by the provider's names (what AttributeMapping maps from). */
  attributes: Record<string, unknown>;
}

/** The provider refused or answered something unusable; `description` says what (never a secret). */
export class ProviderError extends Error {}

export interface ExchangeInput {
  registration: ProviderRegistration;
  endpoints: ProviderEndpoints;
  code: string;
  redirectUri: string;
  /** The nonce sent with the authorization request (OIDC providers). */
  nonce?: string;
  /** Apple's `user` form field, sent on the first consent only: `{"name":{"firstName","lastName"},"email"}`. */
  appleUser?: string;
  ca?: string;
  now: Date;
}

const APPLE_AUDIENCE = 'https://appleid.apple.com';
const TIMEOUT_MS = 10_000;
const BODY_LIMIT = 1024 * 1024;

interface HttpAnswer {
  status: number;
  body: string;
}

function httpsCall(url: string, options: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; ca?: string }): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method,
        ca: options.ca,
        timeout: TIMEOUT_MS,
        headers: { Accept: 'application/json', ...(options.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(options.body)) } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > BODY_LIMIT) return req.destroy(new ProviderError('The provider answered more than 1 MiB.'));
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new ProviderError(`The provider did not answer within ${TIMEOUT_MS / 1000} s.`)));
    req.on('error', (error) => reject(error instanceof ProviderError ? error : new ProviderError(`The provider could not be reached: ${error.message}`)));
    req.end(options.body);
  });
}

function json(answer: HttpAnswer, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    parsed = undefined;
  }
  if (answer.status !== 200 || !parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const detail = parsed && typeof parsed === 'object' ? ((parsed as Record<string, unknown>).error_description ?? (parsed as Record<string, unknown>).error) : undefined;
    const text = typeof detail === 'string' ? detail : typeof detail === 'object' && detail ? String((detail as Record<string, unknown>).message ?? '') : '';
    throw new ProviderError(`The provider's ${what} answered ${answer.status}${text ? `: ${text}` : ''}.`);
  }
  return parsed as Record<string, unknown>;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** Sign in with Apple's client secret: an ES256 JWT by the registered key (iss team id, sub client id, aud Apple), 5 minutes. */
export async function appleClientSecret(details: Record<string, string>, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: details.key_id })
    .setIssuer(details.team_id)
    .setSubject(details.client_id)
    .setAudience(APPLE_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .sign(createPrivateKey(details.private_key));
}

async function verifiedIdToken(input: ExchangeInput, idToken: unknown): Promise<Record<string, unknown>> {
  if (typeof idToken !== 'string') throw new ProviderError('The provider sent no id token.');
  const { endpoints, registration } = input;
  const keys = json(await httpsCall(endpoints.jwks!, { method: 'GET', ca: input.ca }), 'key set') as unknown as JSONWebKeySet;
  const issuers = registration.providerType === 'Google' ? [endpoints.issuer!, 'accounts.google.com'] : [endpoints.issuer!];
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(idToken, createLocalJWKSet(keys), {
      issuer: issuers,
      audience: registration.details.client_id,
      algorithms: ['RS256', 'ES256'],
      currentDate: input.now,
      clockTolerance: 60,
    }));
  } catch (error) {
    throw new ProviderError(`The provider's id token is not valid (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (input.nonce !== undefined && payload.nonce !== input.nonce) throw new ProviderError("The provider's id token does not carry the nonce of this sign-in.");
  if (typeof payload.sub !== 'string' || !payload.sub) throw new ProviderError("The provider's id token has no sub.");
  return payload;
}

function appleName(user: string | undefined): Record<string, string> {
  if (!user) return {};
  let parsed: { name?: { firstName?: unknown; lastName?: unknown } } | undefined;
  try {
    parsed = JSON.parse(user);
  } catch {
    return {};
  }
  const first = typeof parsed?.name?.firstName === 'string' ? parsed.name.firstName : undefined;
  const last = typeof parsed?.name?.lastName === 'string' ? parsed.name.lastName : undefined;
  const name = [first, last].filter(Boolean).join(' ');
  return { ...(first ? { firstName: first } : {}), ...(last ? { lastName: last } : {}), ...(name ? { name } : {}) };
}

/** The code → the person, as each provider's protocol has it. */
export async function exchangeCode(input: ExchangeInput): Promise<ProviderProfile> {
  const { registration, endpoints, code, redirectUri, ca } = input;
  const details = registration.details;
  switch (registration.providerType) {
    case 'Google':
    case 'SignInWithApple': {
      const clientSecret = registration.providerType === 'Google' ? details.client_secret : await appleClientSecret(details, input.now);
      const tokens = json(
        await httpsCall(endpoints.token, {
          method: 'POST',
          headers: FORM,
          ca,
          body: form({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: details.client_id, client_secret: clientSecret }),
        }),
        'token endpoint',
      );
      const claims = await verifiedIdToken(input, tokens.id_token);
      const attributes = registration.providerType === 'SignInWithApple' ? { ...appleName(input.appleUser), ...claims } : claims;
      return { userId: String(claims.sub), attributes };
    }
    case 'LoginWithAmazon': {
      const tokens = json(
        await httpsCall(endpoints.token, {
          method: 'POST',
          headers: FORM,
          ca,
          body: form({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: details.client_id, client_secret: details.client_secret }),
        }),
        'token endpoint',
      );
      if (typeof tokens.access_token !== 'string') throw new ProviderError('The provider sent no access token.');
      const profile = json(await httpsCall(endpoints.userInfo!, { method: 'GET', ca, headers: { Authorization: `Bearer ${tokens.access_token}` } }), 'profile endpoint');
      if (typeof profile.user_id !== 'string' || !profile.user_id) throw new ProviderError('The profile has no user_id.');
      return { userId: profile.user_id, attributes: profile };
    }
    case 'Facebook': {
      const tokenUrl = `${endpoints.token}?${form({ client_id: details.client_id, client_secret: details.client_secret, redirect_uri: redirectUri, code })}`;
      const tokens = json(await httpsCall(tokenUrl, { method: 'GET', ca }), 'token endpoint');
      if (typeof tokens.access_token !== 'string') throw new ProviderError('The provider sent no access token.');
      const fields = [...new Set(['id', 'name', 'email', 'first_name', 'last_name', ...Object.values(registration.attributeMapping)])].filter((f) => /^[a-z_]+$/.test(f));
      const profile = json(await httpsCall(`${endpoints.userInfo}?${form({ fields: fields.join(','), access_token: tokens.access_token })}`, { method: 'GET', ca }), 'profile endpoint');
      if (typeof profile.id !== 'string' || !profile.id) throw new ProviderError('The profile has no id.');
      return { userId: profile.id, attributes: profile };
    }
  }
}
