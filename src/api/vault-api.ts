import { del, get, post, put } from 'aws-amplify/api';
import { fetchAuthSession } from 'aws-amplify/auth';
import { ADMIN_API_NAME, type ApiErrorBody } from '../../amplify/api/contract';

/**
 * The backend's REST API (amplify/api/): `aws-amplify/api` with the signed-in
 * person's id token in `Authorization`, which API Gateway's Cognito
 * authorizer verifies. Calls are not retried: a change must not run twice.
 */
export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

const CALLS = { GET: get, PUT: put, POST: post, DELETE: del } as const;

export class SignedOutError extends Error {
  constructor() {
    super('You are signed out. Sign in again.');
    this.name = 'SignedOutError';
  }
}

export async function callApi<T>(method: Method, path: string, options: { query?: Record<string, string | undefined>; body?: object } = {}): Promise<T> {
  const token = (await fetchAuthSession()).tokens?.idToken?.toString();
  if (!token) throw new SignedOutError();
  const queryParams = Object.fromEntries(Object.entries(options.query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  const operation = CALLS[method]({
    apiName: ADMIN_API_NAME,
    path,
    options: {
      headers: { Authorization: token },
      ...(Object.keys(queryParams).length > 0 ? { queryParams } : {}),
      ...(options.body ? { body: options.body as never } : {}),
      retryStrategy: { strategy: 'no-retry' },
    },
  });
  const { body } = await operation.response;
  return (await body.json()) as T;
}

/** Path segments as the API expects them (a username may hold any character). */
export const segment = (value: string) => encodeURIComponent(value);

/** The HTTP status of a refused call, if it got an answer. */
export function apiErrorStatus(error: unknown): number | undefined {
  return (error as { response?: { statusCode?: number } })?.response?.statusCode;
}

/**
 * What went wrong, for people. The API's own refusals are already sentences
 * (ApiErrorBody.message); API Gateway's (401 Unauthorized, 403) and the
 * network's are put in words here.
 */
export function apiErrorMessage(error: unknown): string {
  if (error instanceof SignedOutError) return error.message;
  const status = apiErrorStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  const body = parseBody((error as { response?: { body?: string } })?.response?.body);
  if (body?.code && body.message) return body.message;
  if (status === 401) return 'Your session has expired or was ended. Sign out and in again.';
  if (status === 403) return 'You are not allowed to do this.';
  if (status === 429) return 'Too many requests right now. Wait a moment and try again.';
  if (status !== undefined && status >= 500) return 'The server could not do this right now. Try again in a moment.';
  if (/fetch|network/i.test(message) || (error instanceof Error && error.name === 'NetworkError')) {
    return 'The service cannot be reached. Check your connection and try again.';
  }
  return message || 'Something went wrong. Please try again.';
}

function parseBody(text: string | undefined): Partial<ApiErrorBody> | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Partial<ApiErrorBody>;
  } catch {
    return undefined;
  }
}

/**
 * A person's own birthdate, checked on the server by the sign-up rule; null removes it.
 * The only way to change it: people cannot write the attribute themselves (amplify/overrides.ts).
 */
export async function changeOwnBirthdate(birthdate: string | null): Promise<void> {
  await callApi('PUT', '/me/birthdate', { body: { birthdate } });
}
