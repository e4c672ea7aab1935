import { ApiError } from '@aws-amplify/core/internals/utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ made: [] as Array<{ method: string; input: any }>, answer: { body: {} as unknown } as { body?: unknown; error?: unknown } }));

vi.mock('aws-amplify/api', () => {
  const call = (method: string) => (input: any) => {
    calls.made.push({ method, input });
    return {
      response: calls.answer.error ? Promise.reject(calls.answer.error) : Promise.resolve({ statusCode: 200, headers: {}, body: { json: async () => calls.answer.body } }),
    };
  };
  return { get: call('GET'), put: call('PUT'), post: call('POST'), del: call('DELETE') };
});
vi.mock('aws-amplify/auth', () => ({ fetchAuthSession: vi.fn() }));

import { fetchAuthSession } from 'aws-amplify/auth';
import { apiErrorMessage, callApi, changeOwnBirthdate, SignedOutError } from './vault-api';

const withToken = (token?: string) =>
  vi.mocked(fetchAuthSession).mockResolvedValue({ tokens: token ? { idToken: { toString: () => token } } : undefined } as never);

function apiError(statusCode: number, body: string) {
  return new ApiError({ name: 'UnknownError', message: 'Unknown error', response: { statusCode, headers: {}, body } });
}

describe('callApi', () => {
  beforeEach(() => {
    calls.made.length = 0;
    calls.answer = { body: { ok: true } };
    withToken('header.payload.signature');
  });

  it("sends the person's id token as Authorization to the admin API, never retrying", async () => {
    await expect(callApi('GET', '/users', { query: { search: 'ann', next: undefined } })).resolves.toEqual({ ok: true });
    expect(calls.made).toEqual([
      {
        method: 'GET',
        input: {
          apiName: 'adminApi',
          path: '/users',
          options: { headers: { Authorization: 'header.payload.signature' }, queryParams: { search: 'ann' }, retryStrategy: { strategy: 'no-retry' } },
        },
      },
    ]);
  });

  it('puts a birthdate change with a JSON body', async () => {
    await changeOwnBirthdate('1990-04-23');
    expect(calls.made[0]).toMatchObject({ method: 'PUT', input: { path: '/me/birthdate', options: { body: { birthdate: '1990-04-23' } } } });
  });

  it('refuses to call without a session', async () => {
    withToken(undefined);
    await expect(callApi('GET', '/users')).rejects.toBeInstanceOf(SignedOutError);
    expect(calls.made).toEqual([]);
  });
});

describe('apiErrorMessage', () => {
  it("shows the API's own sentence", () => {
    const error = apiError(409, JSON.stringify({ code: 'LastAdmin', message: 'ada@example.com is the last member of ADMINS: make someone else an administrator first.' }));
    expect(apiErrorMessage(error)).toBe('ada@example.com is the last member of ADMINS: make someone else an administrator first.');
  });

  it("puts API Gateway's and the network's refusals in words", () => {
    expect(apiErrorMessage(apiError(401, '{"message":"Unauthorized"}'))).toBe('Your session has expired or was ended. Sign out and in again.');
    expect(apiErrorMessage(apiError(403, '{"message":"Missing Authentication Token"}'))).toBe('You are not allowed to do this.');
    expect(apiErrorMessage(apiError(429, '{"message":"Too Many Requests"}'))).toMatch(/Too many requests/);
    expect(apiErrorMessage(apiError(502, '{"message": "Internal server error"}'))).toMatch(/could not do this right now/);
    expect(apiErrorMessage(new TypeError('Failed to fetch'))).toBe('The service cannot be reached. Check your connection and try again.');
    expect(apiErrorMessage(new SignedOutError())).toBe('You are signed out. Sign in again.');
  });
});
