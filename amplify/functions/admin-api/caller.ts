import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ApiError } from './errors';

/** Who is calling, from the claims API Gateway's Cognito authorizer verified (never from the body). */
export interface Caller {
  sub: string;
  username: string;
  email?: string;
  groups: string[];
  /** The id token itself (the `Authorization` header the authorizer verified) and its issuer, for the identity pool. */
  idToken?: string;
  issuer?: string;
}

/**
 * `cognito:groups` as API Gateway hands it to a Lambda proxy integration: a
 * REST API's authorizer flattens the token's array to text — `ADMINS,EDITORS`
 * (REST), `[ADMINS EDITORS]` (as HTTP APIs render lists) — and a direct
 * invocation may pass the array itself. All three are read the same way.
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value !== 'string') return [];
  const text = value.trim().replace(/^\[(.*)\]$/s, '$1');
  return text.split(/[\s,]+/).filter(Boolean);
}

export function callerOf(event: APIGatewayProxyEvent): Caller {
  const claims = (event.requestContext.authorizer?.claims ?? {}) as Record<string, unknown>;
  const sub = claims.sub;
  const username = claims['cognito:username'];
  // Behind the authorizer these are always there; without them nobody was verified.
  if (typeof sub !== 'string' || !sub || typeof username !== 'string' || !username || claims.token_use !== 'id') {
    throw new ApiError(401, 'Unauthorized', 'Sign in again: this request carries no verified identity.');
  }
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const idToken = header?.replace(/^Bearer\s+/i, '');
  return {
    sub,
    username,
    email: typeof claims.email === 'string' ? claims.email : undefined,
    groups: parseGroups(claims['cognito:groups']),
    ...(idToken && subjectOf(idToken) === sub ? { idToken } : {}),
    ...(typeof claims.iss === 'string' ? { issuer: claims.iss } : {}),
  };
}

/** The `sub` of a JWT's payload, unverified: only to check that the header carries the token the claims came from. */
function subjectOf(token: string): unknown {
  try {
    return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown }).sub;
  } catch {
    return undefined;
  }
}
