import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserPoolClientConfig, UserPoolConfig } from '../../provisioning/user-pools';
import { CognitoError } from '../errors';
import type { Pools } from '../services';
import { timingSafeEqual } from 'node:crypto';

/**
 * The token and revocation endpoints' wire: form-encoded requests, JSON
 * answers `{"error": …}` (RFC 6749 §5.2) never cached, and the client's
 * authentication — HTTP Basic (client_secret_basic) or client_id and
 * client_secret in the form (client_secret_post).
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description?: string,
    readonly status = 400,
  ) {
    super(description ?? error);
  }
}

export function sendOAuthJson(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    ...headers,
  });
  res.end(text);
}

export function sendOAuthError(res: ServerResponse, error: OAuthError): void {
  sendOAuthJson(res, error.status, error.description ? { error: error.error, error_description: error.description } : { error: error.error });
}

export function assertFormEncoded(req: IncomingMessage): void {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new OAuthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded.');
}

/** The authenticated client: a known client id, and its secret when it has one (never a secret when it has none). */
export function authenticateClient(pools: Pools, req: IncomingMessage, form: URLSearchParams): { pool: UserPoolConfig; client: UserPoolClientConfig } {
  let clientId = form.get('client_id') ?? undefined;
  let secret = form.get('client_secret') ?? undefined;
  const basic = basicCredentials(req);
  if (basic) {
    if (basic === 'malformed' || secret !== undefined) throw new OAuthError('invalid_client');
    if (clientId !== undefined && clientId !== basic.id) throw new OAuthError('invalid_client');
    clientId = basic.id;
    secret = basic.secret;
  }
  if (!clientId) throw new OAuthError('invalid_request', 'client_id is required.');
  let found: { pool: UserPoolConfig; client: UserPoolClientConfig };
  try {
    found = pools.client(clientId);
  } catch (error) {
    if (error instanceof CognitoError) throw new OAuthError('invalid_client');
    throw error;
  }
  const expected = found.client.clientSecret;
  if (expected === undefined ? secret !== undefined : !secret || !sameSecret(secret, expected)) throw new OAuthError('invalid_client');
  return found;
}

/** Compares a presented secret with the expected one in constant time. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** client id and secret from HTTP Basic (client_secret_basic), when the request has an Authorization header; `malformed` when it is not Basic credentials. */
export function basicCredentials(req: IncomingMessage): { id: string; secret: string } | 'malformed' | undefined {
  const authorization = String(req.headers.authorization ?? '');
  if (!authorization) return undefined;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
  const decoded = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  const [id, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)].map((part) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return part;
    }
  });
  return { id, secret };
}
