/** A session shaped like fetchAuthSession()'s, with the claims the app reads. */
export function fakeSession(options: { groups?: string[]; exp?: number; identityId?: string; username?: string; identities?: object[] } = {}) {
  const payload: Record<string, unknown> = {
    sub: 'sub-1',
    'cognito:username': options.username ?? 'sub-1',
    exp: options.exp ?? 2_000_000_000,
    iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1',
  };
  if (options.groups) payload['cognito:groups'] = options.groups;
  if (options.identities) payload.identities = options.identities;
  return {
    tokens: {
      idToken: { payload, toString: () => 'id-token' },
      accessToken: { payload: { exp: payload.exp, iat: 1 }, toString: () => 'access-token' },
    },
    identityId: options.identityId ?? 'us-east-1:11111111-1111-4111-8111-111111111111',
    credentials: {
      accessKeyId: 'AKIDLOCAL',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date(2_000_000_000_000),
    },
  };
}
