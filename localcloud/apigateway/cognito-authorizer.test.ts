import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'vitest';
import type { VerifiedToken } from '../cognito-idp/tokens';
import { authorizeWithCognito, flattenClaims } from './cognito-authorizer';
import type { Authorizer, Method } from './rest-apis';

/** The authorizer's decisions after verification, with cognito-idp's verifyToken stood in for. */
const pool = { id: 'us-east-1_pool', arn: 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_pool', clients: [{ clientId: 'web' }, { clientId: 'admin' }] };
const verified = (claims: Record<string, unknown>) => ({ verifyToken: async () => ({ claims, pool, use: claims.token_use, user: {} }) as unknown as VerifiedToken });
const req = { headers: { authorization: 'a.b.c' } } as unknown as IncomingMessage;
const authorizer = (extra: Partial<Authorizer> = {}): Authorizer => ({ id: 'x', name: 'x', type: 'COGNITO_USER_POOLS', identityHeader: 'authorization', providerArns: [pool.arn], ...extra });
const method = (scopes: string[] = []): Method => ({ httpMethod: 'GET', logicalId: 'M', authorizationType: 'COGNITO_USER_POOLS', authorizationScopes: scopes, integration: { type: 'OTHER', description: '' } });

describe('authorizeWithCognito', () => {
  test('an id token of any app client of the pool passes; IdentityValidationExpression narrows the audience', async () => {
    expect(await authorizeWithCognito(verified({ token_use: 'id', aud: 'admin' }), req, authorizer(), method())).toMatchObject({ ok: true });
    const narrowed = authorizer({ identityValidationExpression: 'web' });
    expect(await authorizeWithCognito(verified({ token_use: 'id', aud: 'web' }), req, narrowed, method())).toMatchObject({ ok: true });
    expect(await authorizeWithCognito(verified({ token_use: 'id', aud: 'admin' }), req, narrowed, method())).toMatchObject({ ok: false, type: 'UNAUTHORIZED' });
  });

  test('a pool not among the ProviderARNs, an audience that is no client of it: 401', async () => {
    expect(await authorizeWithCognito(verified({ token_use: 'id', aud: 'web' }), req, authorizer({ providerArns: ['arn:other'] }), method())).toMatchObject({ ok: false, type: 'UNAUTHORIZED' });
    expect(await authorizeWithCognito(verified({ token_use: 'id', aud: 'elsewhere' }), req, authorizer(), method())).toMatchObject({ ok: false, type: 'UNAUTHORIZED' });
  });

  test('scopes: any one of the method’s is enough; none is 403', async () => {
    const access = (scope: string) => verified({ token_use: 'access', client_id: 'web', scope });
    expect(await authorizeWithCognito(access('openid vault/read'), req, authorizer(), method(['vault/write', 'vault/read']))).toMatchObject({ ok: true });
    expect(await authorizeWithCognito(access('openid'), req, authorizer(), method(['vault/read']))).toMatchObject({ ok: false, type: 'ACCESS_DENIED' });
  });
});

test('claims are flattened to strings as API Gateway renders them', () => {
  expect(
    flattenClaims({ sub: 's', exp: 1547138897, iat: 1547135297, auth_time: 1547135297, email_verified: true, 'cognito:groups': ['ADMINS', 'EDITORS'], address: { formatted: 'x' } }),
  ).toEqual({
    sub: 's',
    exp: 'Thu Jan 10 16:48:17 UTC 2019',
    iat: 'Thu Jan 10 15:48:17 UTC 2019',
    auth_time: '1547135297',
    email_verified: 'true',
    'cognito:groups': '[ADMINS, EDITORS]',
    address: '{"formatted":"x"}',
  });
});
